/*
 * tests/kernel/kqueue/write/t_pipe.c, pipe3: "Checks EVFILT_WRITE for pipes. This test used
 * to trigger problem fixed in rev. 1.5.2.10 of sys/kern/sys_pipe.c": close the read end,
 * then the write end that has the write knote.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_WRITE } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/write/t_pipe.c',
  revision: '1.7 (2026/10/05); unchanged since 1.1.2.2',
  testcase: 'pipe3',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'write/t_pipe.c pipe3',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fds[1], EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        RL(u, yield* u.close(fds[0]), 'close the read end');
        RL(u, yield* u.close(fds[1]), 'close the write end');
      },
    },
  ],
});
