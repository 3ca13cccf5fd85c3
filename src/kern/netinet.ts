/*
 * The receive path from a NIC to a UDP socket, as NetBSD 2.0 runs it:
 *
 *   nicintr   (IPL_NET, the driver's interrupt)  take packets off the receive ring,
 *             IF_ENQUEUE them on ipintrq and schednetisr(NETISR_IP): softnet is scheduled
 *   ipintr    (IPL_SOFTNET)  IF_DEQUEUE each packet at splnet, then udp_input
 *   udp_input               append to the bound socket's receive buffer, sorwakeup -> knote
 *
 * Sending to a local port goes through the loopback interface: looutput queues on ipintrq
 * at splnet and schedules softnet, so even a local datagram is delivered from softnet. TCP
 * segments (tcp_output.ts) take the same path, and ipintr hands them to tcp_input.
 *
 *   net_attach(k, events)      the nic0 device and the interrupt handlers
 *   ip_output_loopback(k, pkt) looutput: onto ipintrq at splnet, softnet scheduled
 *   udp_protosw, sys_socket_udp, sys_bind, sys_sendto
 */
import type { Device, DeviceEvent, KGen } from '../machine/machine.ts';
import { splnet, splx } from '../machine/spl.ts';
import { EADDRINUSE, EBADF, EINVAL, EMFILE, ENOTSOCK } from './errno.ts';
import { fd_avail, fd_getfile, fdalloc } from './kern_descrip.ts';
import { type Knote, knote } from './kern_event.ts';
import { type Kcq, kcont_ipl_of, kcont_run_all } from './kern_kcont.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel, NicPacket } from './kernel.ts';
import { tcp_input } from './tcp_input.ts';
import type { TcpSegment } from './tcp_var.ts';
import { PR_ATOMIC, type Protosw, type Socket, sbappend, socket_of, socreate, sorwakeup, UDP_RECVSPACE, UDP_SENDSPACE } from './uipc_socket.ts';

export interface NetState {
  /** UDP ports with a bound socket. */
  readonly bound: Map<number, Socket>;
  /** The IP input queue between the driver (IPL_NET) or loopback and ipintr (softnet). */
  readonly ipintrq: (NicPacket | TcpSegment)[];
  /** Packets dropped for want of a socket or of buffer space (udpstat). */
  dropped: number;
  /**
   * nic0's interface-event klist, posted from nicintr at IPL_NET on each receive interrupt
   * (the interface events Cahyna's patch was written for). Only in-kernel kcont listeners
   * (kcont_listener.ts) attach here.
   */
  readonly if_klist: Knote[];
  /** The interface (the kernel's ifp): nic0, and its count of packets received. */
  readonly ifp: Device;
  if_ipackets: number;
  /**
   * nic0's kcont queue (options KCONT), run by nicintr with kcont_run_all (status: the
   * packet count) at the curipl
   * kcont_ipl_of derives from IPL_NET; created when a listener arms a kc on it.
   */
  if_kcq: Kcq | null;
}

export function net_attach(k: Kernel, events: readonly DeviceEvent[]): NetState {
  const nic0 = k.m.device_attach('nic0', 'net', events);
  const net: NetState = { bound: new Map(), ipintrq: [], dropped: 0, if_klist: [], ifp: nic0, if_ipackets: 0, if_kcq: null };
  k.m.intr_establish('net', () => nicintr(k, net, nic0.ring));
  k.m.intr_establish('softnet', () => ipintr(k, net));
  return net;
}

/*
 * The driver's receive loop at IPL_NET: one packet off the ring per iteration, handed to
 * ether_input, whose IF_ENQUEUE(&ipintrq) and schednetisr(NETISR_IP) end it; each
 * iteration is a preemption point for what IPL_NET lets in (the clock, the serial line).
 */
function* nicintr(k: Kernel, net: NetState, ring: unknown[]): KGen {
  k.m.touch('net');
  while (ring.length > 0) {
    net.ipintrq.push(ring.shift() as NicPacket);
    net.if_ipackets++;
    yield 'nicintr:enqueued';
  }
  k.m.softintr_schedule('softnet');
  yield* knote(k, net.if_klist, 0);
  if (net.if_kcq) yield* kcont_run_all(k, net.if_kcq, net.ifp, net.if_ipackets, kcont_ipl_of(k, 'net'));
}

