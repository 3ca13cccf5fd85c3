/*
 * tests/kernel/kqueue/t_proc1.c, proc1: "Checks EVFILT_PROC": a child sleeps, forks, waits
 * for its own child and execs; the parent, watching NOTE_EXIT | NOTE_FORK | NOTE_EXEC, must
 * see all three.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_PROC, NOTE_CHILD, NOTE_EXEC, NOTE_EXIT, NOTE_FORK } from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_proc1.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'proc1',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
  note: 'execve only posts NOTE_EXEC; the child then exits 0, as /usr/bin/true would.',
};

export default defineScenario({
  summary: 't_proc1.c proc1',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const pid = RL(
          u,
          yield* u.fork('child', function* (c) {
            yield* c.sleep(2);
            yield* c.fork('grandchild', function* () {
              return 0;
            });
            yield* c.wait();
            yield* c.execve();
            return 0;
          }),
          'fork',
        );
        yield* u.sleep(1);
        RL(u, yield* u.kevent(kq, [EV_SET(pid, EVFILT_PROC, EV_ADD | EV_ENABLE, NOTE_EXIT | NOTE_FORK | NOTE_EXEC)], 0), 'kevent(EV_ADD)');
        let want = NOTE_EXIT | NOTE_FORK | NOTE_EXEC;
        while (want) {
          const ev = yield* u.kevent(kq, [], 1);
          RL(u, ev, 'kevent');
          const f = ev.events[0]?.fflags ?? 0;
          want &= ~(f & (NOTE_EXIT | NOTE_EXEC | NOTE_FORK));
          if (f & NOTE_CHILD) u.log(`NOTE_CHILD, parent = ${ev.events[0]?.data}`);
        }
        yield* u.waitpid(pid);
      },
    },
  ],
});
