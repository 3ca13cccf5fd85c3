/*
 * nic-during-softnet: a second datagram arrives while softnet runs udp_input for the first.
 * nicintr (IPL_NET) can interrupt ipintr (IPL_SOFTNET) at each of its preemption points:
 * between two IF_DEQUEUEs (ipintr's splx), and inside udp_input -> sorwakeup -> knote ->
 * KNOTE_ACTIVATE, which runs at IPL_SOFTNET. The nested handler only queues on ipintrq
 * and schedules softnet again; ipintr's loop or the next softnet run delivers it.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a NIC interrupt nested inside the softnet handler delivering the previous datagram',
  description: `Two datagrams for port 7 are due at tick 2, after the server sleeps in kevent: while
the server runs at most one clock tick passes (busy_ticks_max), so both come after bind.
The first interrupt wakes softnet; the second may arrive at any preemption point of
ipintr -> udp_input -> sorwakeup -> knote() for the first, nesting on the softnet handler
at IPL_NET. The server must receive both, in order.`,
  nic: [
    { at: 2, port: 7, data: 'one' },
    { at: 2, port: 7, data: 'two' },
  ],
  busy_ticks_max: 1,
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 0);
        const got: string[] = [];
        for (let i = 0; i < 2; i++) {
          const r = yield* u.kevent(kq, [], 1);
          u.expect(r.ret === 1 && r.events[0]?.ident === so, 'kevent to return the readable socket');
          got.push((yield* u.read(so, 64)).data);
        }
        u.expect(got.join(',') === 'one,two', 'both datagrams, in the order they arrived');
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
