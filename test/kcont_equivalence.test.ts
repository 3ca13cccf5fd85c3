/*
 * Equivalence of the kcont-knote patch with the default continuation: on every foundation
 * scenario, on both platforms, and on the same schedule, each syscall returns the same
 * value, errno and events, in the same order, as on netbsd-2.0.
 *
 * Why comparing by seed is meaningful: the patched KNOTE_ACTIVATE runs kq_func through
 * kcont_run with KC_IPL_IMMED, a path without preemption points of its own, and the kcont
 * kthread starts asleep at boot and is never woken by the default continuation (its hz poll
 * has nothing to do and is skipped). So both builds reach the same decision points with the
 * same options, a seed makes the same decisions on both, and the schedules are equal: the
 * test checks that too, so a build that added a decision point would fail here loudly
 * rather than compare two different interleavings.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { RunResult } from '../sim/run/runner.ts';
import { scenario_load } from '../sim/scenario.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { eventsOf, FOUNDATION_SCENARIOS, run } from './helpers/run.ts';

const scenarios = await Promise.all(FOUNDATION_SCENARIOS.map((n) => scenario_load(n)));

/** What a user can see: every syscall's result, in order. */
function user_visible(r: RunResult) {
  return {
    outcome: r.outcome.kind,
    sysrets: eventsOf(r, 'sysret').map(({ pid, name, ret, errno, events }) => ({ pid, name, ret, errno, events })),
  };
}

describe('netbsd-2.0+kcont-knote with the default continuation', () => {
  test.prop([fc.nat({ max: scenarios.length - 1 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(i386, macppc)], { numRuns: 200 })(
    'should be observably the same as netbsd-2.0 on the same schedule',
    (i, seed, platform) => {
      const sc = scenarios[i];
      if (!sc) throw new Error(`no scenario ${i}`);
      const base = run(sc, { seed, platform });
      const patched = run(sc, { seed, platform, build: 'netbsd-2.0+kcont-knote' });
      expect(patched.schedule).toBe(base.schedule);
      expect(user_visible(patched)).toEqual(user_visible(base));
      expect(eventsOf(patched, 'kcont-run').every((e) => e.fn === 'kq_func' && e.asked === 'KC_IPL_IMMED')).toBe(true);
    },
  );
});
