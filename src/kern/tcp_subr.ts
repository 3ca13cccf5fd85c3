/*
 * tcp_subr.c: how a TCP connection ends, and the segment sent for no connection.
 *
 *   tcp_respond(k, sport, dport, seq, ack, flags, win)   a bare segment (the RST that answers
 *                       a segment for a port nobody listens on, or for a closed connection)
 *   tcp_close(k, tp)    the connection is gone: off the table, the socket disconnected
 *   tcp_drop(k, tp, e)  abort: an RST to the peer if it was synchronized, so_error = e
 */
import type { KGen } from '../machine/machine.ts';
import type { Kernel } from './kernel.ts';
import { tcp_send } from './tcp_output.ts';
import { conn_key, TCPS_HAVEESTABLISHED, type Tcpcb, TH_ACK, TH_RST, tcbtable } from './tcp_var.ts';
import { soisdisconnected } from './uipc_socket.ts';

export function* tcp_respond(k: Kernel, sport: number, dport: number, seq: number, ack: number, flags: number, win: number): KGen {
  yield* tcp_send(k, { proto: 'tcp', sport, dport, seq, ack, flags, win, data: '' });
}

export function* tcp_close(k: Kernel, tp: Tcpcb): KGen {
  const so = tp.t_socket;
  const tb = tcbtable(k);
  k.m.touch('chan', so.so_rcv.chanName);
  tp.t_state = 'CLOSED';
  if (tb.conns.get(conn_key(tp.lport, tp.fport)) === tp) tb.conns.delete(conn_key(tp.lport, tp.fport));
  if (so.so_port) tb.bound.delete(so.so_port);
  so.so_port = 0;
  so.so_pcb = null;
  yield* soisdisconnected(k, so);
}

export function* tcp_drop(k: Kernel, tp: Tcpcb, errno: number): KGen {
  if (TCPS_HAVEESTABLISHED(tp.t_state)) yield* tcp_respond(k, tp.lport, tp.fport, tp.snd_nxt, tp.rcv_nxt, TH_RST | TH_ACK, 0);
  tp.t_socket.so_error = errno;
  yield* tcp_close(k, tp);
}
