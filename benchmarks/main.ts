/*
 * npm run bench: the exploration figures issue 12 asks for, from one process run, side by
 * side, each against its target. Timings are wall-clock and machine-dependent (they move
 * with the load of the machine); the ratios, measured in the same run, are what to compare.
 * Nothing here is asserted by the test suite.
 *
 *   1. the cost of one step with tracing off (exploration) and on (kqsim run), as ratios to a
 *      bare function* yield loop
 *   2. executions/s and steps/s with every invariant on: one core in this thread, then 1
 *      worker and every core in worker threads, on pipe-read, nic-softnet and ktickle-race
 *   3. the ktickle race written for fast-check's fc.scheduler(), timed here: kqsim/fast-check
 *      for schedules/s and steps/s
 *   4. exhaustive search with and without partial-order reduction (three-sources and others)
 *   5. peak heap after 2,000 and 20,000 executions (flat in the number of runs?)
 *   6. PCT vs a uniform random walk: runs to the first failure of the lost-wakeup mutant
 *   7. what recording a search's coverage costs a run (kqsim score measures strategies on
 *      every mutant; this file keeps the figures that are about speed)
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { coverage_chooser, coverage_empty } from '../sim/explore/coverage.ts';
import { type ExploreSpec, explore, make_plan } from '../sim/explore/explorer.ts';
import { random_chooser } from '../sim/explore/random.ts';
import { failure_of } from '../sim/explore/replay.ts';
import { WHOLE } from '../sim/explore/slice.ts';
import type { StrategyName } from '../sim/explore/strategy.ts';
import { explore_workers } from '../sim/explore/workers.ts';
import { run_scenario } from '../sim/run/runner.ts';
import { defineScenario, type Scenario, scenario_load } from '../sim/scenario.ts';
import { type Build, build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';
import { fc_race } from './fc_race.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const ONE_CORE_RUNS = 20_000;
const WORKER_RUNS = 100_000;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const rate = (n: number, ms: number) => (n * 1000) / ms;
const k = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(0)}k` : x.toFixed(0));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function* bare(): Generator<string, void, void> {
  for (;;) yield 'point';
}

/** Nanoseconds per resume of a generator that does nothing but yield. */
function bare_ns(n: number): number {
  const g = bare();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) g.next();
  return ((performance.now() - t0) * 1e6) / n;
}

/** A process that writes a byte to a pipe and reads it back `n` times: many steps, one boot. */
function ping_pong(n: number): Scenario {
  const def = defineScenario({
    summary: 'bench: pipe ping-pong',
    processes: [
      {
        name: 'pinger',
        *main(u) {
          const [r, w] = (yield* u.pipe()).fds as [number, number];
          for (let i = 0; i < n; i++) {
            yield* u.write(w, 'x');
            yield* u.read(r, 1);
          }
          yield* u.close(r);
          yield* u.close(w);
        },
      },
    ],
  });
  return { ...def, name: `ping-pong-${n}`, file: '<bench>' };
}

/** Nanoseconds per step over whole runs of one long scenario, recorded or not. */
function step_ns(scenario: Scenario, build: Build, record: boolean, reps: number): number {
  let steps = 0;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) steps += run_scenario({ scenario, build, platform: i386, record }).steps;
  return ((performance.now() - t0) * 1e6) / steps;
}

interface Speed {
  readonly executions: number;
  readonly steps: number;
  readonly ms: number;
}

async function one_core(spec: ExploreSpec): Promise<Speed> {
  const t0 = performance.now();
  const r = await explore(spec);
  return { executions: r.executions, steps: r.collected.steps as number, ms: performance.now() - t0 };
}

async function in_workers(spec: ExploreSpec, workers: number): Promise<Speed> {
  const t0 = performance.now();
  const { report } = await explore_workers(spec, WHOLE, { workers, watchdog_s: 60, memory_mb: 2048 });
  return { executions: report.executions, steps: report.collected.steps as number, ms: performance.now() - t0 };
}

function speed(s: Speed): string {
  return `${k(rate(s.executions, s.ms)).padStart(6)} executions/s ${k(rate(s.steps, s.ms)).padStart(6)} steps/s`;
}

/** Exhaustive search: executions, pruned, and the distinct outcomes (what each process saw). */
function exhaustive(scenario: Scenario, build: Build, reduce: boolean, maxPreemptions?: number) {
  const plan = make_plan(
    { scenario, build, platform: i386, strategy: 'exhaustive', reduce, ...(maxPreemptions !== undefined ? { maxPreemptions } : {}) },
    WHOLE,
  );
  const outcomes = new Set<string>();
  let executions = 0;
  let pruned = 0;
  const t0 = performance.now();
  for (let p = plan.next(); p; p = plan.next()) {
    const ex = p.execution;
    const r = run_scenario({ scenario, build, platform: i386, chooser: ex.chooser, ...(ex.observer ? { observer: ex.observer } : {}) });
    if (!ex.finished(r)) {
      pruned++;
      continue;
    }
    executions++;
    const results = r.events
      .filter((e) => e.kind === 'sysret')
      .map((e) => `${e.pid} ${e.name}=${e.ret} ${e.errno} ${JSON.stringify(e.events ?? [])}`)
      .sort();
    outcomes.add(`${failure_of(r.outcome)} | ${results.join('; ')}`);
  }
  return { executions, pruned, outcomes, ms: performance.now() - t0 };
}

