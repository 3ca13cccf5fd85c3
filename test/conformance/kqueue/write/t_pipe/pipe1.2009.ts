/*
 * tests/kernel/kqueue/write/t_pipe.c, pipe1 (revision 1.1.2.2): "Checks EVFILT_WRITE for
 * pipes. This test used to trigger problem fixed in rev. 1.5.2.7 of sys/kern/sys_pipe.c":
 * with the read end closed, EV_ADD of EVFILT_WRITE fails with EBADF.
 */
import { defineScenario, EBADF, EV_ADD, EV_ENABLE, EV_SET, EVFILT_WRITE } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/write/t_pipe.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'pipe1',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'write/t_pipe.c pipe1 (1.1.2.2)',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.close(fds[0]), 'close');
        const n = yield* u.kevent(kq, [EV_SET(fds[1], EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0);
        u.expect(n.ret === -1, `kevent to fail (got: ${n.ret})`);
        u.expect(n.errno === EBADF, `EBADF (got: ${n.error})`);
      },
    },
  ],
});
