/*
 * three-sources, the search built to need a fast explorer: it holds on sampled
 * interleavings on both platforms; partial-order reduction explores fewer executions and
 * still reaches every outcome plain depth-first search reaches; an exhaustive search's
 * estimate of its share of the tree (for the ETA) only grows and stays below 1.
 */
import { describe, expect, it } from 'vitest';
import { type ExploreSpec, explore, make_plan } from '../sim/explore/explorer.ts';
import { failure_of } from '../sim/explore/replay.ts';
import { WHOLE } from '../sim/explore/slice.ts';
import { run_scenario } from '../sim/run/runner.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { eventsOf } from './helpers/run.ts';

const scenario = await scenario_load('three-sources');
const build = build_parse('netbsd-2.0');

function outcomes(reduce: boolean): { set: Set<string>; executions: number } {
  const plan = make_plan({ scenario, build, platform: i386, strategy: 'exhaustive', reduce, maxPreemptions: 1 }, WHOLE);
  const set = new Set<string>();
  let executions = 0;
  for (let p = plan.next(); p; p = plan.next()) {
    const ex = p.execution;
    const r = run_scenario({ scenario, build, platform: i386, chooser: ex.chooser, ...(ex.observer ? { observer: ex.observer } : {}) });
    if (!ex.finished(r)) continue;
    executions++;
    const seen = eventsOf(r, 'sysret').map((e) => `${e.pid} ${e.name}=${e.ret} ${JSON.stringify(e.events ?? [])}`);
    set.add(`${failure_of(r.outcome)} | ${seen.sort().join('; ')}`);
  }
  return { set, executions };
}

describe('three-sources', () => {
  for (const platform of [i386, macppc]) {
    it(`should hold on sampled interleavings on ${platform.name}`, async () => {
      const r = await explore({ scenario, build, platform, strategy: 'random', seed: 5, runs: 300 });
      expect(r.violations).toEqual([]);
      expect(r.distinctTraces).toBeGreaterThan(10);
    });
  }

  it('should reach every outcome of plain depth-first search with fewer executions under reduction', () => {
    const plain = outcomes(false);
    const reduced = outcomes(true);
    expect([...reduced.set].sort()).toEqual([...plain.set].sort());
    expect(reduced.executions * 2).toBeLessThan(plain.executions);
  });

  it("should estimate an exhaustive search's share of the tree as growing and below 1", async () => {
    const seen: number[] = [];
    const spec: ExploreSpec = {
      scenario,
      build,
      platform: i386,
      strategy: 'exhaustive',
      maxPreemptions: 1,
      onProgress: (p) => seen.push(p.fraction ?? -1),
    };
    const r = await explore(spec);
    expect(r.complete).toBe(false);
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
    expect(seen.at(-1)).toBeLessThan(1);
    expect(seen.at(-1)).toBeGreaterThan(seen[0] as number);
  });
});
