/*
 * tests/kernel/kqueue/t_timer.c, modify: "tests modifying a timer": a re-added timer runs
 * with its new period, is no longer active right after the re-add, and its count restarts.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_TIMER } from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_timer.c',
  revision: '1.3 (2021/10/22)',
  testcase: 'modify',
  fits: ['netbsd-modern'],
  differs: before_modern(
    'expectation: atf[1]: expected one expiration of the 4 s timer',
    "kern_event.c 1.19 and 1.41 have no filt_timertouch: a re-add changes kn_sdata only, so the old period's pending expiry still fires before the new period takes over",
  ),
};

const ts = { sec: 0, nsec: 0 };

export default defineScenario({
  summary: 't_timer.c modify',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = (yield* u.kqueue()).ret;
        const add = (ms: number) => u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, 0, ms)], 0);
        u.expect((yield* add(500)).ret === 0, 'a 500 ms timer');
        yield* u.nanosleep(5000);
        const a = yield* u.kevent(kq, [], 1, ts);
        const na = a.events[0]?.data ?? 0;
        u.expect(a.ret === 1 && na >= 9 && na <= 11, `9 to 11 expirations (${na})`);
        u.expect((yield* add(4000)).ret === 0, 'now a 4 s timer');
        u.expect((yield* u.kevent(kq, [], 1, ts)).ret === 0, 'the re-added timer no longer active');
        yield* u.nanosleep(5000);
        const b = yield* u.kevent(kq, [], 1, ts);
        u.expect(b.ret === 1 && b.events[0]?.data === 1, 'one expiration of the 4 s timer');
        u.expect((yield* add(500)).ret === 0, 'a 500 ms timer again');
        yield* u.nanosleep(2000);
        u.expect((yield* add(500)).ret === 0, 'the same timer again');
        yield* u.nanosleep(2000);
        const c = yield* u.kevent(kq, [], 1, ts);
        const nc = c.events[0]?.data ?? 0;
        u.expect(c.ret === 1 && nc >= 3 && nc <= 5, `the count restarted: 3 to 5 (${nc})`);
      },
    },
  ],
});
