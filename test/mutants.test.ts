/*
 * Test the tester: every mutant build has a row in MUTANT_CASES; on the clean build its
 * scenarios pass every interleaving, and on the mutant an exhaustive search finds a
 * counterexample reported by what the mutant was written for. For the seeded races (a
 * mutant that fails only on some interleavings), the racing pair is confirmed by replay.
 */
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../sim/check/invariants.ts';
import { MUTANT_CASES, mutant_clean, mutant_invariants } from '../sim/check/mutants.ts';
import { explore } from '../sim/explore/explorer.ts';
import { run_scenario } from '../sim/run/runner.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse, PATCHES } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';

describe('MUTANT_CASES', () => {
  it('should have a row for every mutant build, each on a build that parses', () => {
    expect(MUTANT_CASES.map((c) => c.mutant).sort()).toEqual(
      PATCHES.filter((p) => p.mutant)
        .map((p) => p.name)
        .sort(),
    );
    for (const c of MUTANT_CASES) {
      expect(build_parse(c.build).has(c.mutant)).toBe(true);
      expect(build_parse(mutant_clean(c)).has(c.mutant)).toBe(false);
    }
  });

  it('should name only real invariants, a panic or a deadlock as what catches a mutant', () => {
    const names = new Set([...INVARIANTS.map((i) => i.name), 'panic', 'deadlock']);
    for (const c of MUTANT_CASES) expect(names.has(c.caughtBy), c.mutant).toBe(true);
  });
});

describe('every mutant', () => {
  for (const c of MUTANT_CASES) {
    for (const name of c.scenarios) {
      it(`should be caught by ${c.caughtBy} on ${name} (${c.mutant}), which passes every interleaving without it`, async () => {
        const scenario = await scenario_load(name);
        const invariants = mutant_invariants(c);
        // The design scenarios are too large to search whole: their clean check is bounded.
        const clean = await explore({
          scenario,
          build: build_parse(mutant_clean(c)),
          platform: i386,
          invariants,
          strategy: 'exhaustive',
          ...(c.alone ? { runs: 200 } : {}),
        });
        expect(clean.violations).toEqual([]);
        expect(clean.complete || c.alone).toBe(true);

        const spec = { scenario, build: build_parse(c.build), platform: i386, invariants };
        const found = await explore({
          ...spec,
          strategy: 'exhaustive',
          runs: 500,
          ...(c.maxPreemptions !== undefined ? { maxPreemptions: c.maxPreemptions } : {}),
        });
        const v = found.violations[0];
        expect(v?.invariant).toBe(c.caughtBy);
        if (!c.race) return;
        // A seeded race: the undisturbed run passes, and the racing pair is confirmed by replay.
        expect(run_scenario({ ...spec, schedule: `kq2:${name}:` }).outcome.kind).toBe('done');
        expect(v?.race?.passesWhenSwapped, v?.race?.summary).toBe(true);
      });
    }
  }
});
