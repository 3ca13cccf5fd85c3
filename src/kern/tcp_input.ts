/*
 * tcp_input.c, for TCP over loopback: a segment arriving in softnet (IPL_SOFTNET), from
 * ipintr. NetBSD answers a SYN from its syn cache and makes the socket only when the
 * handshake's last ACK arrives (syn_cache_get -> sonewconn, already connected), so a
 * listener's queue holds only completed connections.
 *
 *   tcp_input(k, seg)     find the connection, else the listener, else answer with RST
 *   syn_cache_add         a SYN for a listener: remember it, answer SYN|ACK (an RST when the
 *                         listen queue is full: kqsim does not retransmit, so a dropped SYN
 *                         would hang the connect where NetBSD's would be retried)
 *   syn_cache_get         the ACK that completes it: sonewconn, ESTABLISHED, soisconnected
 *                         (the listener's readers and knotes hear of it)
 *   tcp_established       the state machine of a connection: RST (ECONNREFUSED while
 *                         connecting, ECONNRESET once connected), the SYN|ACK, ACKs (data
 *                         leaves so_snd; the writer and EVFILT_WRITE/EVFILT_EMPTY hear of it),
 *                         data into so_rcv, the FIN (socantrcvmore: EV_EOF)
 * TIME_WAIT lasts no time at all (the 2MSL timer is not modelled).
 */
import type { KGen } from '../machine/machine.ts';
import { ECONNREFUSED, ECONNRESET } from './errno.ts';
import type { Kernel } from './kernel.ts';
import { tcp_output } from './tcp_output.ts';
import { tcp_close, tcp_drop, tcp_respond } from './tcp_subr.ts';
import {
  conn_key,
  type SynCacheEntry,
  TCP_MAXWIN,
  TCPS_HAVEESTABLISHED,
  Tcpcb,
  type TcpSegment,
  TF_ACKNOW,
  TF_SENTFIN,
  TH_ACK,
  TH_FIN,
  TH_RST,
  TH_SYN,
  tcbtable,
} from './tcp_var.ts';
import { type Socket, SS_NOFDREF, sbappendstream, sbdrop, socantrcvmore, soisconnected, sonewconn, sorwakeup, sowwakeup } from './uipc_socket.ts';

/* dropwithreset: answer a segment nobody takes with an RST (never an RST with an RST). */
function* tcp_reset(k: Kernel, seg: TcpSegment): KGen {
  if (seg.flags & TH_RST) return;
  const seglen = seg.data.length + (seg.flags & TH_SYN ? 1 : 0) + (seg.flags & TH_FIN ? 1 : 0);
  if (seg.flags & TH_ACK) yield* tcp_respond(k, seg.dport, seg.sport, seg.ack, 0, TH_RST, 0);
  else yield* tcp_respond(k, seg.dport, seg.sport, 0, seg.seq + seglen, TH_RST | TH_ACK, 0);
}

export function* tcp_input(k: Kernel, seg: TcpSegment): KGen {
  const tb = tcbtable(k);
  const tp = tb.conns.get(conn_key(seg.dport, seg.sport));
  if (tp) return yield* tcp_established(k, tp, seg);
  const head = tb.listeners.get(seg.dport);
  if (head) return yield* tcp_listen_input(k, head, seg);
  yield* tcp_reset(k, seg);
}

/** Half-open connections a listener has in the syn cache. */
function syn_pending(k: Kernel, head: Socket): number {
  let n = 0;
  for (const sc of tcbtable(k).syncache.values()) if (sc.head === head) n++;
  return n;
}

function* tcp_listen_input(k: Kernel, head: Socket, seg: TcpSegment): KGen {
  const tb = tcbtable(k);
  const key = conn_key(seg.dport, seg.sport);
  k.m.touch('chan', head.so_rcv.chanName);
  if (seg.flags & TH_RST) {
    tb.syncache.delete(key);
    return;
  }
  const sc = tb.syncache.get(key);
  if (seg.flags & TH_SYN && (seg.flags & TH_ACK) === 0) return yield* syn_cache_add(k, head, seg, sc);
  if (seg.flags & TH_ACK && sc && seg.ack === sc.iss + 1) return yield* syn_cache_get(k, sc, seg);
  yield* tcp_reset(k, seg);
}

function* syn_cache_add(k: Kernel, head: Socket, seg: TcpSegment, dup: SynCacheEntry | undefined): KGen {
  const tb = tcbtable(k);
  let sc = dup;
  if (!sc) {
    if (head.so_q.length + syn_pending(k, head) >= (3 * head.so_qlimit) / 2 || head.so_qlimit === 0) return yield* tcp_reset(k, seg);
    sc = { head, irs: seg.seq, iss: tb.next_iss, win: Math.min(TCP_MAXWIN, head.so_rcv.sb_hiwat) };
    tb.next_iss += 64000;
    tb.syncache.set(conn_key(seg.dport, seg.sport), sc);
  }
  yield* tcp_respond(k, seg.dport, seg.sport, sc.iss, sc.irs + 1, TH_SYN | TH_ACK, sc.win);
}

