/*
 * uipc_socket.c / uipc_usrreq.c: sockets as far as kqueue sees them. A socket has a receive
 * and a send buffer; each buffer's selinfo klist carries the knotes of EVFILT_READ and
 * EVFILT_WRITE. Protocol input calls sorwakeup, which notifies that klist; for UDP that
 * happens in softnet (IPL_SOFTNET), for a local socketpair in the writer's syscall.
 *
 *   socreate(k, type)      a socket and its file
 *   soreceive, sosend      read/write paths (sosend hands to the protocol's pr_send)
 *   sorwakeup, sowwakeup   wake sleepers and notify the buffer's klist
 *   socantrcvmore, socantsendmore
 *   soo_kqfilter, filt_soread, filt_sowrite
 *   sys_socketpair(k)      two connected AF_LOCAL stream sockets
 */
import type { KGen } from '../machine/machine.ts';
import { EAGAIN, EMFILE, ENOTCONN, ENOTTY, EPIPE } from './errno.ts';
import { EV_EOF, EVFILT_READ, EVFILT_WRITE, NOTE_LOWAT } from './event_h.ts';
import { fd_avail, fdalloc, file_create } from './kern_descrip.ts';
import { type Filterops, type Knote, knote, kqfilter_unsupported } from './kern_event.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import type { File, Fileops, WaitChannel } from './proc.ts';

export const SS_ISCONNECTED = 0x002;
export const SS_CANTSENDMORE = 0x010;
export const SS_CANTRCVMORE = 0x020;

/** Buffer sizes: udp_recvspace / udp_sendspace, and PIPSIZ for local stream sockets. */
export const UDP_RECVSPACE = 40 * (1024 + 16);
export const UDP_SENDSPACE = 9216;
export const LOCAL_STREAM_SPACE = 4096;
/** The send low-water mark the kernel sets (MCLBYTES). */
const SEND_LOWAT = 2048;

export class Sockbuf implements WaitChannel {
  /** Data records (datagrams keep their boundaries; a stream is appended to one string). */
  records: string[] = [];
  sb_cc = 0;
  sb_sel: Knote[] = [];
  sb_wait = false;

  constructor(
    readonly sb_hiwat: number,
    readonly sb_lowat: number,
    readonly chanName: string,
  ) {}

  space(): number {
    return Math.max(0, this.sb_hiwat - this.sb_cc);
  }
}

export type SocketType = 'dgram' | 'stream';

export class Socket {
  so_state = 0;
  so_error = 0;
  /** UDP: the bound port; 0 when unbound. */
  so_port = 0;
  /** Local stream sockets: the connected peer. */
  so_peer: Socket | null = null;
  readonly so_rcv: Sockbuf;
  readonly so_snd: Sockbuf;

  constructor(
    readonly serial: number,
    readonly so_type: SocketType,
  ) {
    const [rcv, snd] = so_type === 'dgram' ? [UDP_RECVSPACE, UDP_SENDSPACE] : [LOCAL_STREAM_SPACE, LOCAL_STREAM_SPACE];
    this.so_rcv = new Sockbuf(rcv, 1, `so ${serial} rcv`);
    this.so_snd = new Sockbuf(snd, SEND_LOWAT, `so ${serial} snd`);
  }
}

export function socket_of(fp: File): Socket {
  return fp.f_data as Socket;
}

function* sowakeup(k: Kernel, sb: Sockbuf): KGen {
  if (sb.sb_wait) {
    sb.sb_wait = false;
    wakeup(k, sb);
  }
  yield* knote(k, sb.sb_sel, 0);
}

export function* sorwakeup(k: Kernel, so: Socket): KGen {
  k.m.touch('chan', so.so_rcv.chanName);
  yield* sowakeup(k, so.so_rcv);
}

export function* sowwakeup(k: Kernel, so: Socket): KGen {
  k.m.touch('chan', so.so_rcv.chanName);
  yield* sowakeup(k, so.so_snd);
}

/** Append a record to a receive buffer; false if it does not fit (the datagram is dropped). */
export function sbappend(sb: Sockbuf, data: string, stream: boolean): boolean {
  if (data.length > sb.space()) return false;
  if (stream && sb.records.length > 0) sb.records[sb.records.length - 1] += data;
  else sb.records.push(data);
  sb.sb_cc += data.length;
  return true;
}

export function* socantrcvmore(k: Kernel, so: Socket): KGen {
  so.so_state |= SS_CANTRCVMORE;
  yield* sorwakeup(k, so);
}

export function* socantsendmore(k: Kernel, so: Socket): KGen {
  so.so_state |= SS_CANTSENDMORE;
  yield* sowwakeup(k, so);
}

function* soreceive(k: Kernel, fp: File, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  const so = socket_of(fp);
  const sb = so.so_rcv;
  for (;;) {
    k.m.touch('chan', so.so_rcv.chanName);
    if (sb.sb_cc > 0) {
      const head = sb.records[0] as string;
      const data = head.slice(0, nbytes);
      // A datagram is consumed whole even if the reader asked for less.
      const rest = so.so_type === 'stream' ? head.slice(data.length) : '';
      if (rest) sb.records[0] = rest;
      else sb.records.shift();
      sb.sb_cc -= head.length - rest.length;
      yield 'soreceive:copied';
      if (so.so_peer) yield* sowwakeup(k, so.so_peer);
      return { error: 0, data };
    }
    if (so.so_state & SS_CANTRCVMORE) return { error: 0, data: '' };
    if (nonblock) return { error: EAGAIN, data: '' };
    sb.sb_wait = true;
    const error = yield* ltsleep(k, sb, true, 'netcon', 0);
    if (error) return { error, data: '' };
  }
}

