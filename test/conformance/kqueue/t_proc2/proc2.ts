/*
 * tests/kernel/kqueue/t_proc2.c, proc2 (require.user root): "Checks EVFILT_PROC for
 * NOTE_FORK|NOTE_TRACK error path problem fixed in rev. 1.1.1.1.2.17 of kern_event.c": the
 * child drops to nobody (set-id) and forks; tracking that grandchild must fail with
 * NOTE_TRACKERR.
 */
import {
  defineScenario,
  EV_ADD,
  EV_SET,
  EVFILT_PROC,
  NOTE_FORK,
  NOTE_TRACK,
  NOTE_TRACKERR,
  WEXITSTATUS,
  WIFEXITED,
} from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_proc2.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'proc2',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
  note: 'getpwnam("nobody") is uid 32767; the process runs as root (require.user root).',
};

const timeout = { sec: 0, nsec: 0 };

export default defineScenario({
  summary: 't_proc2.c proc2',
  processes: [
    {
      name: 'atf',
      uid: 0,
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const pid = RL(
          u,
          yield* u.fork('child_one', function* (c) {
            yield* c.sleep(1); // let parent set kevent
            c.expect((yield* c.setuid(32767)).ret === 0, 'setuid(nobody)');
            yield* c.fork('child_two', function* () {
              return 0;
            });
            return 0;
          }),
          'fork',
        );
        RL(u, yield* u.kevent(kq, [EV_SET(pid, EVFILT_PROC, EV_ADD, NOTE_FORK | NOTE_TRACK)], 0, timeout), 'kevent(EV_ADD)');
        yield* u.sleep(2);
        const ev = yield* u.kevent(kq, [], 1, timeout);
        RL(u, ev, 'kevent');
        RL(u, yield* u.close(kq), 'close');
        const w = yield* u.waitpid(pid);
        RL(u, w, 'waitpid');
        u.expect(WIFEXITED(w.status) && WEXITSTATUS(w.status) === 0, 'child_one to exit with EXIT_SUCCESS');
        u.expect(((ev.events[0]?.fflags ?? 0) & NOTE_TRACKERR) !== 0, 'NOTE_TRACKERR: no knote could be added to child_two');
      },
    },
  ],
});
