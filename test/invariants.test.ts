import { describe, expect, it } from 'vitest';
import { DILLON_INVARIANTS } from '../sim/check/dillon.ts';
import { INVARIANTS } from '../sim/check/invariants.ts';
import { KCONT_INVARIANTS } from '../sim/check/kcont.ts';
import { LINUX_KEVENT_INVARIANTS } from '../sim/check/linux_kevent.ts';
import { MUTANT_CASES } from '../sim/check/mutants.ts';
import { runNamed, verdict } from './helpers/run.ts';

/*
 * Test the tester: every invariant is shown firing on a deliberately broken build, and the
 * same scenario passes on the clean build.
 */
const CASES: readonly { invariant: string; build: string; scenario: string }[] = [
  { invariant: 'knote-queued-once', build: 'netbsd-2.0+mutant-double-enqueue', scenario: 'pipe-read' },
  { invariant: 'kq-count-matches-queue', build: 'netbsd-2.0+mutant-count-skew', scenario: 'close-removes-knotes' },
  { invariant: 'disabled-never-returned', build: 'netbsd-2.0+mutant-return-disabled', scenario: 'oneshot-clear-disable' },
  { invariant: 'oneshot-returned-once', build: 'netbsd-2.0+mutant-oneshot-requeue', scenario: 'oneshot-clear-disable' },
];

describe('invariants catch their mutants', () => {
  it('should have a mutant case for every invariant', () => {
    // The kcont invariants have their cases in test/kcont_invariants.test.ts, the ktickle
    // ones their mutants in test/ktickle.test.ts, the designs' in test/designs_invariants.test.ts,
    // and every mutant's invariant is shown firing in test/mutants.test.ts; simple-lock-spl
    // (ktickle v2 as posted) in test/lock.test.ts.
    const ktickle = ['tickle-eintr-only-when-idle', 'no-lost-tickle', 'tickle-not-sticky'];
    const designs = [...LINUX_KEVENT_INVARIANTS, ...DILLON_INVARIANTS].map((i) => i.name);
    const covered = new Set([
      ...CASES.map((c) => c.invariant),
      'no-lost-wakeup',
      ...KCONT_INVARIANTS.map((i) => i.name),
      ...ktickle,
      ...designs,
      ...MUTANT_CASES.map((c) => c.caughtBy),
      'simple-lock-spl',
      // A finding, shown by timeout-vs-wakeup in test/interrupts.test.ts.
      'timeout-over-queued-event',
    ]);
    expect(INVARIANTS.map((i) => i.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  for (const c of CASES) {
    it(`should report ${c.invariant} on ${c.build} running ${c.scenario}`, async () => {
      const r = await runNamed(c.scenario, { build: c.build });
      expect(r.outcome.kind).toBe('violation');
      expect(verdict(r)).toMatch(new RegExp(`^${c.invariant}: `));
      expect(r.events.at(-1)?.kind).toBe('violation');
      expect(verdict(await runNamed(c.scenario))).toBe('done');
    });
  }

  it('should report no-lost-wakeup when a NIC interrupt lands between the test of kq_count and the sleep', async () => {
    // Which seeds hit the window depends on the scenario's shape; search a fixed range.
    let found: string | undefined;
    for (let seed = 0; seed < 400 && !found; seed++) {
      const r = await runNamed('nic-softnet', { build: 'netbsd-2.0+mutant-lost-wakeup', seed });
      if (r.outcome.kind !== 'done') {
        expect(verdict(r)).toMatch(/^no-lost-wakeup: server\[1\] sleeps in kevent on kq 1 although 1 event\(s\) are queued/);
        found = r.schedule;
      }
    }
    expect(found).toBeDefined();
    // The printed schedule replays the failure exactly.
    const again = await runNamed('nic-softnet', { build: 'netbsd-2.0+mutant-lost-wakeup', schedule: found as string });
    expect(verdict(again)).toMatch(/^no-lost-wakeup: /);
  });

  it('should show that the lost wakeup needs the interrupt inside the window', async () => {
    const r = await runNamed('nic-softnet', { build: 'netbsd-2.0+mutant-lost-wakeup' });
    expect(verdict(r)).toBe('done');
  });
});
