/*
 * tcp_output.c, for TCP over loopback: what a connection sends. Every segment goes out
 * through ip_output_loopback (netinet.ts): onto ipintrq at splnet, with softnet scheduled,
 * so it arrives in tcp_input from softnet.
 *
 *   tcp_output(k, tp)   send what the state and the window allow: the SYN of a connect;
 *                       data, at most a segment at a time and no more than the peer's window;
 *                       the FIN once the user has closed and all data is out; an ACK when
 *                       one is owed (TF_ACKNOW) or a window update is worth sending
 *   tcp_send(k, seg)    put one segment on the wire, saying so in the trace
 * Simplified (README, fidelity notes): no retransmission (loopback loses nothing), no
 * Nagle or silly-window avoidance (data goes as soon as the window allows), every data
 * segment is acknowledged at once, and the receiver offers a window update as soon as a
 * zero window opens, standing in for the sender's persist timer.
 */
import type { KGen } from '../machine/machine.ts';
import type { Kernel } from './kernel.ts';
import { ip_output_loopback } from './netinet.ts';
import { TCPS_HAVEESTABLISHED, type Tcpcb, type TcpSegment, TF_ACKNOW, TF_SENTFIN, TH_ACK, TH_FIN, TH_RST, TH_SYN, tcp_rcvwin } from './tcp_var.ts';

function flags_of(flags: number): string {
  const names = [
    [TH_SYN, 'SYN'],
    [TH_FIN, 'FIN'],
    [TH_RST, 'RST'],
    [TH_ACK, 'ACK'],
  ] as const;
  return names
    .filter(([bit]) => flags & bit)
    .map(([, n]) => n)
    .join('|');
}

/* Put a segment on the wire (loopback), saying so in the trace. */
export function* tcp_send(k: Kernel, seg: TcpSegment): KGen {
  k.bus.emit('log', {
    text: `tcp_output: ${flags_of(seg.flags)} ${seg.sport} > ${seg.dport} seq ${seg.seq} ack ${seg.ack} win ${seg.win} len ${seg.data.length}`,
  });
  yield* ip_output_loopback(k, seg);
}

/** Whether offering the window now is worth a segment (tcp_output's window update rule). */
function window_update_due(tp: Tcpcb): boolean {
  const offered = tp.rcv_adv - tp.rcv_nxt;
  const adv = tcp_rcvwin(tp) - offered;
  if (adv <= 0) return false;
  // XXX no persist timer: a zero window that opens is offered again at once.
  return offered === 0 || adv >= 2 * tp.t_maxseg || 2 * adv >= tp.t_socket.so_rcv.sb_hiwat;
}

/* The next segment this connection should send, with the control block updated, or null. */
function tcp_nextseg(tp: Tcpcb): TcpSegment | null {
  const so = tp.t_socket;
  const base = { proto: 'tcp' as const, sport: tp.lport, dport: tp.fport };
  if (tp.t_state === 'SYN_SENT') {
    if (tp.snd_nxt !== tp.iss) return null;
    tp.snd_nxt = tp.iss + 1;
    return { ...base, seq: tp.iss, ack: 0, flags: TH_SYN, win: tcp_rcvwin(tp), data: '' };
  }
  if (!TCPS_HAVEESTABLISHED(tp.t_state)) return null;
  const sb = so.so_snd;
  const text = sb.records[0] ?? '';
  const off = Math.min(tp.snd_nxt - tp.snd_base, sb.sb_cc);
  const usable = Math.max(0, tp.snd_una + tp.snd_wnd - tp.snd_nxt);
  const len = tp.t_flags & TF_SENTFIN ? 0 : Math.min(sb.sb_cc - off, usable, tp.t_maxseg);
  const closing = tp.t_state === 'FIN_WAIT_1' || tp.t_state === 'CLOSING' || tp.t_state === 'LAST_ACK';
  const fin = closing && (tp.t_flags & TF_SENTFIN) === 0 && off + len === sb.sb_cc;
  if (len === 0 && !fin && (tp.t_flags & TF_ACKNOW) === 0 && !window_update_due(tp)) return null;
  const win = tcp_rcvwin(tp);
  const seg = { ...base, seq: tp.snd_nxt, ack: tp.rcv_nxt, flags: TH_ACK | (fin ? TH_FIN : 0), win, data: text.slice(off, off + len) };
  tp.snd_nxt += len + (fin ? 1 : 0);
  if (fin) tp.t_flags |= TF_SENTFIN;
  tp.t_flags &= ~TF_ACKNOW;
  tp.rcv_adv = tp.rcv_nxt + win;
  return seg;
}

/** At most this many segments per call; the windows bound it long before. */
const TCP_OUTPUT_SEGMENTS_MAX = 64;

export function* tcp_output(k: Kernel, tp: Tcpcb): KGen {
  for (let n = 0; n < TCP_OUTPUT_SEGMENTS_MAX; n++) {
    k.m.touch('chan', tp.t_socket.so_rcv.chanName);
    const seg = tcp_nextseg(tp);
    if (!seg) return;
    yield* tcp_send(k, seg);
  }
}
