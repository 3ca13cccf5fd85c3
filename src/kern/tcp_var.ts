/*
 * netinet/tcp_var.h, tcp.h and tcp_fsm.h, reduced to TCP over the loopback interface: the
 * control block, the states, the segment that travels through ipintrq, and the table of
 * connections (in_pcb) and listeners, one per kernel.
 *
 *   Tcpcb, TcpSegment, TCPS_*, TH_*   the control block, what a segment carries, the states
 *   tcbtable(k)           connections by (local port, foreign port), listeners by port, and
 *                         the next ephemeral port and initial send sequence number
 *   tcp_rcvwin(tp)        the window to offer: receive buffer room, never shrinking the
 *                         right edge already offered (rcv_adv), at most TCP_MAXWIN
 * Sequence numbers are plain integers; the SYN takes iss, data follows from iss + 1, and the
 * FIN takes the number after the last byte, as in the source.
 */
import type { Kernel } from './kernel.ts';
import type { Socket } from './uipc_socket.ts';

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'CLOSE_WAIT'
  | 'FIN_WAIT_1'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'FIN_WAIT_2'
  | 'TIME_WAIT';

/** TCPS_HAVERCVDSYN: the states after the handshake (data and FINs are processed). */
export function TCPS_HAVEESTABLISHED(s: TcpState): boolean {
  return s !== 'CLOSED' && s !== 'LISTEN' && s !== 'SYN_SENT' && s !== 'SYN_RECEIVED';
}

/* tcp.h th_flags */
export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_ACK = 0x10;

/** tcp_sendspace / tcp_recvspace (netinet/tcp_usrreq.c, 32 KiB). */
export const TCP_SENDSPACE = 32 * 1024;
export const TCP_RECVSPACE = 32 * 1024;
/** The largest window without window scaling. */
export const TCP_MAXWIN = 65535;
/** kqsim's segment size on loopback (NetBSD takes it from lo0's MTU, larger than the buffers). */
export const TCP_LOOPBACK_MSS = 16384;
/** SOMAXCONN: the largest listen(2) backlog. */
export const SOMAXCONN = 128;
/** Where ephemeral ports begin (sysctl net.inet.ip.anonportmin). */
export const IPPORT_ANONMIN = 49152;

export interface TcpSegment {
  readonly proto: 'tcp';
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly win: number;
  readonly data: string;
}

/* t_flags */
export const TF_ACKNOW = 0x0001;
export const TF_SENTFIN = 0x0010;

export class Tcpcb {
  t_state: TcpState = 'CLOSED';
  t_flags = 0;
  t_maxseg = TCP_LOOPBACK_MSS;
  /** The local and foreign ports (inp_lport, inp_fport); 0 while unbound or unconnected. */
  lport = 0;
  fport = 0;
  iss = 0;
  snd_una = 0;
  snd_nxt = 0;
  snd_wnd = 0;
  irs = 0;
  rcv_nxt = 0;
  /** The right edge of the window last offered. */
  rcv_adv = 0;
  /** Bytes of data the peer has acknowledged so far (they have left so_snd). */
  acked_data = 0;

  constructor(readonly t_socket: Socket) {}

  /** The sequence number of the first byte still in so_snd (after the SYN). */
  get snd_base(): number {
    return this.iss + 1 + this.acked_data;
  }
}

/** A SYN a listener has answered, waiting for the ACK that completes it (the syn cache). */
export interface SynCacheEntry {
  readonly head: Socket;
  readonly irs: number;
  readonly iss: number;
  /** The window offered in the SYN|ACK. */
  readonly win: number;
}

export interface TcbTable {
  /** Connections, by `${lport}:${fport}`. */
  readonly conns: Map<string, Tcpcb>;
  /** Half-open connections of listeners, by `${lport}:${fport}` (syn_cache_add/get). */
  readonly syncache: Map<string, SynCacheEntry>;
  /** Listening sockets, by port. */
  readonly listeners: Map<number, Socket>;
  /** Ports taken by a bound socket (listening, connecting or connected). */
  readonly bound: Set<number>;
  next_anon: number;
  /** Initial send sequence numbers, each connection 64000 past the last (deterministic). */
  next_iss: number;
}

const TABLES = new WeakMap<Kernel, TcbTable>();

export function tcbtable(k: Kernel): TcbTable {
  let t = TABLES.get(k);
  if (!t) {
    t = { conns: new Map(), syncache: new Map(), listeners: new Map(), bound: new Set(), next_anon: IPPORT_ANONMIN, next_iss: 1000 };
    TABLES.set(k, t);
  }
  return t;
}

export function conn_key(lport: number, fport: number): string {
  return `${lport}:${fport}`;
}

export function tcp_rcvwin(tp: Tcpcb): number {
  const sb = tp.t_socket.so_rcv;
  const room = Math.max(0, sb.sb_hiwat - sb.sb_cc);
  return Math.min(TCP_MAXWIN, Math.max(room, tp.rcv_adv - tp.rcv_nxt, 0));
}
