/*
 * tests/kernel/kqueue/write/t_pipe.c, pipe_wrong_end: "Checks EVFILT_WRITE on the read side
 * of a pipe never triggers": the read end's peer, the write end, has no buffer to fill.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_WRITE } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/write/t_pipe.c',
  revision: '1.7 (2026/10/05)',
  testcase: 'pipe_wrong_end',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'write/t_pipe.c pipe_wrong_end',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fds[0], EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        RL(u, yield* u.write(fds[1], 'foo'), 'write');
        const n = RL(u, yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 }), 'kevent');
        u.expect(n === 0, 'no event, and no failure either');
      },
    },
  ],
});
