import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { scenario_load } from '../sim/scenario.ts';
import { jsonl_run } from '../sim/view/jsonl.ts';
import { narrate_run } from '../sim/view/narrate.ts';
import { DEFAULT_LIMITS } from '../src/machine/machine.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { eventsOf, FOUNDATION_SCENARIOS, inline, run, verdict } from './helpers/run.ts';

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
    expect(lines.at(-1)).toMatch(/^schedule: kq2:pipe-read:/);
  });
});

describe('the busy-tick bound', () => {
  const ticking = (r: ReturnType<typeof run>) => eventsOf(r, 'choice').some((c) => c.options.includes('clock tick (hardclock)'));

  it("should take the scenario's bound unless the run gives its own", () => {
    const sc = byName('pipe-read');
    expect(run(sc).header.busy_ticks_max).toBe(1);
    expect(ticking(run(sc))).toBe(true);
    const still = run({ ...sc, busy_ticks_max: 0 });
    expect(still.header.busy_ticks_max).toBe(0);
    expect(ticking(still)).toBe(false);
    const given = run({ ...sc, busy_ticks_max: 0 }, { limits: { ...DEFAULT_LIMITS, busy_ticks_max: 3 } });
    expect(given.header.busy_ticks_max).toBe(3);
    expect(ticking(given)).toBe(true);
  });

  it('should refuse a bound that is not a whole number of ticks', () => {
    for (const busy_ticks_max of [-1, 0.5]) {
      expect(() => inline('bad', { summary: 'x', busy_ticks_max, processes: [{ name: 'p', *main() {} }] })).toThrow(/busy_ticks_max/);
    }
  });
});
