/*
 * timeout-cancelled: a timed sleep woken early must cancel its timeout. kevent with a
 * 50 ms timeout sleeps with an endtsleep callout armed; a datagram wakes it first, so
 * ltsleep stops the callout. A later read(2) sleeps with no timeout until the next
 * datagram: no stale endtsleep may end that sleep.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'kevent with a timeout is woken early by a datagram; a later read without one must sleep until the next',
  description: `The server waits in kevent for its UDP socket with a 50 ms timeout (6 ticks, as
hzto rounds), and a datagram arriving at tick 2 wakes it, so ltsleep cancels the timeout's
endtsleep callout. It reads that datagram, then sleeps in read(2), with no timeout, until the
second datagram at tick 10.`,
  nic: [
    // Due from tick 2, so that no busy clock tick during setup can bring it before bind.
    { at: 2, port: 7, data: 'early' },
    { at: 10, port: 7, data: 'late!' },
  ],
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 1, { sec: 0, nsec: 50_000_000 });
        u.expect(r.ret === 1 && r.events[0]?.ident === so, 'the datagram at tick 2 to end the wait before its timeout');
        const d1 = yield* u.read(so, 64);
        u.expect(d1.data === 'early', 'to read the first datagram');
        const d2 = yield* u.read(so, 64);
        u.expect(d2.ret === 5 && d2.data === 'late!', 'the read without a timeout to wait for the second datagram');
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
