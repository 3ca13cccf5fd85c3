/*
 * Shrinking: on every mutant (and ktickle v1), the counterexample an exploration reports is
 * 1-minimal (setting any one of its non-default choices back to the default makes that
 * failure go away) and in the shrinking order (fewest interrupts, then preemptions, then
 * steps) it is the same whether random, PCT or exhaustive search found it.
 */
import { describe, expect, it } from 'vitest';
import { invariants_named } from '../sim/check/invariants.ts';
import { MUTANT_CASES } from '../sim/check/mutants.ts';
import { type ExploreSpec, explore } from '../sim/explore/explorer.ts';
import { failure_of, run_choices, schedule_choices } from '../sim/explore/replay.ts';
import { schedule_cost } from '../sim/explore/shrink.ts';
import type { StrategyName } from '../sim/explore/strategy.ts';
import { scenario_load } from '../sim/scenario.ts';
import { BUILDS, build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';

/*
 * Each mutant build with a scenario on which exploration finds what it breaks (sim/check/
 * mutants.ts), and ktickle v1, with the strategy that searches it: PCT for the seeded races
 * (3000 random runs miss most of them on two-sources), the random walk for the rest;
 * exhaustive search for mutant-register-nospl, whose window needs two interrupts (one before
 * the registration, one inside it), which 3000 PCT runs of depth 3 miss.
 */
const strategy_for = (c: (typeof MUTANT_CASES)[number]): StrategyName =>
  c.mutant === 'mutant-register-nospl' ? 'exhaustive' : c.race ? 'pct' : 'random';
const MUTANTS: readonly (readonly [build: string, scenario: string, strategy: StrategyName])[] = [
  ...MUTANT_CASES.map((c) => [c.build, c.scenarios[0] as string, strategy_for(c)] as const),
  ['netbsd-4.0+ktickle-v1', 'ktickle-race', 'random'],
];

async function spec(build: string, scenario: string, strategy: StrategyName): Promise<ExploreSpec> {
  return { scenario: await scenario_load(scenario), build: build_parse(build), platform: i386, strategy, seed: 1, runs: 3000 };
}

describe('shrunk counterexamples', () => {
  it('should cover every mutant build', () => {
    const mutants = BUILDS.filter((b) => b.includes('mutant'));
    for (const m of mutants)
      expect(
        MUTANTS.some(([b]) => m === b || m.endsWith(b.slice(b.indexOf('+')))),
        `${m} has a row in MUTANTS`,
      ).toBe(true);
  });

  for (const [build, scenario, strategy] of MUTANTS) {
    it(`should be 1-minimal on ${build} (${scenario}, found by ${strategy})`, async () => {
      const s = await spec(build, scenario, strategy);
      const r = await explore(s);
      const v = r.violations[0];
      expect(v, `${strategy} search finds the failure`).toBeDefined();
      if (!v) return;
      const choices = schedule_choices(v.shrunkSchedule);
      for (let i = 0; i < choices.length; i++) {
        if (choices[i] === 0) continue;
        const without = choices.map((c, j) => (j === i ? 0 : c));
        expect(failure_of(run_choices(s, without).outcome), `choice ${i + 1} of ${v.shrunkSchedule} set to default`).not.toBe(v.invariant);
      }
    });
  }

  it('should find the same minimum for ktickle v1 from random, PCT and exhaustive search', async () => {
    // v1's own bug: like v2 as posted it also takes kq_lock at spl0 in kqueue_scan
    // (simple-lock-spl), which exhaustive search meets first; that is another failure.
    const invariants = invariants_named(['tickle-eintr-only-when-idle']);
    const found = [];
    for (const strategy of ['random', 'pct', 'exhaustive'] as const) {
      const s = { ...(await spec('netbsd-4.0+ktickle-v1', 'ktickle-race', strategy)), invariants };
      const v = (await explore(s)).violations[0];
      expect(v, strategy).toBeDefined();
      if (v) found.push({ strategy, schedule: v.shrunkSchedule, cost: schedule_cost(s, schedule_choices(v.shrunkSchedule)) });
    }
    expect(new Set(found.map((f) => f.schedule)).size, JSON.stringify(found)).toBe(1);
    // One interrupt and no preemption: what exhaustive search finds first.
    expect(found[0]?.cost).toMatchObject({ interrupts: 1, preemptions: 0 });
  });
});
