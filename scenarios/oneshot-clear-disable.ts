/*
 * oneshot-clear-disable: the three ways a knote leaves the queue after kevent returns it:
 * level-triggered knotes stay queued, EV_CLEAR knotes are reset, EV_ONESHOT knotes are
 * deleted. And EV_DISABLE keeps an active knote from being returned until EV_ENABLE.
 */
import {
  defineScenario,
  ENOENT,
  EV_ADD,
  EV_CLEAR,
  EV_DELETE,
  EV_DISABLE,
  EV_ENABLE,
  EV_ERROR,
  EV_ONESHOT,
  EV_SET,
  EVFILT_READ,
} from '../sim/scenario.ts';

export default defineScenario({
  summary: 'level-triggered vs EV_CLEAR vs EV_ONESHOT, and EV_DISABLE/EV_ENABLE, on three pipes',
  description: `Three pipes each hold data. A level-triggered knote is returned by every kevent
while the data is there (kqueue_scan re-checks it and puts it back on the queue). An EV_CLEAR
knote is returned once, then only after new data arrives. An EV_ONESHOT knote is returned
once and then deleted: a later EV_DELETE of it fails with ENOENT. A disabled knote is not
returned though its data is there; EV_ENABLE queues it again because it stayed active.`,
  processes: [
    {
      name: 'owner',
      *main(u) {
        const [lr, lw] = (yield* u.pipe()).fds as [number, number];
        const [cr, cw] = (yield* u.pipe()).fds as [number, number];
        const [or, ow] = (yield* u.pipe()).fds as [number, number];
        for (const w of [lw, cw, ow]) yield* u.write(w, 'x');
        const kq = (yield* u.kqueue()).ret;
        const poll = { sec: 0, nsec: 0 };
        const add = yield* u.kevent(
          kq,
          [EV_SET(lr, EVFILT_READ, EV_ADD), EV_SET(cr, EVFILT_READ, EV_ADD | EV_CLEAR), EV_SET(or, EVFILT_READ, EV_ADD | EV_ONESHOT)],
          0,
        );
        u.expect(add.ret === 0, 'the three registrations to succeed');
        const idents = (r: { events: readonly { ident: number }[] }) => r.events.map((e) => e.ident).sort((a, b) => a - b);

        const first = yield* u.kevent(kq, [], 8, poll);
        u.expect(JSON.stringify(idents(first)) === JSON.stringify([lr, cr, or].sort((a, b) => a - b)), 'the first poll to return all three');
        const second = yield* u.kevent(kq, [], 8, poll);
        u.expect(JSON.stringify(idents(second)) === JSON.stringify([lr]), 'the second poll to return only the level-triggered knote');

        yield* u.write(cw, 'y');
        const third = yield* u.kevent(kq, [], 8, poll);
        u.expect(
          JSON.stringify(idents(third)) === JSON.stringify([lr, cr].sort((a, b) => a - b)),
          'new data to make the EV_CLEAR knote return again',
        );
        u.expect(third.events.find((e) => e.ident === cr)?.data === 2, 'the EV_CLEAR knote to report both bytes');

        const gone = yield* u.kevent(kq, [EV_SET(or, EVFILT_READ, EV_DELETE)], 1);
        u.expect(
          gone.ret === 1 && gone.events[0]?.flags === EV_ERROR && gone.events[0]?.data === ENOENT,
          'EV_DELETE of the used oneshot knote to fail with ENOENT',
        );

        yield* u.kevent(kq, [EV_SET(lr, EVFILT_READ, EV_DISABLE)], 0);
        const disabled = yield* u.kevent(kq, [], 8, poll);
        u.expect(disabled.ret === 0, 'a disabled knote not to be returned');
        yield* u.kevent(kq, [EV_SET(lr, EVFILT_READ, EV_ENABLE)], 0);
        const enabled = yield* u.kevent(kq, [], 8, poll);
        u.expect(JSON.stringify(idents(enabled)) === JSON.stringify([lr]), 'EV_ENABLE to queue the still-active knote again');
        yield* u.close(kq);
        for (const fd of [lr, lw, cr, cw, or, ow]) yield* u.close(fd);
      },
    },
  ],
});