/*
 * ip_input.c's ipintr: `while (1) { s = splnet(); IF_DEQUEUE(&ipintrq, m); splx(s); if (m
 * == 0) return; ip_input(m); }`. The splx after each dequeue is the loop's preemption
 * point: a NIC interrupt there queues behind, and this loop takes it next. ip_input ->
 * udp_input -> sorwakeup -> knote runs at IPL_SOFTNET, where IPL_NET still gets in.
 */
function* ipintr(k: Kernel, net: NetState): KGen {
  k.m.touch('net');
  for (;;) {
    const nospl = k.build.has('mutant-ipintr-nospl');
    const s = nospl ? k.m.cpl : splnet(k.m);
    const pkt = net.ipintrq.shift();
    if (nospl && pkt && net.ipintrq.length === 0) {
      // IF_DEQUEUE took the last packet (ifq_head = NULL); nicintr may link one behind it
      // (ifq_tail still points at it) before ifq_tail = NULL, which loses that packet.
      yield 'ipintr:if_dequeue';
      k.m.touch('net');
      net.ipintrq.splice(0);
    }
    yield* splx(k.m, s, 'ipintr:splx');
    if (!pkt) return;
    if ('proto' in pkt) yield* tcp_input(k, pkt);
    else yield* udp_input(k, net, pkt);
  }
}

function* udp_input(k: Kernel, net: NetState, pkt: NicPacket): KGen {
  const so = net.bound.get(pkt.port);
  if (so) k.m.touch('chan', so.so_rcv.chanName);
  if (!so || !sbappend(so.so_rcv, pkt.data, false)) {
    net.dropped++;
    const why = so ? 'its receive buffer is full' : `no socket is bound to port ${pkt.port}`;
    k.bus.emit('log', { text: `udp_input: packet for port ${pkt.port} dropped: ${why}` });
    return;
  }
  yield* sorwakeup(k, so);
}

/*
 * UDP's protosw: datagrams leave through sendto (sys_sendto), so PRU_SEND is never reached
 * from write(2), which fails first with ENOTCONN (the socket is never connected here).
 */
export const udp_protosw: Protosw = {
  pr_name: 'udp',
  pr_flags: PR_ATOMIC,
  pr_sendspace: UDP_SENDSPACE,
  pr_recvspace: UDP_RECVSPACE,
  *pru_send() {},
  *pru_rcvd() {},
  *pru_shutdown() {},
  *pru_abort() {},
  *pru_detach(k, so) {
    k.m.touch('net');
    if (k.net.bound.get(so.so_port) === so) k.net.bound.delete(so.so_port);
  },
  pr_sendspace_of(so) {
    return so.so_snd.space();
  },
};

export function* sys_socket_udp(k: Kernel): KGen<{ error: number; fd: number }> {
  if (!fd_avail(curlwp(k).l_proc, 1)) return { error: EMFILE, fd: -1 };
  const { fp } = socreate(k, udp_protosw);
  const fd = fdalloc(curlwp(k).l_proc, fp);
  yield 'sys_socket:done';
  return { error: 0, fd };
}

function udp_socket(k: Kernel, fd: number): Socket | number {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return EBADF;
  if (fp.f_type !== 'socket') return ENOTSOCK;
  const so = socket_of(fp);
  return so.so_type === 'dgram' ? so : EINVAL;
}

export function* sys_bind(k: Kernel, fd: number, port: number): KGen<number> {
  const so = udp_socket(k, fd);
  if (typeof so === 'number') return so;
  if (so.so_port !== 0 || !Number.isInteger(port) || port <= 0 || port > 65535) return EINVAL;
  k.m.touch('net');
  if (k.net.bound.has(port)) return EADDRINUSE;
  so.so_port = port;
  k.net.bound.set(port, so);
  yield 'sys_bind:done';
  return 0;
}

/* looutput: the loopback interface queues what it is given for softnet, at splnet. */
export function* ip_output_loopback(k: Kernel, pkt: NicPacket | TcpSegment): KGen {
  const s = splnet(k.m);
  k.m.touch('net');
  k.net.ipintrq.push(pkt);
  k.m.softintr_schedule('softnet');
  yield* splx(k.m, s, 'looutput:splx');
}

/** sendto(2) to a local port: through the loopback interface to ipintrq and softnet. */
export function* sys_sendto(k: Kernel, fd: number, port: number, data: string): KGen<{ error: number; written: number }> {
  const so = udp_socket(k, fd);
  if (typeof so === 'number') return { error: so, written: 0 };
  yield* ip_output_loopback(k, { at: k.m.ticks, port, data });
  return { error: 0, written: data.length };
}
