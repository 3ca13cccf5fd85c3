/*
 * tests/kernel/kqueue/t_proc3.c, proc3: "Checks EVFILT_PROC for NOTE_TRACK on self bug":
 * track yourself, fork a child that exits, reap it; the event must be the child's
 * NOTE_CHILD, without NOTE_TRACKERR.
 */
import {
  defineScenario,
  EV_ADD,
  EV_SET,
  EVFILT_PROC,
  NOTE_CHILD,
  NOTE_TRACK,
  NOTE_TRACKERR,
  WEXITSTATUS,
  WIFEXITED,
} from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_proc3.c',
  revision: '1.1.4.2 (2013/01/16)',
  testcase: 'proc3',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 't_proc3.c proc3',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const me = (yield* u.getpid()).ret;
        RL(u, yield* u.kevent(kq, [EV_SET(me, EVFILT_PROC, EV_ADD, NOTE_TRACK)], 0), 'kevent(EV_ADD)');
        const pid = RL(
          u,
          yield* u.fork('child', function* () {
            return 0;
          }),
          'fork',
        );
        const w = yield* u.waitpid(pid);
        RL(u, w, 'waitpid');
        u.expect(WIFEXITED(w.status) && WEXITSTATUS(w.status) === 0, 'the child to exit with EXIT_SUCCESS');
        const ev = yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 });
        RL(u, ev, 'kevent');
        RL(u, yield* u.close(kq), 'close');
        const ke = ev.events[0];
        u.expect(((ke?.fflags ?? 0) & NOTE_CHILD) !== 0, 'NOTE_CHILD');
        u.expect(((ke?.fflags ?? 0) & NOTE_TRACKERR) === 0, 'no NOTE_TRACKERR');
        u.expect(ke?.ident === pid, 'the event about the child');
      },
    },
  ],
});
