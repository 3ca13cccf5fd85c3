/*
 * nic-softnet: the interrupt path. A NIC interrupt (IPL_NET) queues a datagram on ipintrq
 * and schedules softnet; ipintr (IPL_SOFTNET) hands it to udp_input, whose sorwakeup calls
 * knote() on the socket's receive klist. Meanwhile a process is in kevent on that socket.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a NIC interrupt makes a UDP socket readable while a process sleeps in kevent',
  description: `nic0 receives a datagram for port 7. Its interrupt (IPL_NET) only queues it on
ipintrq and schedules softnet; the soft interrupt runs ipintr -> udp_input -> sorwakeup ->
knote() at IPL_SOFTNET, wherever the cpl allows. The server waits for EVFILT_READ in kevent.
The first packet may arrive at any preemption point: before the socket is bound (it is
dropped), before the knote exists, during the scan, or while the server sleeps. Every way,
kevent must return a datagram and nobody may sleep through one.`,
  // The first datagram can arrive at any point, even before bind (then udp_input drops
  // it). The second is due two ticks later: while the server runs, at most one clock tick
  // may pass (busy_ticks_max below), so the clock reaches tick 2 only once the server
  // sleeps in kevent, after bind, and the server always has something to receive. With a
  // larger bound (--max-ticks-per-run 2) both datagrams can come before bind and the server
  // sleeps forever: a deadlock of the scenario's premise, not of the kernel.
  nic: [
    { at: 0, port: 7, data: 'ping!' },
    { at: 2, port: 7, data: 'ping!' },
  ],
  busy_ticks_max: 1,
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 1);
        u.expect(r.ret === 1, 'kevent to return the readable socket');
        u.expect(r.events[0]?.ident === so && (r.events[0]?.data ?? 0) >= 5, 'data to count at least one 5-byte datagram');
        const rd = yield* u.read(so, 64);
        u.expect(rd.data === 'ping!', 'to read the datagram');
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