function* syn_cache_get(k: Kernel, sc: SynCacheEntry, seg: TcpSegment): KGen {
  const tb = tcbtable(k);
  tb.syncache.delete(conn_key(seg.dport, seg.sport));
  const so = sonewconn(k, sc.head, 0);
  if (!so) return yield* tcp_reset(k, seg);
  const tp = new Tcpcb(so);
  so.so_pcb = tp;
  tp.lport = seg.dport;
  tp.fport = seg.sport;
  tp.iss = sc.iss;
  tp.snd_una = tp.snd_nxt = sc.iss + 1;
  tp.snd_wnd = seg.win;
  tp.irs = sc.irs;
  tp.rcv_nxt = sc.irs + 1;
  tp.rcv_adv = tp.rcv_nxt + sc.win;
  tp.t_state = 'ESTABLISHED';
  tb.conns.set(conn_key(tp.lport, tp.fport), tp);
  yield* soisconnected(k, so);
  // The ACK may carry data (or a FIN) already.
  yield* tcp_established(k, tp, seg);
}

function* tcp_established(k: Kernel, tp: Tcpcb, seg: TcpSegment): KGen {
  const so = tp.t_socket;
  k.m.touch('chan', so.so_rcv.chanName);
  if (seg.flags & TH_RST) {
    if (tp.t_state === 'SYN_SENT') {
      if (seg.flags & TH_ACK && seg.ack === tp.iss + 1) yield* tcp_drop(k, tp, ECONNREFUSED);
      return;
    }
    const connected = tp.t_state === 'ESTABLISHED' || tp.t_state === 'FIN_WAIT_1' || tp.t_state === 'FIN_WAIT_2' || tp.t_state === 'CLOSE_WAIT';
    if (connected) so.so_error = ECONNRESET;
    return yield* tcp_close(k, tp);
  }
  if (tp.t_state === 'SYN_SENT') {
    if ((seg.flags & (TH_SYN | TH_ACK)) !== (TH_SYN | TH_ACK) || seg.ack !== tp.iss + 1) {
      if (seg.flags & TH_ACK) yield* tcp_reset(k, seg);
      return;
    }
    tp.irs = seg.seq;
    tp.rcv_nxt = seg.seq + 1;
    tp.snd_una = seg.ack;
    tp.snd_wnd = seg.win;
    tp.t_state = 'ESTABLISHED';
    tp.t_flags |= TF_ACKNOW;
    yield* soisconnected(k, so);
    return yield* tcp_output(k, tp);
  }
  if (seg.flags & TH_SYN) {
    // A duplicate SYN|ACK (our ACK was lost, which loopback never does): acknowledge again.
    tp.t_flags |= TF_ACKNOW;
    return yield* tcp_output(k, tp);
  }
  if (seg.flags & TH_ACK && seg.ack > tp.snd_una && seg.ack <= tp.snd_nxt) {
    const finacked = (tp.t_flags & TF_SENTFIN) !== 0 && seg.ack === tp.snd_nxt;
    const dataacked = Math.min(seg.ack - tp.snd_una - (finacked ? 1 : 0), so.so_snd.sb_cc);
    sbdrop(so.so_snd, dataacked);
    tp.acked_data += dataacked;
    tp.snd_una = seg.ack;
    yield* sowwakeup(k, so);
    if (finacked) {
      if (tp.t_state === 'FIN_WAIT_1') tp.t_state = 'FIN_WAIT_2';
      else if (tp.t_state === 'CLOSING' || tp.t_state === 'LAST_ACK') return yield* tcp_close(k, tp);
    }
  }
  if (seg.flags & TH_ACK) tp.snd_wnd = seg.win;
  if (seg.data.length > 0) {
    // Data for a connection whose user has closed it: reset (tcps_rcvafterclose).
    if (so.so_state & SS_NOFDREF && tp.t_state !== 'ESTABLISHED' && tp.t_state !== 'CLOSE_WAIT') {
      yield* tcp_close(k, tp);
      return yield* tcp_reset(k, seg);
    }
    const canrecv = tp.t_state === 'ESTABLISHED' || tp.t_state === 'FIN_WAIT_1' || tp.t_state === 'FIN_WAIT_2';
    if (canrecv && seg.seq === tp.rcv_nxt) {
      sbappendstream(so.so_rcv, seg.data);
      tp.rcv_nxt += seg.data.length;
      yield* sorwakeup(k, so);
    }
    tp.t_flags |= TF_ACKNOW;
  }
  const havefin = tp.t_state === 'CLOSE_WAIT' || tp.t_state === 'CLOSING' || tp.t_state === 'LAST_ACK' || tp.t_state === 'TIME_WAIT';
  if (seg.flags & TH_FIN && !havefin && TCPS_HAVEESTABLISHED(tp.t_state) && seg.seq + seg.data.length === tp.rcv_nxt) {
    tp.rcv_nxt++;
    tp.t_flags |= TF_ACKNOW;
    yield* socantrcvmore(k, so);
    if (tp.t_state === 'ESTABLISHED') tp.t_state = 'CLOSE_WAIT';
    else if (tp.t_state === 'FIN_WAIT_1') tp.t_state = 'CLOSING';
    else if (tp.t_state === 'FIN_WAIT_2') tp.t_state = 'TIME_WAIT';
  }
  yield* tcp_output(k, tp);
  if (tp.t_state === 'TIME_WAIT') yield* tcp_close(k, tp);
}
