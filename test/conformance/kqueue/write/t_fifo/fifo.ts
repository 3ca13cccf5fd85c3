/*
 * tests/kernel/kqueue/write/t_fifo.c, fifo (revision 1.4.16.1, the 2021 fix pulled up to
 * netbsd-9): "Checks EVFILT_WRITE on fifo": writable at first; not writable once a PIPE_BUF
 * write would not fit; still not after reading one byte; writable once PIPE_BUF is free.
 */
import { defineScenario, EAGAIN, EV_ADD, EV_ENABLE, EV_SET, EVFILT_WRITE, O_NONBLOCK, O_RDONLY, O_WRONLY } from '../../../../../sim/scenario.ts';
import { type AtfCase, before_modern } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/write/t_fifo.c',
  revision: '1.4.16.1 (2021/10/04)',
  testcase: 'fifo',
  fits: ['netbsd-modern'],
  differs: before_modern(
    'expectation: atf[1]: expected the FIFO no longer writable',
    "fifo_vnops.c 1.38 (kqsim's 4.0 shares it) hangs the write knote on the read socket's send buffer, which is never used and has SS_CANTSENDMORE: always writable, with EV_EOF",
  ),
};

const to = { sec: 0, nsec: 0 };

export default defineScenario({
  summary: 'write/t_fifo.c fifo (1.4.16.1)',
  processes: [
    {
      name: 'atf',
      *main(u) {
        u.expect((yield* u.mkfifo('fifo', 0o600)).ret === 0, 'mkfifo');
        const rfd = (yield* u.open('fifo', O_RDONLY | O_NONBLOCK)).ret;
        const wfd = (yield* u.open('fifo', O_WRONLY | O_NONBLOCK)).ret;
        const kq = (yield* u.kqueue()).ret;
        u.expect(rfd >= 0 && wfd >= 0 && kq >= 0, 'the descriptors');
        const pipe_buf = (yield* u.fpathconf(wfd, 6)).ret;
        u.expect(pipe_buf > 1, '_PC_PIPE_BUF');
        const buf = '\0'.repeat(pipe_buf);
        u.expect((yield* u.kevent(kq, [EV_SET(wfd, EVFILT_WRITE, EV_ADD | EV_ENABLE)], 0)).ret === 0, 'EV_ADD');
        let ev = yield* u.kevent(kq, [], 1, to);
        u.expect(ev.ret === 1 && ev.events[0]?.ident === wfd && ev.events[0]?.filter === EVFILT_WRITE, 'the FIFO writable');
        let last = yield* u.write(wfd, buf);
        while (last.ret !== -1) last = yield* u.write(wfd, buf);
        u.expect(last.errno === EAGAIN, 'EAGAIN once full');
        u.expect((yield* u.kevent(kq, [], 1, to)).ret === 0, 'the FIFO no longer writable');
        u.expect((yield* u.read(rfd, 1)).ret === 1, 'one byte read');
        u.expect((yield* u.kevent(kq, [], 1, to)).ret === 0, 'still not writable with less than PIPE_BUF free');
        u.expect((yield* u.read(rfd, pipe_buf - 1)).ret === pipe_buf - 1, 'PIPE_BUF - 1 more read');
        ev = yield* u.kevent(kq, [], 1, to);
        u.expect(ev.ret === 1 && ev.events[0]?.ident === wfd && ev.events[0]?.filter === EVFILT_WRITE, 'writable with PIPE_BUF free');
        yield* u.close(wfd);
        yield* u.close(rfd);
        yield* u.close(kq);
      },
    },
  ],
});
