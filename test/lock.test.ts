/*
 * Lock and spl discipline: simple-lock-spl on the ktickle patch as posted (kq_lock taken at
 * spl0, where softnet's knote_enqueue can come in), the same patch with splsched around its
 * lock holding on every interleaving, and wakeup() above splsched as a panic.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../sim/explore/explorer.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { eventsOf, inline, run, verdict } from './helpers/run.ts';

const race = await scenario_load('ktickle-race');

describe('simple-lock-spl', () => {
  it('should find softnet taking kq_lock inside the spl0 window of ktickle v2 as posted, with one interrupt', async () => {
    const r = await explore({ scenario: race, build: build_parse('netbsd-4.0+ktickle-v2'), platform: i386, strategy: 'exhaustive' });
    const v = r.violations[0];
    expect(v?.invariant).toBe('simple-lock-spl');
    if (!v) return;
    expect(v.message).toMatch(/^intr softnet takes kq 1 kq_lock in knote_enqueue, but .* took it in kqueue_(scan|ioctl) at cpl none/);
    // One datagram, landing while the lock is held at spl0.
    const disturbed = eventsOf(v.shrunk, 'choice').filter((c) => c.chosen !== 0);
    expect(disturbed.map((c) => `${c.at}: ${c.options[c.chosen]}`)).toEqual([
      expect.stringMatching(/^kqueue_(scan|ioctl):simple_unlock: nic0 packet/),
    ]);
  });

  it('should hold on every interleaving of ktickle-race once the lock is taken at splsched', async () => {
    const r = await explore({ scenario: race, build: build_parse('netbsd-4.0+ktickle-v2-splsched'), platform: i386, strategy: 'exhaustive' });
    expect(r.violations).toEqual([]);
    expect(r.complete).toBe(true);
  });

  it('should see no lock taken against itself in the undisturbed runs of either build', () => {
    for (const build of ['netbsd-4.0+ktickle-v2', 'netbsd-4.0+ktickle-v2-splsched']) expect(verdict(run(race, { build }))).toBe('done');
  });
});

describe('sleep and wakeup above splsched', () => {
  it('should panic when an IPL_SERIAL handler calls wakeup (a com0 listener deferring to the macppc kthread)', () => {
    const sc = inline('serial-wakeup', {
      summary: 'com0 line events (kqsim klist, IPL_SERIAL) deferred to the kthread',
      serial: [{ at: 0, data: 'a' }],
      listeners: [{ name: 'linewatch', klist: 'com0', ipl: 'process' }],
      processes: [{ name: 'p', *main() {} }],
    });
    expect(verdict(run(sc, { build: 'netbsd-2.0+kcont-knote', platform: macppc }))).toBe(
      'panic: wakeup called from intr serial at cpl serial, above splsched: SCHED_LOCK cannot keep it out of the run queues',
    );
    // From the terminal's read klist (comsoft, at spltty) the same deferral is fine.
    const tty = inline('tty-wakeup', { ...sc, listeners: [{ name: 'linewatch', klist: 'tty00', ipl: 'process' }] });
    expect(verdict(run(tty, { build: 'netbsd-2.0+kcont-knote', platform: macppc }))).toBe('done');
  });
});
