import { describe, expect, it } from 'vitest';
import { DILLON_INVARIANTS } from '../sim/check/dillon.ts';
import { LINUX_KEVENT_INVARIANTS } from '../sim/check/linux_kevent.ts';
import { explore } from '../sim/explore/explorer.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';
import { runNamed, verdict } from './helpers/run.ts';

/*
 * Test the tester for the two designs: each promise of a design fires on a mutant that breaks
 * it (and holds on the design itself); each hazard is found by exploring the stock design,
 * with a schedule that replays it.
 */
const MUTANT_CASES: readonly { invariant: string; build: string; scenario: string }[] = [
  { invariant: 'lkevent-wakeup-one', build: 'linux-kevent+mutant-wakeup-all', scenario: 'linux-kevent-herd' },
  { invariant: 'lkevent-oneshot-once', build: 'linux-kevent+mutant-oneshot-kept', scenario: 'linux-kevent-basic' },
  { invariant: 'lkevent-last-check', build: 'linux-kevent+mutant-no-last-check', scenario: 'linux-kevent-basic' },
  { invariant: 'lkevent-removed-not-copied', build: 'linux-kevent+mutant-remove-stays-ready', scenario: 'linux-kevent-basic' },
  { invariant: 'dillon-copyout-data-only', build: 'dillon-2000+mutant-copy-whole-event', scenario: 'dillon-basic' },
];

/* Found by a random search (the first counterexample's schedule replays it). */
const SEARCH_CASES: readonly { invariant: string; build: string; scenario: string }[] = [
  { invariant: 'lkevent-no-loss-on-cancel', build: 'linux-kevent+mutant-ring-skipped', scenario: 'linux-kevent-ring' },
  { invariant: 'lkevent-ring-torn-read', build: 'linux-kevent', scenario: 'linux-kevent-ring' },
  { invariant: 'lkevent-thundering-herd', build: 'linux-kevent', scenario: 'linux-kevent-herd' },
  { invariant: 'dillon-uevent-live', build: 'dillon-2000', scenario: 'dillon-stale-pointer' },
];

describe('design invariants catch their mutants and hazards', () => {
  it('should have a case for every Linux kevent and Dillon invariant', () => {
    const covered = new Set([...MUTANT_CASES, ...SEARCH_CASES].map((c) => c.invariant));
    expect([...LINUX_KEVENT_INVARIANTS, ...DILLON_INVARIANTS].map((i) => i.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  for (const c of MUTANT_CASES) {
    it(`should report ${c.invariant} on ${c.build} running ${c.scenario}`, async () => {
      const r = await runNamed(c.scenario, { build: c.build });
      expect(verdict(r)).toMatch(new RegExp(`^${c.invariant}: `));
      expect(r.events.at(-1)?.kind).toBe('violation');
    });
  }

  it('should hold on the stock designs where only a mutant breaks them', async () => {
    for (const name of ['linux-kevent-basic', 'dillon-basic']) expect(verdict(await runNamed(name))).toBe('done');
  });

  it('should hold there on every interleaving, a busy clock tick included', async () => {
    for (const name of ['linux-kevent-basic', 'dillon-basic']) {
      const scenario = await scenario_load(name);
      expect(scenario.busy_ticks_max, `${name} takes the default bound`).toBeUndefined();
      const r = await explore({ scenario, build: build_parse(scenario.build as string), platform: i386, strategy: 'exhaustive', shrink: false });
      expect(r.complete, name).toBe(true);
      expect(r.violations, name).toEqual([]);
    }
  });

  for (const c of SEARCH_CASES) {
    it(`should find ${c.invariant} exploring ${c.scenario} on ${c.build}, with a schedule that replays it`, async () => {
      const scenario = await scenario_load(c.scenario);
      const report = await explore({ scenario, build: build_parse(c.build), platform: i386, strategy: 'random', seed: 0, runs: 300 });
      const v = report.violations[0];
      expect(v?.invariant).toBe(c.invariant);
      const again = await runNamed(c.scenario, { build: c.build, schedule: v?.shrunkSchedule as string });
      expect(verdict(again)).toMatch(new RegExp(`^${c.invariant}: `));
    });
  }
});
