/*
 * ktickle-idle: the case ktickle was written for. A server thread sleeps in kevent with
 * nothing to do; a second thread tickles the kqueue; kevent returns EINTR. The tickle is
 * consumed by that return: a poll right after returns 0, not EINTR again.
 */
import { defineScenario, EINTR, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a second thread tickles an idle server thread out of kevent (netbsd-4.0+ktickle-v1 or -v2)',
  description: `The server thread waits in kevent, without a timeout, on a socket nobody writes
to. The second thread issues the tickle ioctl: it sets KQ_TICKLED under kq_lock and calls
kqueue_wakeup. If the server was asleep it wakes, finds nothing queued and returns EINTR; if
the tickle came first, kevent returns EINTR without sleeping. Either way the return clears
the flag, so the next poll returns 0.`,
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 0);
        const lid = (yield* u.lwp_create('waker', function* (w) {
          const t = yield* w.ioctl(kq, 'KTICKLE');
          w.expect(t.ret === 0, 'the tickle ioctl to succeed (this scenario needs ktickle)');
        })).ret;
        const r = yield* u.kevent(kq, [], 4);
        u.expect(r.ret === -1 && r.errno === EINTR, 'kevent to return EINTR for the tickle');
        const again = yield* u.kevent(kq, [], 4, { sec: 0, nsec: 0 });
        u.expect(again.ret === 0 && again.errno === 0, 'the tickle not to stick: a poll returns 0');
        yield* u.lwp_wait(lid);
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
