/*
 * tests/kernel/kqueue/t_timer.c, basic_timer: "tests basic EVFILT_TIMER functionality": a
 * 1 s periodic timer fires five times (then is deleted) before a 6 s one-shot fires; each at
 * about the right time; then nothing comes in 6 s.
 */
import { defineScenario, ENOENT, EV_ADD, EV_DELETE, EV_ONESHOT, EV_SET, EVFILT_TIMER } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';
import { about, clock, timespecsub } from '../../lib/t_timer.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_timer.c',
  revision: '1.3 (2021/10/22)',
  testcase: 'basic_timer',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

const TIME1 = 1000;
const TIME1_COUNT = 5;
const TIME2 = 6000;

export default defineScenario({
  summary: 't_timer.c basic_timer',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = (yield* u.kqueue()).ret;
        const adds = [EV_SET(1, EVFILT_TIMER, EV_ADD, 0, TIME1), EV_SET(2, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, TIME2)];
        u.expect((yield* u.kevent(kq, adds, 0)).ret === 0, 'EV_ADD');
        let ots = yield* clock(u);
        let ntimer1 = 0;
        let ntimer2 = 0;
        for (;;) {
          const ev = yield* u.kevent(kq, [], 1);
          u.expect(ev.ret === 1 && ev.events[0]?.filter === EVFILT_TIMER, 'one timer event');
          const id = ev.events[0]?.ident;
          u.expect(id === 1 || id === 2, 'timer 1 or 2');
          if (id === 1) {
            u.expect(ntimer1 < TIME1_COUNT, 'timer 1 no more than 5 times');
            if (++ntimer1 === TIME1_COUNT) {
              u.expect(about(timespecsub(yield* clock(u), ots), (TIME1 * TIME1_COUNT) / 1000), '5 s for timer 1');
              u.expect((yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_DELETE)], 0)).ret === 0, 'EV_DELETE timer 1');
            }
          } else {
            u.expect(ntimer1 === TIME1_COUNT && ntimer2 === 0, 'timer 2 after timer 1 is done');
            ntimer2++;
            u.expect(about(timespecsub(yield* clock(u), ots), TIME2 / 1000), '6 s for timer 2');
            const del = yield* u.kevent(kq, [EV_SET(2, EVFILT_TIMER, EV_DELETE)], 0);
            u.expect(del.ret === -1 && del.errno === ENOENT, 'ENOENT: the one-shot timer is gone');
            break;
          }
        }
        ots = yield* clock(u);
        u.expect((yield* u.kevent(kq, [], 1, { sec: TIME2 / 1000, nsec: 0 })).ret === 0, 'nothing for 6 s');
        const ts = timespecsub(yield* clock(u), ots);
        const s = TIME2 / 1000;
        u.expect(about(ts, s) || (ts.sec === s + 1 && ts.nsec < 500_000_000), '6 s of waiting');
      },
    },
  ],
});
