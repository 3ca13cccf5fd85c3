/*
 * ktickle-race: a server thread in kevent on two UDP sockets and a second thread that
 * tickles the kqueue once. Nothing here scripts when the tickle lands relative to the
 * datagram: the schedule decides. On netbsd-4.0+ktickle-v1 the schedules that tickle while
 * the datagram is queued make the scan return EINTR over it (tickle-eintr-only-when-idle).
 * Small on purpose, so exhaustive exploration can cover it; the busier wake-up workload is
 * scenarios/lib/wakeup.ts.
 */
import { defineScenario, EINTR, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

const PORTS = [7, 8] as const;

export default defineScenario({
  summary: 'a second thread tickles a server thread in kevent while a datagram arrives (netbsd-4.0+ktickle-v1 or -v2)',
  description: `A server thread waits in kevent on two UDP sockets; a datagram for one of them
arrives at some point. A second thread of the same process puts a message in a shared
mailbox and tickles the kqueue (the ktickle ioctl): kqueue_scan returns EINTR when nothing
is queued, and a return with real events silently consumes the tickle, so the server also
checks the mailbox after every return. Whether the tickle meets the queued datagram is up
to the schedule.`,
  nic: [{ at: 0, port: PORTS[0], data: 'req' }],
  processes: [
    {
      name: 'server',
      *main(u) {
        const socks: number[] = [];
        for (const port of PORTS) {
          const so = (yield* u.socket()).ret;
          yield* u.bind(so, port);
          socks.push(so);
        }
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(
          kq,
          socks.map((so) => EV_SET(so, EVFILT_READ, EV_ADD)),
          0,
        );
        const mailbox: { message: string | null } = { message: null };
        const lid = (yield* u.lwp_create('waker', function* (w) {
          mailbox.message = 'stop';
          const t = yield* w.ioctl(kq, 'KTICKLE');
          w.expect(t.ret === 0, 'the tickle ioctl to succeed (this scenario needs ktickle)');
        })).ret;
        let seen = false;
        // At most: one return for the datagram, one for the tickle (or the mailbox).
        for (let i = 0; i < 4 && !seen; i++) {
          const r = yield* u.kevent(kq, [], 2);
          if (r.errno === EINTR) {
            u.expect(mailbox.message !== null, 'EINTR only after a tickle');
            seen = true;
            break;
          }
          u.expect(r.errno === 0 && r.ret > 0, 'kevent without a timeout to return events');
          for (const ev of r.events) yield* u.read(ev.ident, 64);
          seen = mailbox.message !== null;
        }
        u.expect(seen, 'the server to learn of the tickle within four returns');
        yield* u.lwp_wait(lid);
        yield* u.close(kq);
      },
    },
  ],
});
