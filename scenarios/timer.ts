/*
 * timer: EVFILT_TIMER is a callout per knote that softclock runs; each expiry counts in
 * data, EV_CLEAR (set automatically) resets the count when it is returned.
 */
import { defineScenario, EINVAL, EV_ADD, EV_CLEAR, EV_DELETE, EV_ERROR, EV_ONESHOT, EV_SET, EVFILT_TIMER } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a periodic and a oneshot EVFILT_TIMER fire from softclock; a kevent timeout returns 0 events',
  description: `A 20 ms periodic timer (2 ticks at hz=100) and a 50 ms oneshot timer. Their
callouts run from softclock (IPL_SOFTCLOCK) after hardclock sees them due; filt_timerexpire
counts the expiry in data and calls KNOTE_ACTIVATE. The timer filter sets EV_CLEAR by itself,
so each retrieval resets the count. A zero period is refused with EINVAL, and a kevent
with a timeout and nothing to return gives 0 events and no error.`,
  processes: [
    {
      name: 'timers',
      *main(u) {
        const kq = (yield* u.kqueue()).ret;
        const bad = yield* u.kevent(kq, [EV_SET(9, EVFILT_TIMER, EV_ADD, 0, 0)], 1);
        u.expect(
          bad.ret === 1 && bad.events[0]?.flags === EV_ERROR && bad.events[0]?.data === EINVAL,
          'a 0 ms timer to be refused with EINVAL in an EV_ERROR event',
        );
        const add = yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, 0, 20), EV_SET(2, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 50)], 0);
        u.expect(add.ret === 0, 'both timers to register');
        let periodic = 0;
        let oneshot = 0;
        while (oneshot === 0 || periodic < 3) {
          const r = yield* u.kevent(kq, [], 4);
          u.expect(r.ret >= 1, 'kevent without a timeout to return at least one timer');
          for (const ev of r.events) {
            u.expect((ev.flags & EV_CLEAR) !== 0, 'the timer filter to have set EV_CLEAR');
            u.expect(ev.data >= 1, 'data to count at least one expiry');
            if (ev.ident === 1) periodic += ev.data;
            if (ev.ident === 2) oneshot += ev.data;
          }
        }
        u.expect(oneshot === 1, 'the oneshot timer to fire exactly once');
        yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_DELETE)], 0);
        const quiet = yield* u.kevent(kq, [], 4, { sec: 0, nsec: 30_000_000 });
        u.expect(quiet.ret === 0 && quiet.errno === 0, 'a 30 ms timeout with no timers left to return 0 events');
        yield* u.close(kq);
      },
    },
  ],
});
