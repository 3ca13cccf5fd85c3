/*
 * tests/kernel/kqueue/t_vnode.c, open_write_read_close: "This test case exercises that
 * kevent(2) returns NOTE_OPEN, NOTE_READ, NOTE_WRITE, NOTE_CLOSE, and NOTE_CLOSE_WRITE."
 */
import {
  defineScenario,
  EV_ADD,
  EV_CLEAR,
  EV_SET,
  EVFILT_VNODE,
  NOTE_CLOSE,
  NOTE_CLOSE_WRITE,
  NOTE_EXTEND,
  NOTE_OPEN,
  NOTE_READ,
  NOTE_WRITE,
  O_CREAT,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
} from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern, RL } from '../../lib/atf.ts';
import { ts } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'open_write_read_close',
  fits: ['netbsd-modern'],
  differs: before_modern('expectation: atf[1]: expected one event after open', '2.0 and 4.0 post no NOTE_OPEN, NOTE_READ or close notes'),
};

/* testfile[] = "testfile": sizeof(testfile) is 9, its NUL included. */
const testfile = 'testfile';
const contents = 'testfile\0';

export default defineScenario({
  summary: 't_vnode.c open_write_read_close',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        let fd = RL(u, yield* u.open(testfile, O_RDWR | O_CREAT | O_TRUNC, 0o600), 'open');
        const notes = NOTE_OPEN | NOTE_READ | NOTE_WRITE | NOTE_CLOSE | NOTE_CLOSE_WRITE;
        u.expect((yield* u.kevent(kq, [EV_SET(fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, notes)], 0)).ret === 0, 'EV_ADD');
        const poll = function* () {
          const ev = yield* u.kevent(kq, [], 1, ts);
          return ev.ret === 1 ? (ev.events[0]?.fflags ?? 0) : -1;
        };
        fd = RL(u, yield* u.open(testfile, O_RDWR), 'open');
        let f = yield* poll();
        u.expect(f !== -1, 'one event after open');
        u.expect((f & NOTE_OPEN) !== 0, 'NOTE_OPEN');
        u.expect((yield* u.pwrite(fd, contents, 0)).ret === contents.length, 'pwrite');
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_WRITE) !== 0 && (f & NOTE_EXTEND) !== 0, 'NOTE_WRITE and NOTE_EXTEND');
        u.expect((yield* u.pwrite(fd, contents, 0)).ret === contents.length, 'pwrite');
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_WRITE) !== 0 && (f & NOTE_EXTEND) === 0, 'NOTE_WRITE without NOTE_EXTEND');
        u.expect((yield* u.pwrite(fd, contents.slice(0, 1), contents.length)).ret === 1, 'pwrite of one more byte');
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_WRITE) !== 0 && (f & NOTE_EXTEND) !== 0, 'NOTE_WRITE and NOTE_EXTEND again');
        yield* u.close(fd);
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_CLOSE_WRITE) !== 0 && (f & NOTE_CLOSE) === 0, 'NOTE_CLOSE_WRITE, not NOTE_CLOSE');
        fd = RL(u, yield* u.open(testfile, O_RDONLY), 'open');
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_OPEN) !== 0, 'NOTE_OPEN');
        u.expect((yield* u.read(fd, contents.length)).ret === contents.length, 'read');
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_READ) !== 0, 'NOTE_READ');
        yield* u.close(fd);
        f = yield* poll();
        u.expect(f !== -1 && (f & NOTE_CLOSE) !== 0 && (f & NOTE_CLOSE_WRITE) === 0, 'NOTE_CLOSE, not NOTE_CLOSE_WRITE');
      },
    },
  ],
});
