/*
 * tests/kernel/kqueue/t_timer.c, abstime: "tests timers with NOTE_ABSTIME": a timer for
 * CLOCK_REALTIME now + 5 s (rounded) fires between 4.5 and 6.x s later, and stays true.
 */
import { CLOCK_REALTIME, defineScenario, EV_ADD, EV_SET, EVFILT_TIMER, NOTE_ABSTIME, NOTE_SECONDS } from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern } from '../../lib/atf.ts';
import { clock, timespecsub } from '../../lib/t_timer.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_timer.c',
  revision: '1.3 (2021/10/22)',
  testcase: 'abstime',
  fits: ['netbsd-modern'],
  differs: before_modern(
    "error: scenario 'abstime' did not finish: tick budget",
    'kern_event.c 1.19 and 1.41 ignore fflags: data, a wall-clock second count, is taken as a period in milliseconds (about 12 days), past the run budget',
  ),
};

export default defineScenario({
  summary: 't_timer.c abstime',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = (yield* u.kqueue()).ret;
        const ots = yield* clock(u, CLOCK_REALTIME);
        let seconds = ots.sec + 5;
        if (ots.nsec >= 500_000_000) seconds++;
        const ev = yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, NOTE_ABSTIME | NOTE_SECONDS, seconds)], 1);
        u.expect(ev.ret === 1, 'the timer');
        const ts = timespecsub(yield* clock(u, CLOCK_REALTIME), ots);
        u.expect(ts.sec >= 4 && ts.sec <= 6 && (ts.sec !== 4 || ts.nsec >= 500_000_000), 'delivery 4.5 to 6.x s later');
        u.expect((yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 })).ret === 1, 'still true');
      },
    },
  ],
});
