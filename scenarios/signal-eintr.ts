/*
 * signal-eintr: a signal interrupts a process sleeping in kevent. kqueue_scan sleeps with
 * PCATCH; the signal makes ltsleep return ERESTART (the handler has SA_RESTART), and
 * kqueue_scan turns that into EINTR: kevent is never restarted. EVFILT_SIGNAL on the same
 * kqueue counts the signal too.
 */
import { defineScenario, EINTR, EV_ADD, EV_SET, EVFILT_SIGNAL, SIGUSR1 } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a signal interrupts kevent with EINTR (never restarted); EVFILT_SIGNAL counts it',
  description: `The waiter catches SIGUSR1 with SA_RESTART and sleeps in kevent (1 s timeout) on an empty
kqueue. Its child sends SIGUSR1: psignal interrupts the PCATCH sleep, ltsleep returns
ERESTART, and kqueue_scan turns it into EINTR, so kevent fails although the handler asked
for SA_RESTART. Then the waiter registers EVFILT_SIGNAL for SIGUSR1 and signals itself:
psignal runs knote() on the process's klist before anything else, and a poll returns the
count.`,
  processes: [
    {
      name: 'waiter',
      *main(u) {
        yield* u.sigaction(SIGUSR1, 'catch', { restart: true });
        const kq = (yield* u.kqueue()).ret;
        const parent = u.pid;
        yield* u.fork('sender', function* (c) {
          const k = yield* c.kill(parent, SIGUSR1);
          c.expect(k.ret === 0, 'kill to succeed');
        });
        // If the sender ran first, the signal was already delivered on the way out of an
        // earlier syscall, and there is nothing left to interrupt this one.
        const caughtBefore = u.caught.length > 0;
        const w = yield* u.kevent(kq, [], 4, { sec: 1, nsec: 0 });
        if (caughtBefore) u.expect(w.ret === 0, 'kevent to time out: the signal came and went before it');
        else u.expect(w.ret === -1 && w.errno === EINTR, 'kevent to fail with EINTR although the handler has SA_RESTART');
        u.expect(u.caught.includes(SIGUSR1), 'the SIGUSR1 handler to have run');
        const reg = yield* u.kevent(kq, [EV_SET(SIGUSR1, EVFILT_SIGNAL, EV_ADD)], 0);
        u.expect(reg.ret === 0, 'EVFILT_SIGNAL for SIGUSR1 to register');
        yield* u.kill(u.pid, SIGUSR1);
        const after = yield* u.kevent(kq, [], 4, { sec: 0, nsec: 0 });
        u.expect(
          after.ret === 1 && after.events[0]?.ident === SIGUSR1 && after.events[0]?.data === 1,
          'EVFILT_SIGNAL to count the one SIGUSR1 sent after it was registered',
        );
        yield* u.close(kq);
      },
    },
  ],
});
