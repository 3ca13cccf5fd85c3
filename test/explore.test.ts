/*
 * Exploration: every strategy finds the lost wakeup of netbsd-2.0+mutant-lost-wakeup in
 * nic-softnet and shrinks it to one interrupt at one place; exhaustive search passes on the
 * clean build; partial-order reduction never loses a behaviour plain DFS finds.
 */
import { describe, expect, it } from 'vitest';
import { exhaustive_plan } from '../sim/explore/exhaustive.ts';
import { type ExploreSpec, explore } from '../sim/explore/explorer.ts';
import { failure_of, schedule_choices } from '../sim/explore/replay.ts';
import { shrink } from '../sim/explore/shrink.ts';
import { WHOLE } from '../sim/explore/slice.ts';
import type { StrategyName } from '../sim/explore/strategy.ts';
import { type RunResult, run_scenario } from '../sim/run/runner.ts';
import { type Scenario, scenario_load } from '../sim/scenario.ts';
import { jsonl_run } from '../sim/view/jsonl.ts';
import { BUILDS, build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';
import { eventsOf, FOUNDATION_SCENARIOS } from './helpers/run.ts';

const MUTANT = 'netbsd-2.0+mutant-lost-wakeup';

async function spec(name: string, build: string, strategy: StrategyName, more: Partial<ExploreSpec> = {}): Promise<ExploreSpec> {
  return { scenario: await scenario_load(name), build: build_parse(build), platform: i386, strategy, ...more };
}

/** The non-default decisions a run took, as `at: label`. */
function disturbances(r: RunResult): string[] {
  return eventsOf(r, 'choice')
    .filter((c) => c.chosen !== 0)
    .map((c) => `${c.at}: ${c.options[c.chosen]}`);
}

describe('explore: the lost-wakeup mutant', () => {
  for (const strategy of ['exhaustive', 'random', 'pct'] as const) {
    it(`should find and shrink the lost wakeup with ${strategy}`, async () => {
      const r = await explore(await spec('nic-softnet', MUTANT, strategy, { seed: 0 }));
      expect(r.violations).toHaveLength(1);
      const v = r.violations[0];
      if (!v) return;
      expect(v.invariant).toBe('no-lost-wakeup');
      // One interrupt, at the one place where it is lost: between the test and the sleep.
      expect(disturbances(v.shrunk)).toEqual(['kqueue_scan:count-tested: nic0 packet for port 7 (5 bytes)']);
      expect(schedule_choices(v.shrunkSchedule).filter((c) => c !== 0)).toEqual([1]);
      // `kqsim replay` of the shrunk schedule reproduces the run byte for byte.
      const again = run_scenario({ ...(await spec('nic-softnet', MUTANT, strategy)), schedule: v.shrunkSchedule });
      expect(jsonl_run(again)).toBe(jsonl_run(v.shrunk));
      expect(r.complete).toBe(false);
    });
  }

  it('should find it with PCT in fewer runs than a uniform random walk from the same seed', async () => {
    const pct = await explore(await spec('nic-softnet', MUTANT, 'pct', { seed: 1, shrink: false }));
    const random = await explore(await spec('nic-softnet', MUTANT, 'random', { seed: 1, shrink: false }));
    expect(pct.violations[0]?.execution).toBeLessThan(random.violations[0]?.execution ?? Number.POSITIVE_INFINITY);
  });
});

describe('explore: exhaustive search of clean builds', () => {
  it('should check every interleaving of nic-softnet and find nothing', async () => {
    const reduced = await explore(await spec('nic-softnet', 'netbsd-2.0', 'exhaustive'));
    const plain = await explore(await spec('nic-softnet', 'netbsd-2.0', 'exhaustive', { reduce: false }));
    expect(reduced.violations).toEqual([]);
    expect(reduced.complete).toBe(true);
    expect(plain.complete).toBe(true);
    expect(plain.pruned).toBe(0);
    // The reduction explores fewer executions and prunes the rest as equivalent.
    expect(reduced.executions).toBeLessThan(plain.executions);
    expect(reduced.pruned).toBeGreaterThan(0);
    expect(reduced.executions).toBeLessThanOrEqual(plain.distinctTraces);
  });

  for (const name of FOUNDATION_SCENARIOS) {
    it(`should check every interleaving of ${name} and find nothing`, async () => {
      const r = await explore(await spec(name, 'netbsd-2.0', 'exhaustive'));
      expect(r.violations).toEqual([]);
      expect(r.complete).toBe(true);
      expect(r.executions).toBeGreaterThan(0);
      expect(r.distinctTraces).toBeLessThanOrEqual(r.executions);
    });
  }

  it('should bound the search by preemptions and depth, and say it is then incomplete', async () => {
    const none = await explore(await spec('nic-softnet', 'netbsd-2.0', 'exhaustive', { maxPreemptions: 0 }));
    expect(none.executions).toBe(1);
    expect(none.complete).toBe(false);
    const shallow = await explore(await spec('nic-softnet', 'netbsd-2.0', 'exhaustive', { depth: 2, reduce: false }));
    // The first two points offer the packet and a clock tick besides going on: 7 paths.
    expect(shallow.executions).toBe(7);
    expect(shallow.complete).toBe(false);
    const missed = await explore(await spec('nic-softnet', MUTANT, 'exhaustive', { depth: 3 }));
    expect(missed.violations).toEqual([]);
  });

  it('should stop when asked and report what it covered', async () => {
    let polls = 0;
    const r = await explore(await spec('pipe-read', 'netbsd-2.0', 'exhaustive', { stop: () => ++polls > 5 }));
    expect(r.interrupted).toBe(true);
    expect(r.complete).toBe(false);
    expect(r.executions + r.pruned).toBe(5);
  });
});

/*
 * Soundness of the reduction: with and without it, the same set of behaviours (outcome and
 * every process's syscall results), on every foundation scenario and every build.
 */
function behaviours(scenario: Scenario, build: string, reduce: boolean, maxPreemptions?: number): { set: Set<string>; executions: number } {
  const plan = exhaustive_plan({ reduce, ...(maxPreemptions !== undefined ? { maxPreemptions } : {}) }, WHOLE);
  const set = new Set<string>();
  let executions = 0;
  for (let p = plan.next(); p; p = plan.next()) {
    const ex = p.execution;
    const r = run_scenario({
      scenario,
      build: build_parse(build),
      platform: i386,
      chooser: ex.chooser,
      ...(ex.observer ? { observer: ex.observer } : {}),
    });
    if (!ex.finished(r)) continue;
    executions++;
    const results = eventsOf(r, 'sysret')
      .map((e) => `${e.pid} ${e.name}=${e.ret} ${e.errno} ${JSON.stringify(e.events ?? [])}`)
      .sort();
    set.add(`${failure_of(r.outcome)} | ${results.join('; ')}`);
  }
  return { set, executions };
}

describe('explore: partial-order reduction is sound', () => {
  for (const name of FOUNDATION_SCENARIOS) {
    it(`should keep every behaviour and failure of ${name} on every build`, async () => {
      const scenario = await scenario_load(name);
      for (const build of BUILDS) {
        const bound = name === 'nic-softnet' ? undefined : 2;
        const plain = behaviours(scenario, build, false, bound);
        const reduced = behaviours(scenario, build, true, bound);
        expect([...reduced.set].sort(), `${name} on ${build}`).toEqual([...plain.set].sort());
        expect(reduced.executions).toBeLessThanOrEqual(plain.executions);
      }
    });
  }
});

describe('shrink', () => {
  it('should shrink a noisy failing schedule of a two-process scenario', async () => {
    const r = await explore(await spec('pipe-read', 'netbsd-2.0+mutant-double-enqueue', 'random', { seed: 3, shrink: false }));
    const v = r.violations[0];
    expect(v).toBeDefined();
    if (!v) return;
    const scenario = await scenario_load('pipe-read');
    const base = { scenario, build: build_parse('netbsd-2.0+mutant-double-enqueue'), platform: i386 };
    const original = run_scenario({ ...base, schedule: v.schedule });
    const { result } = shrink(base, original);
    expect(failure_of(result.outcome)).toBe(failure_of(original.outcome));
    const count = (s: string) => schedule_choices(s).filter((c) => c !== 0).length;
    expect(count(result.schedule)).toBeLessThanOrEqual(count(original.schedule));
    expect(count(result.schedule) < count(original.schedule) || result.steps <= original.steps).toBe(true);
  });
});
