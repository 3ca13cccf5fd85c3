/*
 * tests/kernel/kqueue/write/t_pipe.c, pipe2: "Checks EVFILT_WRITE for pipes. This test used
 * to trigger problem fixed in rev. 1.5.2.9 of sys/kern/sys_pipe.c": a child reads while the
 * parent waits for EVFILT_WRITE, writes and closes.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_WRITE } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/write/t_pipe.c',
  revision: '1.7 (2026/10/05); unchanged since 1.1.2.2',
  testcase: 'pipe2',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'write/t_pipe.c pipe2',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fds[1], EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        const child = RL(
          u,
          yield* u.fork('reader', function* (c) {
            const sz = (yield* c.read(fds[0], 128)).ret;
            if (sz > 0) c.log(`pipe: child read ${sz} bytes`);
            return sz <= 0 ? 1 : 0;
          }),
          'fork',
        );
        const ev = yield* u.kevent(kq, [], 1);
        RL(u, ev, 'kevent');
        u.log(`kevent num ${ev.ret} flags: ${ev.events[0]?.flags}, fflags: ${ev.events[0]?.fflags}, data: ${ev.events[0]?.data}`);
        RL(u, yield* u.write(fds[1], 'foo'), 'write');
        RL(u, yield* u.close(fds[1]), 'close');
        yield* u.waitpid(child);
      },
    },
  ],
});
