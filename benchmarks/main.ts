/*
 * npm run bench: the exploration figures the issue asks for, from one process run, each
 * against its target. Timings are wall-clock and machine-dependent; the ratios are what to
 * compare. Nothing here is asserted by the test suite.
 *
 *   1. the cost of one simulator step, as a ratio to a bare function* yield loop
 *   2. random schedules per second on pipe-read
 *   3. exhaustive search with and without partial-order reduction: executions, distinct traces
 *   4. PCT vs a uniform random walk: runs to the first failure of the lost-wakeup mutant,
 *      median over seeds
 *   5. what recording a search's coverage costs a run (kqsim score measures strategies on
 *      every mutant; this file keeps the figures that are about speed)
 */
import { performance } from 'node:perf_hooks';
import { CoverageCollector } from '../sim/explore/coverage.ts';
import { make_strategy } from '../sim/explore/explorer.ts';
import type { StrategyName } from '../sim/explore/strategy.ts';
import { trace_hash } from '../sim/explore/trace_hash.ts';
import { run_scenario } from '../sim/run/runner.ts';
import { defineScenario, type Scenario, scenario_load } from '../sim/scenario.ts';
import { type Build, build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

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

interface Batch {
  readonly runs: number;
  readonly steps: number;
  readonly ms: number;
}

function run_batch(scenario: Scenario, build: Build, strategy: StrategyName, runs: number, seed: number, coverage?: CoverageCollector): Batch {
  const st = make_strategy({ scenario, build, platform: i386, strategy, seed });
  let steps = 0;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const ex = st.next();
    if (!ex) break;
    const r = run_scenario({ scenario, build, platform: i386, chooser: coverage ? coverage.wrap(ex.chooser) : ex.chooser });
    coverage?.end_run();
    ex.finished(r);
    steps += r.steps;
  }
  return { runs, steps, ms: performance.now() - t0 };
}

function exhaustive(scenario: Scenario, build: Build, reduce: boolean, maxPreemptions?: number) {
  const st = make_strategy({
    scenario,
    build,
    platform: i386,
    strategy: 'exhaustive',
    reduce,
    ...(maxPreemptions !== undefined ? { maxPreemptions } : {}),
  });
  const traces = new Set<string>();
  let executions = 0;
  for (let ex = st.next(); ex; ex = st.next()) {
    const r = run_scenario({ scenario, build, platform: i386, chooser: ex.chooser, ...(ex.observer ? { observer: ex.observer } : {}) });
    if (!ex.finished(r)) continue;
    executions++;
    traces.add(trace_hash(r.events));
  }
  return { executions, distinct: traces.size, pruned: st.pruned, complete: st.complete };
}