async function runs_to_failure(scenario: Scenario, build: Build, strategy: StrategyName, seed: number): Promise<number> {
  const r = await explore({ scenario, build, platform: i386, strategy, seed, runs: 100_000, shrink: false });
  return r.violations[0]?.execution ?? Number.POSITIVE_INFINITY;
}

/** Milliseconds for `runs` quiet random executions (seeded by index, as the explorer does), coverage recorded or not. */
function quiet_ms(scenario: Scenario, build: Build, runs: number, seed: number, coverage: boolean): number {
  const data = coverage_empty();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const chooser = random_chooser(seed, i);
    run_scenario({
      scenario,
      build,
      platform: i386,
      record: false,
      fingerprint: true,
      chooser: coverage ? coverage_chooser(chooser, data) : chooser,
    });
  }
  return performance.now() - t0;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

async function main(): Promise<void> {
  const clean = build_parse('netbsd-2.0');
  const mutant = build_parse('netbsd-2.0+mutant-lost-wakeup');
  const v2 = build_parse('netbsd-4.0+ktickle-v2');
  const cores = availableParallelism();
  const [pipeRead, nic, race, three] = (await Promise.all(['pipe-read', 'nic-softnet', 'ktickle-race', 'three-sources'].map(scenario_load))) as [
    Scenario,
    Scenario,
    Scenario,
    Scenario,
  ];
  out(`kqsim bench (node ${process.version}, ${cores} core(s))`);

  // 1. Step cost, side by side; warm up first so the JIT has settled.
  const long = ping_pong(2000);
  bare_ns(2_000_000);
  step_ns(long, clean, false, 2);
  step_ns(long, clean, true, 2);
  const bareNs = bare_ns(5_000_000);
  const offNs = step_ns(long, clean, false, 5);
  const onNs = step_ns(long, clean, true, 5);
  out('');
  out('1. step cost (one resume of kernel code to its next preemption point, every invariant checked), pipe ping-pong of 8006 steps');
  out(`   bare function* yield loop: ${bareNs.toFixed(1)} ns`);
  out(`   tracing off (exploration): ${offNs.toFixed(0)} ns/step = ${(offNs / bareNs).toFixed(0)}x the bare loop`);
  out(`   tracing on (kqsim run):    ${onNs.toFixed(0)} ns/step = ${(onNs / bareNs).toFixed(0)}x the bare loop; on/off ${(onNs / offNs).toFixed(2)}`);

  // 2. Executions and steps per second.
  out('');
  // A worker thread loads kqsim through tsx before its first run: seconds that count against
  // the workers on a short search, so the worker rows run long enough for that to be a
  // small part of them (and the start-up of one is printed, so it can be taken out).
  const startup = await in_workers({ scenario: pipeRead, build: clean, platform: i386, strategy: 'random', seed: 1, runs: 1 }, 1);
  out(
    `2. random exploration, every invariant on: one core in this thread (${k(ONE_CORE_RUNS)} executions); 1 worker and ${cores} workers in worker threads (${k(WORKER_RUNS)} executions, start-up included: one worker's is ${(startup.ms / 1000).toFixed(1)} s)`,
  );
  const cases: readonly [string, Scenario, Build][] = [
    ['pipe-read', pipeRead, clean],
    ['nic-softnet', nic, clean],
    ['ktickle-race', race, v2],
  ];
  let pipeOne: Speed | undefined;
  let scaling: number[] = [];
  for (const [name, sc, build] of cases) {
    const spec: ExploreSpec = { scenario: sc, build, platform: i386, strategy: 'random', seed: 1, runs: ONE_CORE_RUNS };
    await one_core({ ...spec, runs: 2000 });
    const one = await one_core(spec);
    const long: ExploreSpec = { ...spec, runs: WORKER_RUNS };
    const w1 = await in_workers(long, 1);
    const wn = await in_workers(long, cores);
    if (name === 'pipe-read') pipeOne = one;
    scaling = [...scaling, rate(wn.executions, wn.ms) / rate(w1.executions, w1.ms)];
    out(
      `   ${name.padEnd(13)} one core ${speed(one)} | 1 worker ${speed(w1)} | ${cores} workers ${speed(wn)} (${(rate(wn.executions, wn.ms) / rate(w1.executions, w1.ms)).toFixed(2)}x)`,
    );
  }
  if (pipeOne) {
    out(`   target: one core >= 10,000 executions/s on pipe-read: ${verdict(rate(pipeOne.executions, pipeOne.ms) >= 10_000)}`);
    out(`   target: one core >= 300,000 steps/s on pipe-read: ${verdict(rate(pipeOne.steps, pipeOne.ms) >= 300_000)}`);
  }
  const worst = Math.min(...scaling);
  out(
    `   target: ${cores} workers >= 1.7x one worker: ${cores < 2 ? 'not measurable on one core' : `${verdict(worst >= 1.7)} (lowest ${worst.toFixed(2)}x)`}`,
  );

  // 3. The same race in fast-check's scheduler, in this process.
  out('');
  out("3. the ktickle race: kqsim (random, one core) against fast-check's fc.scheduler() model of it (benchmarks/fc_race.ts)");
  await fc_race(500);
  const f = await fc_race(5000);
  const q = await one_core({ scenario: race, build: v2, platform: i386, strategy: 'random', seed: 2, runs: 5000 });
  const sched = rate(q.executions, q.ms) / rate(f.runs, f.ms);
  const steps = rate(q.steps, q.ms) / rate(f.steps, f.ms);
  out(`   fast-check: ${k(rate(f.runs, f.ms))} schedules/s, ${k(rate(f.steps, f.ms))} steps/s (${(f.steps / f.runs).toFixed(0)} steps each)`);
  out(
    `   kqsim:      ${k(rate(q.executions, q.ms))} schedules/s, ${k(rate(q.steps, q.ms))} steps/s (${(q.steps / q.executions).toFixed(0)} steps each)`,
  );
  out(`   kqsim/fast-check: schedules/s ${sched.toFixed(2)}, steps/s ${steps.toFixed(2)}`);
  out(`   target: steps/s >= 2x fast-check's scheduler: ${verdict(steps >= 2)}; beats it: ${verdict(steps > 1)}`);

  // 4. Exhaustive with and without reduction.
  out('');
  out('4. exhaustive search with and without partial-order reduction (sleep sets); outcomes = what every process saw, and how it ended');
  const ex: readonly [string, Scenario, Build, number | undefined, number][] = [
    ['three-sources, <= 2 preemptions', three, clean, 2, 100],
    ['nic-softnet', nic, clean, undefined, 1],
    ['ktickle-race, +ktickle-v2', race, v2, undefined, 1],
  ];
  for (const [label, sc, build, bound, target] of ex) {
    const plain = exhaustive(sc, build, false, bound);
    const reduced = exhaustive(sc, build, true, bound);
    const same = plain.outcomes.size === reduced.outcomes.size && [...plain.outcomes].every((o) => reduced.outcomes.has(o));
    const x = plain.executions / reduced.executions;
    out(
      `   ${label}: plain ${plain.executions} executions (${(plain.ms / 1000).toFixed(1)} s), reduced ${reduced.executions} (+${reduced.pruned} pruned, ${(reduced.ms / 1000).toFixed(1)} s): ${x.toFixed(1)}x fewer; ${reduced.outcomes.size} of ${plain.outcomes.size} distinct outcomes covered${target > 1 ? ` (target >= ${target}x fewer, every outcome: ${verdict(x >= target && same)})` : ''}`,
    );
  }

  // 5. Memory in the number of runs.
  out('');
  out('5. heap after exploring, in this thread (garbage collected first): flat in the number of runs?');
  const heap = async (runs: number) => {
    gc();
    await explore({ scenario: nic, build: clean, platform: i386, strategy: 'random', seed: 3, runs });
    gc();
    return getHeapStatistics().used_heap_size / 2 ** 20;
  };
  const small = await heap(2000);
  const big = await heap(20_000);
  out(
    `   2,000 runs: ${small.toFixed(1)} MB; 20,000 runs: ${big.toFixed(1)} MB (ratio ${(big / small).toFixed(2)}; target flat, <= 1.2: ${verdict(big / small <= 1.2)})`,
  );

  // 6. PCT vs random.
  out('');
  out('6. runs to the first failure of netbsd-2.0+mutant-lost-wakeup on nic-softnet (median over seeds 1..11)');
  const seeds = Array.from({ length: 11 }, (_, i) => i + 1);
  const pct: number[] = [];
  const random: number[] = [];
  for (const s of seeds) {
    pct.push(await runs_to_failure(nic, mutant, 'pct', s));
    random.push(await runs_to_failure(nic, mutant, 'random', s));
  }
  const ratio = median(pct) / median(random);
  out(`   pct (depth 3): median ${median(pct)} runs [${pct.join(', ')}]`);
  out(`   random walk:   median ${median(random)} runs [${random.join(', ')}]`);
  out(`   pct/random ${ratio.toFixed(3)} (target <= 0.1: ${verdict(ratio <= 0.1)})`);

  // 7. Coverage recording, side by side on the same schedules.
  out('');
  out('7. coverage recording: quiet random executions of pipe-read with and without it (the same executions)');
  quiet_ms(pipeRead, clean, 500, 3, true);
  const without = quiet_ms(pipeRead, clean, 2000, 3, false);
  const withCoverage = quiet_ms(pipeRead, clean, 2000, 3, true);
  const c = withCoverage / without;
  out(`   without ${without.toFixed(0)} ms, with ${withCoverage.toFixed(0)} ms: ratio ${c.toFixed(2)} (target <= 1.1: ${verdict(c <= 1.1)})`);
}

await main();
