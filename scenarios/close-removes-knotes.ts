/*
 * close-removes-knotes: closing a descriptor removes its knotes from every kqueue of the
 * process (knote_fdclose), and errors in a changelist come back as EV_ERROR events.
 */
import { defineScenario, EBADF, EINVAL, ENOENT, EV_ADD, EV_DELETE, EV_ERROR, EV_SET, EVFILT_READ, EVFILT_WRITE } from '../sim/scenario.ts';

export default defineScenario({
  summary: "close(2) removes a descriptor's knotes from every kqueue; bad changes come back as EV_ERROR",
  description: `Two kqueues watch the same pipe. Closing the read end runs knote_fdclose, which
detaches and drops its knotes in both kqueues, queued or not, so neither returns an event
for a descriptor that no longer exists. Then a changelist with a bad descriptor, an unknown
filter and a delete of a knote that does not exist gets one EV_ERROR event per change
(EBADF, EINVAL, ENOENT), and no scan. With no room for errors, kevent itself fails.`,
  processes: [
    {
      name: 'closer',
      *main(u) {
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const kq1 = (yield* u.kqueue()).ret;
        const kq2 = (yield* u.kqueue()).ret;
        yield* u.write(w, 'data');
        for (const kq of [kq1, kq2]) {
          const add = yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD)], 0);
          u.expect(add.ret === 0, 'EVFILT_READ to register');
        }
        yield* u.kevent(kq2, [EV_SET(w, EVFILT_WRITE, EV_ADD)], 0);
        yield* u.close(r);
        const poll = { sec: 0, nsec: 0 };
        const a = yield* u.kevent(kq1, [], 4, poll);
        u.expect(a.ret === 0, 'kq1 to have nothing left after close');
        const b = yield* u.kevent(kq2, [], 4, poll);
        u.expect(b.ret === 1 && b.events[0]?.ident === w, 'kq2 to keep only the write end');

        const errs = yield* u.kevent(kq1, [EV_SET(99, EVFILT_READ, EV_ADD), EV_SET(w, 42, EV_ADD), EV_SET(w, EVFILT_READ, EV_DELETE)], 8);
        u.expect(errs.ret === 3, 'three EV_ERROR events');
        u.expect(
          errs.events.every((e) => e.flags === EV_ERROR),
          'each to carry EV_ERROR alone',
        );
        u.expect(JSON.stringify(errs.events.map((e) => e.data)) === JSON.stringify([EBADF, EINVAL, ENOENT]), 'EBADF, EINVAL and ENOENT in order');
        const fail = yield* u.kevent(kq1, [EV_SET(99, EVFILT_READ, EV_ADD)], 0);
        u.expect(fail.ret === -1 && fail.errno === EBADF, 'with no room for an error event, kevent to fail with EBADF');
        const notkq = yield* u.kevent(w, [], 1);
        u.expect(notkq.errno === EBADF, 'kevent on a descriptor that is not a kqueue to fail with EBADF');
        yield* u.close(kq1);
        yield* u.close(kq2);
        yield* u.close(w);
      },
    },
  ],
});
