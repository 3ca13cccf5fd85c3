/*
 * two-sources: one kqueue hears two kinds of source at once. A pipe is written from
 * process context at spl0 (pipe_write -> knote -> knote_enqueue); a UDP socket is fed from
 * softnet (nicintr at IPL_NET -> ipintr -> udp_input -> sorwakeup -> knote). Two
 * datagrams may arrive at any preemption point once they are due, so they can land inside
 * the pipe's knote_enqueue, the close that dequeues it, the reads, and the scans: every
 * place the spl protects against softnet.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a pipe written at spl0 and a UDP socket fed from softnet on one kqueue, with reads racing the datagrams',
  description: `The server binds a UDP socket to port 7, sleeps 10 ms (so that no datagram
arrives before the port is bound), then watches the socket and a pipe on one kqueue, writes a
byte to the pipe (queueing its knote from process context at spl0) and takes the events.
Two datagrams for port 7 are due from tick 2, when the server wakes, and may arrive at any preemption point:
inside knote_enqueue, the close that dequeues the pipe's knote, soreceive, or a scan.
Whatever the order, kevent reports the pipe, and both datagrams are read, in order.`,
  nic: [
    { at: 2, port: 7, data: 'ping!' },
    { at: 2, port: 7, data: 'pong!' },
  ],
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        yield* u.nanosleep(10);
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        const add = yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD), EV_SET(r, EVFILT_READ, EV_ADD)], 0);
        u.expect(add.ret === 0, 'both registrations to succeed');
        yield* u.write(w, 'x');
        const first = yield* u.kevent(kq, [], 2);
        u.expect(first.ret >= 1 && first.events.some((e) => e.ident === r), 'kevent to report the pipe just written (and perhaps the socket)');
        yield* u.close(r);
        const d1 = yield* u.read(so, 64);
        u.expect(d1.data === 'ping!', 'to read the first datagram');
        const ready = yield* u.kevent(kq, [], 1);
        u.expect(ready.ret === 1 && ready.events[0]?.ident === so, 'kevent to report the socket for the second datagram');
        const d2 = yield* u.read(so, 64);
        u.expect(d2.data === 'pong!', 'to read the second datagram');
        yield* u.close(w);
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
