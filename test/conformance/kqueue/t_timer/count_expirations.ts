/*
 * tests/kernel/kqueue/t_timer.c, count_expirations: "tests counting timer expirations": a
 * 1 s timer and a 5.5 s sleep make data 5 (or 6).
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_TIMER } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_timer.c',
  revision: '1.3 (2021/10/22)',
  testcase: 'count_expirations',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 't_timer.c count_expirations',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = (yield* u.kqueue()).ret;
        u.expect((yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, 0, 1000)], 0)).ret === 0, 'EV_ADD');
        u.expect((yield* u.nanosleep(5500)).ret === 0, 'nanosleep');
        const ev = yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 });
        u.expect(ev.ret === 1 && ev.events[0]?.ident === 1, 'the timer');
        const n = ev.events[0]?.data;
        u.expect(n === 5 || n === 6, `5 or 6 expirations (${n})`);
      },
    },
  ],
});
