/*
 * tests/kernel/kqueue/read/t_fifo.c, fifo (revision 1.1.2.2, the 2.0-era test): open a FIFO
 * read-write, write "foo", and the kevent must report EVFILT_READ with the bytes to read.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_READ, O_RDWR } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/read/t_fifo.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'fifo',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'read/t_fifo.c fifo (1.1.2.2)',
  processes: [
    {
      name: 'atf',
      *main(u) {
        RL(u, yield* u.mkfifo('fifo', 0o644), 'mkfifo');
        const fd = RL(u, yield* u.open('fifo', O_RDWR, 0o644), 'open');
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fd, EVFILT_READ, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        RL(u, yield* u.write(fd, 'foo'), 'write');
        const ev = yield* u.kevent(kq, [], 1);
        RL(u, ev, 'kevent');
        u.expect(ev.events[0]?.filter === EVFILT_READ, 'EVFILT_READ');
        const n = RL(u, yield* u.read(fd, ev.events[0]?.data ?? 0), 'read');
        u.expect(n === 3, "'foo' read back");
        RL(u, yield* u.close(fd), 'close');
      },
    },
  ],
});
