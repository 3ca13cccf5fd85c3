/*
 * tests/kernel/kqueue/read/t_file.c, file: "Checks EVFILT_READ on regular file": a child
 * appends a line a second, five times; the parent, at the end of the file, hears of each.
 */
import {
  defineScenario,
  EV_ADD,
  EV_ENABLE,
  EV_SET,
  EVFILT_READ,
  O_APPEND,
  O_CREAT,
  O_RDONLY,
  O_WRONLY,
  SEEK_END,
} from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/read/t_file.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'file',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

const FILENAME = 'file';
const NLINES = 5;

export default defineScenario({
  summary: 'read/t_file.c file',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const pid = RL(
          u,
          yield* u.fork('child', function* (c) {
            yield* c.sleep(1);
            for (let i = 0; i < NLINES; ++i) {
              const fd = RL(c, yield* c.open(FILENAME, O_WRONLY | O_APPEND, 0o644), 'open()');
              RL(c, yield* c.write(fd, 'foo\n'), 'write()');
              yield* c.close(fd);
              yield* c.sleep(1);
            }
            return 0;
          }),
          'fork',
        );
        const fd = RL(u, yield* u.open(FILENAME, O_RDONLY | O_CREAT, 0o644), 'open');
        RL(u, yield* u.lseek(fd, 0, SEEK_END), 'lseek');
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fd, EVFILT_READ, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        for (let num = 0; num < NLINES; ) {
          const ev = yield* u.kevent(kq, [], 1);
          num += RL(u, ev, 'kevent');
          u.log(`kevent num ${ev.ret} flags: ${ev.events[0]?.flags}, fflags: ${ev.events[0]?.fflags}, data: ${ev.events[0]?.data}`);
          if ((ev.events[0]?.data ?? 0) < 0) RL(u, yield* u.lseek(fd, 0, SEEK_END), 'lseek');
          const rd = yield* u.read(fd, 128);
          RL(u, rd, 'read');
          u.log(`file(${num}): ${rd.data}`);
        }
        yield* u.waitpid(pid);
      },
    },
  ],
});
