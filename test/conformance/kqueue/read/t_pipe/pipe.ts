/*
 * tests/kernel/kqueue/read/t_pipe.c, pipe: "Checks EVFILT_READ for pipes": write "foo",
 * and the event says how much to read.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_READ } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/read/t_pipe.c',
  revision: '1.4 (2026/10/05)',
  testcase: 'pipe',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'read/t_pipe.c pipe',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fds = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fds[0], EVFILT_READ, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        RL(u, yield* u.write(fds[1], 'foo'), 'write');
        const ev = yield* u.kevent(kq, [], 1);
        RL(u, ev, 'kevent');
        const rd = yield* u.read(fds[0], ev.events[0]?.data ?? 0);
        RL(u, rd, 'read');
        u.expect(rd.data === 'foo', "'foo'");
      },
    },
  ],
});