function runs_to_failure(scenario: Scenario, build: Build, strategy: StrategyName, seed: number, cap: number): number {
  const st = make_strategy({ scenario, build, platform: i386, strategy, seed });
  for (let n = 1; n <= cap; n++) {
    const ex = st.next();
    if (!ex) break;
    const r = run_scenario({ scenario, build, platform: i386, chooser: ex.chooser });
    ex.finished(r);
    if (r.outcome.kind !== 'done') return n;
  }
  return Number.POSITIVE_INFINITY;
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

/** Nanoseconds per step over whole runs of one long scenario (boot is negligible). */
function long_run_ns(scenario: Scenario, build: Build, reps: number): { ns: number; steps: number } {
  let steps = 0;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) steps += run_scenario({ scenario, build, platform: i386 }).steps;
  return { ns: ((performance.now() - t0) * 1e6) / steps, steps: steps / reps };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

const verdict = (ok: boolean) => (ok ? 'meets the target' : 'MISSES the target');

async function main(): Promise<void> {
  const clean = build_parse('netbsd-2.0');
  const mutant = build_parse('netbsd-2.0+mutant-lost-wakeup');
  const pipeRead = await scenario_load('pipe-read');
  const nic = await scenario_load('nic-softnet');
  out(`kqsim bench (node ${process.version})`);

  // 1. Step cost. Warm both up first so the JIT has settled.
  bare_ns(1_000_000);
  run_batch(pipeRead, clean, 'random', 200, 1);
  const bareNs = bare_ns(5_000_000);
  const b = run_batch(pipeRead, clean, 'random', 2000, 2);
  const stepNs = (b.ms * 1e6) / b.steps;
  const ratio = stepNs / bareNs;
  out('');
  const long = ping_pong(2000);
  long_run_ns(long, clean, 2);
  const lr = long_run_ns(long, clean, 5);
  const lratio = lr.ns / bareNs;
  out('1. step cost (a step = one resume of kernel code to its next preemption point, with its trace events and invariant checks)');
  out(`   bare function* yield: ${bareNs.toFixed(1)} ns`);
  out(
    `   long run (pipe ping-pong, ${lr.steps} steps, one boot): ${lr.ns.toFixed(0)} ns/step, ratio ${lratio.toFixed(0)}x (target <= 5x: ${verdict(lratio <= 5)})`,
  );
  out(
    `   pipe-read under random schedules (boot spread over ~${(b.steps / b.runs).toFixed(0)} steps): ${stepNs.toFixed(0)} ns/step, ratio ${ratio.toFixed(0)}x`,
  );

  // 2. Random schedules per second.
  const rate = (b.runs * 1000) / b.ms;
  out('');
  out('2. random schedules per second on pipe-read');
  out(`   ${rate.toFixed(0)} schedules/s (${b.runs} runs, ${(b.steps / b.runs).toFixed(0)} steps each on average)`);

  // 3. Exhaustive with and without reduction.
  out('');
  out('3. exhaustive search: executions with and without partial-order reduction (sleep sets)');
  const cases: readonly [string, Scenario, Build, number | undefined][] = [
    ['nic-softnet, netbsd-2.0', nic, clean, undefined],
    ['nic-softnet, +mutant-lost-wakeup', nic, mutant, undefined],
    ['pipe-read, netbsd-2.0, <= 3 preemptions', pipeRead, clean, 3],
  ];
  for (const [label, sc, build, k] of cases) {
    const plain = exhaustive(sc, build, false, k);
    const reduced = exhaustive(sc, build, true, k);
    const r = reduced.executions / plain.distinct;
    out(
      `   ${label}: plain ${plain.executions} executions, ${plain.distinct} distinct traces; reduced ${reduced.executions} executions (${reduced.pruned} pruned), ${reduced.distinct} distinct; reduced/distinct ${r.toFixed(2)} (target <= 1.5: ${verdict(r <= 1.5)})`,
    );
  }

  // 4. PCT vs random.
  out('');
  out('4. runs to the first failure of netbsd-2.0+mutant-lost-wakeup on nic-softnet (median over seeds 1..11)');
  const seeds = Array.from({ length: 11 }, (_, i) => i + 1);
  const pct = seeds.map((s) => runs_to_failure(nic, mutant, 'pct', s, 100_000));
  const random = seeds.map((s) => runs_to_failure(nic, mutant, 'random', s, 100_000));
  const q = median(pct) / median(random);
  out(`   pct (depth 3): median ${median(pct)} runs [${pct.join(', ')}]`);
  out(`   random walk:   median ${median(random)} runs [${random.join(', ')}]`);
  out(`   pct/random ${q.toFixed(3)} (target <= 0.1: ${verdict(q <= 0.1)})`);

  // 5. Coverage recording, side by side on the same schedules.
  out('');
  out('5. coverage recording: random schedules on pipe-read with and without it (the same seed)');
  const bare2 = run_batch(pipeRead, clean, 'random', 2000, 3);
  const covered = run_batch(pipeRead, clean, 'random', 2000, 3, new CoverageCollector());
  const c = covered.ms / bare2.ms;
  out(`   without ${bare2.ms.toFixed(0)} ms, with ${covered.ms.toFixed(0)} ms: ratio ${c.toFixed(2)} (target <= 1.1: ${verdict(c <= 1.1)})`);
}

await main();
