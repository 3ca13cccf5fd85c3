import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { scenario_load } from '../sim/scenario.ts';
import { jsonl_run } from '../sim/view/jsonl.ts';
import { narrate_run } from '../sim/view/narrate.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { FOUNDATION_SCENARIOS, run, verdict } from './helpers/run.ts';

const scenarios = await Promise.all(FOUNDATION_SCENARIOS.map((n) => scenario_load(n)));

function byName(name: string) {
  const sc = scenarios.find((s) => s.name === name);
  if (!sc) throw new Error(`no scenario ${name}`);
  return sc;
}

describe('foundation scenarios', () => {
  for (const sc of scenarios) {
    it(`should run ${sc.name} on netbsd-2.0/i386 with every expectation and invariant holding`, () => {
      expect(verdict(run(sc))).toBe('done');
    });
    it(`should run ${sc.name} on netbsd-2.0/macppc too`, () => {
      expect(verdict(run(sc, { platform: macppc }))).toBe('done');
    });
  }

  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom('i386', 'macppc')], {
    numRuns: 150,
  })('should hold on pseudo-random interleavings', (name, seed, platform) => {
    const sc = byName(name);
    expect(verdict(run(sc, { seed, platform: platform === 'i386' ? i386 : macppc }))).toBe('done');
  });
});

describe('determinism', () => {
  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 40 })(
    'should give byte-identical traces for the same seed',
    (name, seed) => {
      const sc = byName(name);
      expect(jsonl_run(run(sc, { seed }))).toBe(jsonl_run(run(sc, { seed })));
    },
  );

  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 40 })(
    'should replay a printed schedule to the same events',
    (name, seed) => {
      const sc = byName(name);
      const first = run(sc, { seed });
      const again = run(sc, { schedule: first.schedule });
      expect(again.schedule).toBe(first.schedule);
      expect(JSON.stringify(again.events)).toBe(JSON.stringify(first.events));
      expect(again.outcome).toEqual(first.outcome);
    },
  );

  it('should end the narration with the schedule line', () => {
    const sc = scenarios[0];
    if (!sc) throw new Error('no scenario');
    const text = narrate_run(run(sc, { seed: 3 }), sc.description);
    const lines = text.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^schedule: kq1:pipe-read:/);
  });
});
