/*
 * tests/kernel/kqueue/t_timer.c, timer_units: "tests timers with NOTE_* units modifiers":
 * a 2 s one-shot timer given in seconds, milliseconds, microseconds and nanoseconds fires
 * after about 2 s each time.
 */
import {
  defineScenario,
  EV_ADD,
  EV_ONESHOT,
  EV_SET,
  EVFILT_TIMER,
  NOTE_MSECONDS,
  NOTE_NSECONDS,
  NOTE_SECONDS,
  NOTE_USECONDS,
} from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern } from '../../lib/atf.ts';
import { about, clock, timespecsub } from '../../lib/t_timer.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_timer.c',
  revision: '1.3 (2021/10/22)',
  testcase: 'timer_units',
  fits: ['netbsd-modern'],
  differs: before_modern(
    "expectation: atf[1]: expected units 'NOTE_SECONDS'",
    'kern_event.c 1.19 and 1.41 read data as milliseconds whatever fflags says',
  ),
};

const PREC_TIMEOUT_SEC = 2;
const units: readonly [string, number, number][] = [
  ['NOTE_SECONDS', NOTE_SECONDS, PREC_TIMEOUT_SEC],
  ['NOTE_MSECONDS', NOTE_MSECONDS, PREC_TIMEOUT_SEC * 1000],
  ['NOTE_USECONDS', NOTE_USECONDS, PREC_TIMEOUT_SEC * 1000000],
  ['NOTE_NSECONDS', NOTE_NSECONDS, PREC_TIMEOUT_SEC * 1000000000],
];

export default defineScenario({
  summary: 't_timer.c timer_units',
  processes: [
    {
      name: 'atf',
      *main(u) {
        for (const [which, fflag, data] of units) {
          const kq = (yield* u.kqueue()).ret;
          const ots = yield* clock(u);
          u.expect((yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, fflag, data)], 1)).ret === 1, 'the timer');
          u.expect(about(timespecsub(yield* clock(u), ots), PREC_TIMEOUT_SEC), `units '${which}' to take ${PREC_TIMEOUT_SEC} s`);
          yield* u.close(kq);
        }
      },
    },
  ],
});