function* sosend(k: Kernel, fp: File, data: string, nonblock: boolean): KGen<{ error: number; written: number }> {
  const so = socket_of(fp);
  // EPIPE: the generic write path (dofilewrite) posts SIGPIPE.
  if (so.so_state & SS_CANTSENDMORE) return { error: EPIPE, written: 0 };
  if (so.so_type === 'dgram') return { error: ENOTCONN, written: 0 };
  const peer = so.so_peer;
  if (!peer) return { error: ENOTCONN, written: 0 };
  while (peer.so_rcv.space() < Math.min(data.length, peer.so_rcv.sb_hiwat)) {
    if (nonblock) return { error: EAGAIN, written: 0 };
    so.so_snd.sb_wait = true;
    const error = yield* ltsleep(k, so.so_snd, true, 'sbwait', 0);
    if (error) return { error, written: 0 };
  }
  const n = Math.min(data.length, peer.so_rcv.space());
  sbappend(peer.so_rcv, data.slice(0, n), true);
  yield 'sosend:copied';
  yield* sorwakeup(k, peer);
  return { error: 0, written: n };
}

function* soo_close(k: Kernel, fp: File): KGen<number> {
  const so = socket_of(fp);
  k.m.touch('net');
  k.m.touch('chan', so.so_rcv.chanName);
  if (k.net.bound.get(so.so_port) === so) k.net.bound.delete(so.so_port);
  const peer = so.so_peer;
  if (peer) {
    peer.so_peer = null;
    yield* socantrcvmore(k, peer);
    yield* socantsendmore(k, peer);
  }
  so.so_peer = null;
  return 0;
}

function filt_sordetach(_k: Kernel, kn: Knote): void {
  const sb = socket_of(kn.kn_fp as File).so_rcv;
  sb.sb_sel.splice(sb.sb_sel.indexOf(kn), 1);
}

function* filt_soread(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = socket_of(kn.kn_fp as File);
  kn.kn_kevent.data = so.so_rcv.sb_cc;
  if (so.so_state & SS_CANTRCVMORE) {
    kn.kn_kevent.flags |= EV_EOF;
    kn.kn_kevent.fflags = so.so_error;
    return true;
  }
  if (so.so_error) return true;
  if (kn.kn_sfflags & NOTE_LOWAT) return kn.kn_kevent.data >= kn.kn_sdata;
  return kn.kn_kevent.data >= so.so_rcv.sb_lowat;
}

function filt_sowdetach(_k: Kernel, kn: Knote): void {
  const sb = socket_of(kn.kn_fp as File).so_snd;
  sb.sb_sel.splice(sb.sb_sel.indexOf(kn), 1);
}

function* filt_sowrite(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = socket_of(kn.kn_fp as File);
  // XXX a local stream socket's send space is its peer's receive space; the kernel
  // accounts it on so_snd, which this model does not separate.
  kn.kn_kevent.data = so.so_peer ? so.so_peer.so_rcv.space() : so.so_snd.space();
  if (so.so_state & SS_CANTSENDMORE) {
    kn.kn_kevent.flags |= EV_EOF;
    kn.kn_kevent.fflags = so.so_error;
    return true;
  }
  if (so.so_error) return true;
  if (so.so_type === 'stream' && (so.so_state & SS_ISCONNECTED) === 0) return false;
  if (kn.kn_sfflags & NOTE_LOWAT) return kn.kn_kevent.data >= kn.kn_sdata;
  return kn.kn_kevent.data >= so.so_snd.sb_lowat;
}

const soread_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_sordetach, f_event: filt_soread };
const sowrite_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_sowdetach, f_event: filt_sowrite };

function soo_kqfilter(k: Kernel, fp: File, kn: Knote): number {
  const so = socket_of(fp);
  let sb: Sockbuf;
  switch (kn.kn_kevent.filter) {
    case EVFILT_READ:
      kn.kn_fop = soread_filtops;
      sb = so.so_rcv;
      break;
    case EVFILT_WRITE:
      kn.kn_fop = sowrite_filtops;
      sb = so.so_snd;
      break;
    default:
      return kqfilter_unsupported(k);
  }
  sb.sb_sel.unshift(kn);
  return 0;
}

export const socketops: Fileops = {
  fo_read: soreceive,
  fo_write: sosend,
  fo_kqfilter: soo_kqfilter,
  *fo_ioctl() {
    return ENOTTY;
  },
  fo_close: soo_close,
};

export function socreate(k: Kernel, type: SocketType): { so: Socket; fp: File } {
  const so = new Socket(k.file_serial, type);
  const fp = file_create(k, 'socket', socketops, so, `socket ${so.serial}`);
  return { so, fp };
}

export function* sys_socketpair(k: Kernel): KGen<{ error: number; fds: number[] }> {
  if (!fd_avail(curlwp(k).l_proc, 2)) return { error: EMFILE, fds: [] };
  const p = curlwp(k).l_proc;
  const a = socreate(k, 'stream');
  const b = socreate(k, 'stream');
  a.so.so_peer = b.so;
  b.so.so_peer = a.so;
  a.so.so_state |= SS_ISCONNECTED;
  b.so.so_state |= SS_ISCONNECTED;
  const fds = [fdalloc(p, a.fp), fdalloc(p, b.fp)];
  yield 'sys_socketpair:done';
  return { error: 0, fds };
}
