/*
 * tcp_usrreq.c: what the socket layer asks of TCP (PRU_*), as tcp_protosw.
 *
 *   tcp_protosw          PRU_SEND (append to so_snd, tcp_output), PRU_RCVD (a window update
 *                        may be due), PRU_SHUTDOWN (tcp_usrclosed: the FIN follows the data),
 *                        PRU_ABORT (an unaccepted connection of a closing listener: RST),
 *                        PRU_DETACH (close: SO_LINGER with 0 resets, otherwise tcp_disconnect)
 *   tcp_bind(k, so, port)      port 0 takes an ephemeral port (EADDRINUSE if taken)
 *   tcp_listen(k, so, backlog) LISTEN, SO_ACCEPTCONN, the queue limit (at most SOMAXCONN)
 *   tcp_connect(k, so, port)   SYN_SENT, soisconnecting, the SYN goes out
 *   tcp_usrclosed, tcp_disconnect
 */
import type { KGen } from '../machine/machine.ts';
import { EADDRINUSE, ECONNABORTED, EINVAL } from './errno.ts';
import type { Kernel } from './kernel.ts';
import { tcp_output } from './tcp_output.ts';
import { tcp_close, tcp_drop } from './tcp_subr.ts';
import { conn_key, SOMAXCONN, TCP_RECVSPACE, TCP_SENDSPACE, TCPS_HAVEESTABLISHED, Tcpcb, tcbtable } from './tcp_var.ts';
import {
  PR_CONNREQUIRED,
  type Protosw,
  SO_ACCEPTCONN,
  SO_LINGER,
  type Socket,
  sbappendstream,
  soisconnecting,
  soisdisconnecting,
} from './uipc_socket.ts';

function tcpcb_of(so: Socket): Tcpcb | null {
  return so.so_pcb instanceof Tcpcb ? so.so_pcb : null;
}

/* tcp_usrclosed: the user will send no more; returns false if the connection is gone. */
function* tcp_usrclosed(k: Kernel, tp: Tcpcb): KGen<boolean> {
  switch (tp.t_state) {
    case 'CLOSED':
    case 'LISTEN':
    case 'SYN_SENT':
      yield* tcp_close(k, tp);
      return false;
    case 'SYN_RECEIVED':
    case 'ESTABLISHED':
      tp.t_state = 'FIN_WAIT_1';
      return true;
    case 'CLOSE_WAIT':
      tp.t_state = 'LAST_ACK';
      return true;
    default:
      return true;
  }
}

/* tcp_disconnect: before the handshake, just close; after it, FIN after the data. */
function* tcp_disconnect(k: Kernel, tp: Tcpcb): KGen {
  const so = tp.t_socket;
  if (!TCPS_HAVEESTABLISHED(tp.t_state)) return yield* tcp_close(k, tp);
  if (so.so_options & SO_LINGER && so.so_linger === 0) return yield* tcp_drop(k, tp, 0);
  yield* soisdisconnecting(k, so);
  so.so_rcv.records = [];
  so.so_rcv.sb_cc = 0;
  if (yield* tcp_usrclosed(k, tp)) yield* tcp_output(k, tp);
}

export const tcp_protosw: Protosw = {
  pr_name: 'tcp',
  pr_flags: PR_CONNREQUIRED,
  pr_sendspace: TCP_SENDSPACE,
  pr_recvspace: TCP_RECVSPACE,
  *pru_send(k, so, data) {
    sbappendstream(so.so_snd, data);
    const tp = tcpcb_of(so);
    if (tp) yield* tcp_output(k, tp);
  },
  *pru_rcvd(k, so) {
    const tp = tcpcb_of(so);
    if (tp) yield* tcp_output(k, tp);
  },
  *pru_shutdown(k, so) {
    const tp = tcpcb_of(so);
    if (tp && (yield* tcp_usrclosed(k, tp))) yield* tcp_output(k, tp);
  },
  *pru_abort(k, so) {
    const tp = tcpcb_of(so);
    if (tp) yield* tcp_drop(k, tp, ECONNABORTED);
  },
  *pru_detach(k, so) {
    const tb = tcbtable(k);
    if (so.so_options & SO_ACCEPTCONN) {
      tb.listeners.delete(so.so_port);
      for (const [key, sc] of [...tb.syncache]) if (sc.head === so) tb.syncache.delete(key);
      tb.bound.delete(so.so_port);
      so.so_port = 0;
      return;
    }
    const tp = tcpcb_of(so);
    if (tp) yield* tcp_disconnect(k, tp);
    else if (so.so_port) tb.bound.delete(so.so_port);
  },
  pr_sendspace_of(so) {
    return so.so_snd.space();
  },
};

export function tcp_bind(k: Kernel, so: Socket, port: number): number {
  const tb = tcbtable(k);
  if (so.so_port !== 0 || !Number.isInteger(port) || port < 0 || port > 65535) return EINVAL;
  let p = port;
  if (p === 0) {
    while (tb.bound.has(tb.next_anon)) tb.next_anon++;
    p = tb.next_anon++;
  }
  if (tb.bound.has(p)) return EADDRINUSE;
  tb.bound.add(p);
  so.so_port = p;
  return 0;
}

export function tcp_listen(k: Kernel, so: Socket, backlog: number): number {
  if (so.so_pcb) return EINVAL;
  if (so.so_port === 0) {
    const error = tcp_bind(k, so, 0);
    if (error) return error;
  }
  tcbtable(k).listeners.set(so.so_port, so);
  so.so_options |= SO_ACCEPTCONN;
  so.so_qlimit = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
  return 0;
}

export function* tcp_connect(k: Kernel, so: Socket, port: number): KGen<number> {
  const tb = tcbtable(k);
  if (so.so_port === 0) {
    const error = tcp_bind(k, so, 0);
    if (error) return error;
  }
  const tp = new Tcpcb(so);
  so.so_pcb = tp;
  tp.lport = so.so_port;
  tp.fport = port;
  tp.iss = tp.snd_una = tp.snd_nxt = tb.next_iss;
  tb.next_iss += 64000;
  tp.t_state = 'SYN_SENT';
  tb.conns.set(conn_key(tp.lport, tp.fport), tp);
  soisconnecting(so);
  yield* tcp_output(k, tp);
  return 0;
}
