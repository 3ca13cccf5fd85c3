/*
 * tests/kernel/kqueue/t_proc4.c, proc4: "Exercises EVFILT_PROC + NOTE_TRACK": ten children
 * each make ten grandchildren; tracking them all, the parent must see 110 NOTE_CHILD events
 * and every NOTE_EXIT with its wait status in data, never a NOTE_FORK or NOTE_TRACKERR.
 */
import {
  defineScenario,
  EV_ADD,
  EV_EOF,
  EV_SET,
  EVFILT_PROC,
  NOTE_CHILD,
  NOTE_EXIT,
  NOTE_FORK,
  NOTE_TRACK,
  NOTE_TRACKERR,
  WEXITSTATUS,
  WIFEXITED,
  WNOHANG,
} from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_proc4.c',
  revision: '1.1 (2021/10/10)',
  testcase: 'proc4',
  fits: ['netbsd-modern'],
  differs: before_modern(
    'expectation: atf[1]: expected a known exit status',
    "kern_event.c 1.19 and 1.41 put no wait status in NOTE_EXIT's data: a tracked child's one knote keeps NOTE_CHILD's data, 0 once EV_CLEAR has cleared it",
  ),
};

const TOTAL_CHILDREN = 10;
const TOTAL_DESCENDENTS = TOTAL_CHILDREN + TOTAL_CHILDREN * TOTAL_CHILDREN;
const EXIT_CHILD = 66;
const EXIT_GRANDCHILD = 76;

export default defineScenario({
  summary: 't_proc4.c proc4',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const me = (yield* u.getpid()).ret;
        u.expect((yield* u.kevent(kq, [EV_SET(me, EVFILT_PROC, EV_ADD, NOTE_TRACK | NOTE_EXIT)], 0)).ret === 0, 'EV_ADD');
        for (let i = 0; i < TOTAL_CHILDREN; i++) {
          RL(
            u,
            yield* u.fork('child', function* (c) {
              for (let j = 0; j < TOTAL_CHILDREN; j++) {
                RL(
                  c,
                  yield* c.fork('grandchild', function* () {
                    return EXIT_GRANDCHILD;
                  }),
                  'fork',
                );
              }
              for (let j = 0; j < TOTAL_CHILDREN; j++) RL(c, yield* c.wait(), 'wait');
              return EXIT_CHILD;
            }),
            'fork',
          );
        }
        let total_tracks = 0;
        let child_exits = 0;
        let grandchild_exits = 0;
        while (total_tracks !== TOTAL_DESCENDENTS || child_exits !== TOTAL_CHILDREN || grandchild_exits !== TOTAL_CHILDREN * TOTAL_CHILDREN) {
          const rv = yield* u.kevent(kq, [], 1);
          u.expect(rv.ret === 1, 'one event');
          const event = rv.events[0] as (typeof rv.events)[number];
          if (event.fflags & NOTE_CHILD) {
            total_tracks++;
            u.expect(total_tracks <= TOTAL_DESCENDENTS, 'no more NOTE_CHILD than descendants');
          } else if (event.fflags & NOTE_EXIT) {
            u.expect((event.flags & EV_EOF) !== 0, 'EV_EOF with NOTE_EXIT');
            const status = event.data;
            u.expect(WIFEXITED(status), 'WIFEXITED');
            u.expect(WEXITSTATUS(status) === EXIT_CHILD || WEXITSTATUS(status) === EXIT_GRANDCHILD, 'a known exit status');
            if (WEXITSTATUS(status) === EXIT_CHILD) {
              child_exits++;
              const w = yield* u.wait4(event.ident, WNOHANG);
              u.expect(w.ret !== -1 && w.status === status, 'wait4 to report the same status');
            } else grandchild_exits++;
          } else {
            u.expect((event.fflags & NOTE_FORK) === 0, 'no NOTE_FORK');
            u.expect((event.fflags & NOTE_TRACKERR) === 0, 'no NOTE_TRACKERR');
          }
        }
        u.expect((yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 })).ret === 0, 'nothing left');
        yield* u.close(kq);
      },
    },
  ],
});
