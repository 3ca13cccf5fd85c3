/*
 * regress/sys/kern/kqueue/write/fifo/fifo.c (the 2.0-era program the ATF write/t_fifo.c
 * came from): a FIFO opened read-write, a child reader, and EVFILT_WRITE must come back as
 * EVFILT_WRITE before "foo" is written for the child.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_WRITE, O_RDWR } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'regress/sys/kern/kqueue/write/fifo/fifo.c',
  revision: 'commit 0a803f02eaf9 (no $NetBSD$ tag)',
  testcase: 'fifo (regress)',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'regress write/fifo',
  processes: [
    {
      name: 'atf',
      *main(u) {
        RL(u, yield* u.mkfifo('fifo.XXXXXX', 0o644), 'mkfifo');
        const fd = RL(u, yield* u.open('fifo.XXXXXX', O_RDWR, 0o644), 'open');
        const child = RL(
          u,
          yield* u.fork('reader', function* (c) {
            const sz = (yield* c.read(fd, 128)).ret;
            if (sz > 0) c.log(`fifo: child read ${sz} bytes`);
            return sz <= 0 ? 1 : 0;
          }),
          'fork',
        );
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fd, EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0), 'kevent(1)');
        const ev = yield* u.kevent(kq, [], 1);
        RL(u, ev, 'kevent(2)');
        u.expect(ev.events[0]?.filter === EVFILT_WRITE, 'EVFILT_WRITE');
        yield* u.write(fd, 'foo');
        yield* u.waitpid(child);
        RL(u, yield* u.unlink('fifo.XXXXXX'), 'unlink');
      },
    },
  ],
});
