/*
 * tests/kernel/kqueue/read/t_fifo.c, fifo (revision 1.5): "Checks EVFILT_READ on fifo":
 * not readable, readable after one byte, not readable once it is read, EV_EOF when the
 * writer closes, and no longer readable (EV_EOF gone) once a writer reconnects.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_EOF, EV_SET, EVFILT_READ, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../../../../../sim/scenario.ts';
import type { AtfCase } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/read/t_fifo.c',
  revision: '1.5 (2021/10/02)',
  testcase: 'fifo',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

const fifo_path = 'fifo';
const to = { sec: 0, nsec: 0 };

export default defineScenario({
  summary: 'read/t_fifo.c fifo (1.5)',
  processes: [
    {
      name: 'atf',
      *main(u) {
        u.expect((yield* u.mkfifo(fifo_path, 0o600)).ret === 0, 'mkfifo');
        const rfd = (yield* u.open(fifo_path, O_RDONLY | O_NONBLOCK)).ret;
        let wfd = (yield* u.open(fifo_path, O_WRONLY | O_NONBLOCK)).ret;
        const kq = (yield* u.kqueue()).ret;
        u.expect(rfd >= 0 && wfd >= 0 && kq >= 0, 'the descriptors');
        const pipe_buf = (yield* u.fpathconf(wfd, 6)).ret;
        u.expect(pipe_buf > 1, '_PC_PIPE_BUF');
        u.expect((yield* u.kevent(kq, [EV_SET(rfd, EVFILT_READ, EV_ADD | EV_ENABLE)], 0)).ret === 0, 'EV_ADD');
        u.expect((yield* u.kevent(kq, [], 1, to)).ret === 0, 'the FIFO not readable');
        u.expect((yield* u.write(wfd, '\0')).ret === 1, 'a single byte written');
        let ev = yield* u.kevent(kq, [], 1, to);
        u.expect(ev.ret === 1 && ev.events[0]?.ident === rfd && ev.events[0]?.filter === EVFILT_READ, 'the FIFO readable');
        u.expect(((ev.events[0]?.flags ?? 0) & EV_EOF) === 0, 'no EV_EOF');
        u.expect((yield* u.read(rfd, 1)).ret === 1, 'that byte read back');
        u.expect((yield* u.kevent(kq, [], 1, to)).ret === 0, 'not readable again');
        yield* u.close(wfd);
        ev = yield* u.kevent(kq, [], 1, to);
        u.expect(ev.ret === 1 && ev.events[0]?.ident === rfd && ((ev.events[0]?.flags ?? 0) & EV_EOF) !== 0, 'EV_EOF once the writer is gone');
        wfd = (yield* u.open(fifo_path, O_WRONLY | O_NONBLOCK)).ret;
        u.expect(wfd >= 0, 'the writer back');
        u.expect((yield* u.kevent(kq, [], 1, to)).ret === 0, 'EV_EOF cleared, not readable');
        yield* u.close(wfd);
        yield* u.close(rfd);
        yield* u.close(kq);
      },
    },
  ],
});
