/*
 * timeout-vs-wakeup: a kevent with a 30 ms timeout whose deadline passes as the event
 * arrives. kqueue_scan (kern_event.c 1.19) computes the deadline once; a wakeup goes to
 * retry, which tests hzto(deadline) before the queue, and a timed-out sleep returns without
 * looking at the queue. A datagram due one tick before the deadline, and a clock that may
 * tick while the server runs, let exploration put the deadline on either side of it.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a kevent timeout whose deadline passes as the datagram arrives: 1, or 0 with the event left queued',
  description: `The server binds a UDP socket and waits in kevent for it with a 30 ms timeout:
from tick 0 a deadline at tick 3. A datagram is due at tick 2, after the server sleeps (at
most one clock tick passes while it runs, so the datagram always comes after bind). If the
server retries before the deadline, kevent returns it; if the clock ticks between the
wakeup and the retry, kevent returns 0 although the event is queued (the
timeout-over-queued-event finding). Either way the event is not lost: a poll right after
returns it.`,
  nic: [{ at: 2, port: 7, data: 'late' }],
  busy_ticks_max: 1,
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 1, { sec: 0, nsec: 30_000_000 });
        u.expect(r.errno === 0 && (r.ret === 0 || r.ret === 1), 'kevent with a timeout to return 1 event or time out with 0');
        if (r.ret === 0) {
          u.log('kevent timed out; polling');
          const again = yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 });
          if (again.ret === 0) {
            // Timed out before the datagram came at all: wait for it.
            const last = yield* u.kevent(kq, [], 1);
            u.expect(last.ret === 1, 'the datagram to arrive after all');
          }
        }
        const rd = yield* u.read(so, 64);
        u.expect(rd.data === 'late', 'to read the datagram');
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
