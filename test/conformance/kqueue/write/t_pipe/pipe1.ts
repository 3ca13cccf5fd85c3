/*
 * tests/kernel/kqueue/write/t_pipe.c, pipe1 (revision 1.7, 2026): the same test after
 * sys_pipe.c 1.182: with the read end closed, EV_ADD of EVFILT_WRITE succeeds and the event
 * comes at once with EV_EOF and no space (alarm(1) guards against a hang).
 */
import { defineScenario, EBADF, EV_ADD, EV_ENABLE, EV_EOF, EV_SET, EVFILT_WRITE } from '../../../../../sim/scenario.ts';
import { type AtfCase, before_modern, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/write/t_pipe.c',
  revision: '1.7 (2026/10/05)',
  testcase: 'pipe1',
  fits: [],
  differs: {
    ...before_modern(
      `expectation: atf[1]: expected EV_ADD to succeed (got: -1 ${EBADF})`,
      "pipe_kqfilter (sys_pipe.c 1.4.2.11; kqsim's 4.0 shares it) fails EVFILT_WRITE with EBADF once the peer is gone",
    ),
    'netbsd-modern': {
      verdict: `expectation: atf[1]: expected EV_ADD to succeed (got: -1 ${EBADF})`,
      why: 'so does sys_pipe.c 1.160 (NetBSD 10); this revision tests NetBSD-current after sys_pipe.c 1.182, which kqsim does not model',
    },
  },
};

export default defineScenario({
  summary: 'write/t_pipe.c pipe1 (1.7)',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.close(fds[0]), 'close');
        const add = yield* u.kevent(kq, [EV_SET(fds[1], EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0);
        u.expect(add.ret === 0, `EV_ADD to succeed (got: ${add.ret} ${add.errno})`);
        yield* u.alarm(1);
        const n = yield* u.kevent(kq, [], 1);
        u.expect(n.ret === 1, `one event (got: ${n.ret})`);
        yield* u.alarm(0);
        const ev = n.events[0];
        u.expect(ev?.ident === fds[1] && ev.filter === EVFILT_WRITE, 'EVFILT_WRITE on the write end');
        u.expect(((ev?.flags ?? 0) & EV_EOF) !== 0 && ev?.data === 0 && ev.udata === 0, 'EV_EOF, zero space, no udata');
      },
    },
  ],
});
