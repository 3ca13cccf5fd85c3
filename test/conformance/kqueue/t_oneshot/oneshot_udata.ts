/*
 * tests/kernel/kqueue/t_oneshot.c, oneshot_udata: "tests that udata is round-tripped
 * correctly for ONESHOT events": a 1 ms one-shot timer comes back with its udata.
 */
import { defineScenario, EV_ADD, EV_ONESHOT, EV_SET, EVFILT_TIMER } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_oneshot.c',
  revision: '1.1 (2021/10/23)',
  testcase: 'oneshot_udata',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
  note: 'udata is a number in kqsim; 0xbeefcafe stands for the pointer.',
};

const MY_UDATA = 0xbeefcafe;

export default defineScenario({
  summary: 't_oneshot.c oneshot_udata',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = (yield* u.kqueue()).ret;
        u.expect((yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 1, MY_UDATA)], 0)).ret === 0, 'EV_ADD');
        const ev = yield* u.kevent(kq, [], 1);
        u.expect(ev.ret === 1, 'one event');
        u.expect(ev.events[0]?.ident === 1 && ev.events[0]?.data === 1, 'the timer, fired once');
        u.expect(ev.events[0]?.udata === MY_UDATA, 'its udata');
      },
    },
  ],
});
