/*
 * tests/kernel/kqueue/read/t_pipe.c, pipe_wrong_end: "Checks EVFILT_READ on the write side
 * of a pipe never triggers": the data goes to the read end's buffer, not the write end's.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_READ } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/read/t_pipe.c',
  revision: '1.4 (2026/10/05)',
  testcase: 'pipe_wrong_end',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'read/t_pipe.c pipe_wrong_end',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fds[1], EVFILT_READ, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        RL(u, yield* u.write(fds[1], 'foo'), 'write');
        const n = RL(u, yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 }), 'kevent');
        u.expect(n === 0, 'no event, and no failure either');
      },
    },
  ],
});
