/*
 * uipc_socket.c, uipc_socket2.c and uipc_usrreq.c: sockets as far as kqueue sees them. A
 * socket has a receive and a send buffer; each buffer's selinfo klist carries the knotes
 * of EVFILT_READ and EVFILT_WRITE. Protocol input calls sorwakeup, which posts that klist:
 * for UDP and TCP that happens in softnet (IPL_SOFTNET), for a local (AF_LOCAL) stream in
 * the writer's syscall. Each socket has a protocol (struct protosw: udp_protosw in
 * netinet.ts, tcp_protosw in tcp_usrreq.ts, unp_protosw here) that does the rest.
 *
 *   soalloc(k, pr), socreate(k, pr)   a socket (and a file for it)
 *   soreceive(k, so, n, nonblock)     take data from so_rcv (PRU_RCVD tells the protocol)
 *   sosend(k, so, data, nonblock)     wait for room as sosend does (resid > space and space
 *                                     below the low-water mark), then PRU_SEND
 *   soclose(k, so)                    abort unaccepted connections, then PRU_DETACH
 *   pr_usrreq(k, where, body)          a protocol request, made at splsoftnet as the socket
 *                                     layer makes them, so protocol input (softnet) cannot
 *                                     run in the middle of one
 *   sorwakeup, sowwakeup              wake sleepers and post the buffer's klist
 *   soisconnecting, soisconnected, soisdisconnecting, soisdisconnected
 *   socantrcvmore, socantsendmore, sonewconn, soqinsque
 *   sbappend, sbdrop, sbreserve
 *   soo_read, soo_write, soo_close, soo_kqfilter   the socket fileops
 *   filt_soread, filt_solisten, filt_sowrite, filt_soempty (modern EVFILT_EMPTY)
 *   sys_socketpair(k)                 two connected AF_LOCAL stream sockets
 */
import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { splsoftnet, splx } from '../machine/spl.ts';
import { EAGAIN, EMFILE, ENOTCONN, ENOTTY, EPIPE } from './errno.ts';
import { EV_EOF, EVFILT_EMPTY, EVFILT_READ, EVFILT_WRITE, NOTE_LOWAT } from './event_h.ts';
import { fd_avail, fdalloc, file_create } from './kern_descrip.ts';
import { type Filterops, type Knote, knote, kqfilter_unsupported } from './kern_event.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import type { File, Fileops, WaitChannel } from './proc.ts';

/* so_state */
export const SS_NOFDREF = 0x001;
export const SS_ISCONNECTED = 0x002;
export const SS_ISCONNECTING = 0x004;
export const SS_ISDISCONNECTING = 0x008;
export const SS_CANTSENDMORE = 0x010;
export const SS_CANTRCVMORE = 0x020;

/* so_options (sys/socket.h) */
export const SO_ACCEPTCONN = 0x0002;
export const SO_LINGER = 0x0080;

/* pr_flags */
export const PR_ATOMIC = 0x01;
export const PR_CONNREQUIRED = 0x04;

/** Buffer sizes: udp_recvspace / udp_sendspace, and PIPSIZ for local stream sockets. */
export const UDP_RECVSPACE = 40 * (1024 + 16);
export const UDP_SENDSPACE = 9216;
export const LOCAL_STREAM_SPACE = 4096;
/** The send low-water mark soreserve sets (MCLBYTES), at most the buffer's size. */
const SEND_LOWAT = 2048;

export class Sockbuf implements WaitChannel {
  /** Data records (datagrams keep their boundaries; a stream is appended to one string). */
  records: string[] = [];
  sb_cc = 0;
  sb_sel: Knote[] = [];
  sb_wait = false;

  constructor(
    public sb_hiwat: number,
    public sb_lowat: number,
    readonly chanName: string,
  ) {}

  /** sbspace: room left, which may be negative after the buffer shrank (0 here). */
  space(): number {
    return Math.max(0, this.sb_hiwat - this.sb_cc);
  }
}

/** struct protosw: what a protocol does for the socket layer. */
export interface Protosw {
  readonly pr_name: 'udp' | 'tcp' | 'local';
  readonly pr_flags: number;
  readonly pr_sendspace: number;
  readonly pr_recvspace: number;
  /** PRU_SEND: `data`, which fits, leaves the socket. */
  pru_send(k: Kernel, so: Socket, data: string): KGen;
  /** PRU_RCVD: the reader took data from so_rcv. */
  pru_rcvd(k: Kernel, so: Socket): KGen;
  /** PRU_SHUTDOWN: no more sends (after socantsendmore). */
  pru_shutdown(k: Kernel, so: Socket): KGen;
  /** PRU_ABORT: an unaccepted connection of a closing listener. */
  pru_abort(k: Kernel, so: Socket): KGen;
  /** PRU_DETACH: the last reference is gone (soclose, after any disconnect). */
  pru_detach(k: Kernel, so: Socket): KGen;
  /** The room sosend and the write filter see in so_snd. */
  pr_sendspace_of(so: Socket): number;
}

export type SocketType = 'dgram' | 'stream';

export class Socket {
  so_state = 0;
  so_options = 0;
  /** SO_LINGER's time, in seconds (0 with SO_LINGER: close resets the connection). */
  so_linger = 0;
  so_error = 0;
  /** UDP: the bound port; 0 when unbound. */
  so_port = 0;
  /** Local stream sockets: the connected peer. */
  so_peer: Socket | null = null;
  /** A listening socket's completed connections, oldest first (so_q), and its backlog. */
  so_q: Socket[] = [];
  so_qlimit = 0;
  /** The listening socket a queued connection belongs to. */
  so_head: Socket | null = null;
  /** The protocol control block (a tcpcb), or null. */
  so_pcb: unknown = null;
  /** Where accept and connect sleep (so_timeo). */
  readonly so_timeo: WaitChannel;
  readonly so_rcv: Sockbuf;
  readonly so_snd: Sockbuf;

  constructor(
    readonly serial: number,
    readonly so_proto: Protosw,
  ) {
    this.so_rcv = new Sockbuf(so_proto.pr_recvspace, 1, `so ${serial} rcv`);
    this.so_snd = new Sockbuf(so_proto.pr_sendspace, Math.min(SEND_LOWAT, so_proto.pr_sendspace), `so ${serial} snd`);
    this.so_timeo = { chanName: `so ${serial} timeo` };
  }

  get so_type(): SocketType {
    return this.so_proto.pr_name === 'udp' ? 'dgram' : 'stream';
  }
}

export function socket_of(fp: File): Socket {
  return fp.f_data as Socket;
}

/* ---------------------------------------------------------------- buffers and states */

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
  sbappendstream(sb, data, stream);
  return true;
}

/** Append without checking room (TCP appends what arrived inside the window it offered). */
export function sbappendstream(sb: Sockbuf, data: string, stream = true): void {
  if (data.length === 0) return;
  if (stream && sb.records.length > 0) sb.records[sb.records.length - 1] += data;
  else sb.records.push(data);
  sb.sb_cc += data.length;
}

/** Drop the first n bytes of a stream buffer (acknowledged data leaving so_snd). */
export function sbdrop(sb: Sockbuf, n: number): void {
  const head = sb.records[0] ?? '';
  const rest = head.slice(n);
  sb.records = rest ? [rest] : [];
  sb.sb_cc = rest.length;
}

/** sbreserve (SO_SNDBUF, SO_RCVBUF): a new high-water mark, the low one kept below it. */
export function sbreserve(sb: Sockbuf, cc: number): void {
  sb.sb_hiwat = cc;
  if (sb.sb_lowat > cc) sb.sb_lowat = cc;
}

export function* socantrcvmore(k: Kernel, so: Socket): KGen {
  so.so_state |= SS_CANTRCVMORE;
  yield* sorwakeup(k, so);
}

export function* socantsendmore(k: Kernel, so: Socket): KGen {
  so.so_state |= SS_CANTSENDMORE;
  yield* sowwakeup(k, so);
}

export function soisconnecting(so: Socket): void {
  so.so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTING);
  so.so_state |= SS_ISCONNECTING;
}

/*
 * soisconnected: a queued connection moves to its listener's so_q (the listener's readers
 * and knotes hear of it); any other socket wakes its connect(2) and its writers.
 */
export function* soisconnected(k: Kernel, so: Socket): KGen {
  so.so_state &= ~(SS_ISCONNECTING | SS_ISDISCONNECTING);
  so.so_state |= SS_ISCONNECTED;
  k.m.touch('chan', so.so_rcv.chanName);
  const head = so.so_head;
  if (head && !head.so_q.includes(so)) {
    head.so_q.push(so);
    wakeup(k, head.so_timeo);
    yield* sorwakeup(k, head);
    return;
  }
  wakeup(k, so.so_timeo);
  yield* sorwakeup(k, so);
  yield* sowwakeup(k, so);
}

export function* soisdisconnecting(k: Kernel, so: Socket): KGen {
  so.so_state &= ~SS_ISCONNECTING;
  so.so_state |= SS_ISDISCONNECTING | SS_CANTRCVMORE | SS_CANTSENDMORE;
  wakeup(k, so.so_timeo);
  yield* sowwakeup(k, so);
  yield* sorwakeup(k, so);
}

export function* soisdisconnected(k: Kernel, so: Socket): KGen {
  so.so_state &= ~(SS_ISCONNECTING | SS_ISCONNECTED | SS_ISDISCONNECTING);
  so.so_state |= SS_CANTRCVMORE | SS_CANTSENDMORE;
  wakeup(k, so.so_timeo);
  yield* sowwakeup(k, so);
  yield* sorwakeup(k, so);
}

/** A socket with no file (fifofs's pair, a connection a listener has not handed out yet). */
export function soalloc(k: Kernel, pr: Protosw): Socket {
  return new Socket(k.file_serial++, pr);
}

/*
 * sonewconn: a connection for listening socket `head`, with its protocol and options, or
 * null when the backlog is full (more than 3/2 of the listen queue limit, as the source
 * allows). It joins head's so_q once soisconnected says so.
 */
export function sonewconn(k: Kernel, head: Socket, pending: number): Socket | null {
  if (head.so_q.length + pending > (3 * head.so_qlimit) / 2) return null;
  const so = soalloc(k, head.so_proto);
  so.so_options = head.so_options & ~SO_ACCEPTCONN;
  so.so_linger = head.so_linger;
  so.so_head = head;
  sbreserve(so.so_rcv, head.so_rcv.sb_hiwat);
  sbreserve(so.so_snd, head.so_snd.sb_hiwat);
  return so;
}

/* ---------------------------------------------------------------- soreceive, sosend, soclose */

export function* pr_usrreq<T>(k: Kernel, where: string, body: () => KGen<T>): KGen<T> {
  const s = splsoftnet(k.m);
  const r = yield* body();
  yield* splx(k.m, s, where);
  return r;
}

export function* soreceive(k: Kernel, so: Socket, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  const sb = so.so_rcv;
  for (;;) {
    k.m.touch('chan', so.so_rcv.chanName);
    if (sb.sb_cc > 0) {
      const cc = sb.sb_cc;
      if (k.build.has('mutant-soreceive-nospl')) {
        // Outside splsoftnet: udp_input may append between this read of sb_cc and its update.
        yield 'soreceive:sb_cc-read';
        k.m.touch('chan', so.so_rcv.chanName);
      }
      const head = sb.records[0] as string;
      const data = head.slice(0, nbytes);
      // A datagram is consumed whole even if the reader asked for less.
      const rest = so.so_type === 'stream' ? head.slice(data.length) : '';
      if (rest) sb.records[0] = rest;
      else sb.records.shift();
      sb.sb_cc = cc - (head.length - rest.length);
      yield 'soreceive:copied';
      yield* pr_usrreq(k, 'soreceive:splx', () => so.so_proto.pru_rcvd(k, so));
      return { error: 0, data };
    }
    if (so.so_error) {
      const error = so.so_error;
      so.so_error = 0;
      return { error, data: '' };
    }
    if (so.so_state & SS_CANTRCVMORE) return { error: 0, data: '' };
    if ((so.so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) === 0 && so.so_proto.pr_flags & PR_CONNREQUIRED) return { error: ENOTCONN, data: '' };
    if (nonblock) return { error: EAGAIN, data: '' };
    sb.sb_wait = true;
    if (k.build.has('mutant-sbwait-unlocked')) {
      // sbwait without splsoftnet: sorwakeup can run between here and the sleep.
      yield 'soreceive:sbwait';
      k.m.touch('chan', so.so_rcv.chanName);
    }
    const error = yield* ltsleep(k, sb, true, 'netio', 0);
    if (error) return { error, data: '' };
  }
}

export function* sosend(k: Kernel, so: Socket, data: string, nonblock: boolean): KGen<{ error: number; written: number }> {
  if (so.so_type === 'dgram') return { error: ENOTCONN, written: 0 };
  let written = 0;
  while (written < data.length) {
    k.m.touch('chan', so.so_rcv.chanName);
    // EPIPE: the generic write path (dofilewrite) posts SIGPIPE.
    if (so.so_state & SS_CANTSENDMORE) return { error: EPIPE, written };
    if (so.so_error) {
      const error = so.so_error;
      so.so_error = 0;
      return { error, written };
    }
    if ((so.so_state & SS_ISCONNECTED) === 0) return { error: ENOTCONN, written };
    const resid = data.length - written;
    const space = so.so_proto.pr_sendspace_of(so);
    const atomic = (so.so_proto.pr_flags & PR_ATOMIC) !== 0;
    if (space < resid && (atomic || space < so.so_snd.sb_lowat)) {
      if (nonblock) return { error: EAGAIN, written };
      so.so_snd.sb_wait = true;
      const error = yield* ltsleep(k, so.so_snd, true, 'sbwait', 0);
      if (error) return { error, written };
      continue;
    }
    const n = Math.min(space, resid);
    yield 'sosend:copied';
    const chunk = data.slice(written, written + n);
    yield* pr_usrreq(k, 'sosend:splx', () => so.so_proto.pru_send(k, so, chunk));
    written += n;
  }
  return { error: 0, written };
}

/* soclose: a listener aborts the connections nobody accepted; then the protocol detaches. */
export function* soclose(k: Kernel, so: Socket): KGen<number> {
  k.m.touch('chan', so.so_rcv.chanName);
  so.so_state |= SS_NOFDREF;
  yield* pr_usrreq(k, 'soclose:splx', () => soclose_detach(k, so));
  return 0;
}

/* soclose's protocol part, at splsoftnet (a named generator: see libc.ts on generators made per call). */
function* soclose_detach(k: Kernel, so: Socket): KGen {
  if (so.so_options & SO_ACCEPTCONN) {
    for (const q of so.so_q.splice(0)) yield* q.so_proto.pru_abort(k, q);
  }
  yield* so.so_proto.pru_detach(k, so);
}

/* ---------------------------------------------------------------- the local (AF_LOCAL) stream */

/*
 * uipc_usrreq's stream: PRU_SEND appends straight to the peer's receive buffer, and the
 * room a writer sees is the peer's (the source keeps so_snd's accounting in step with it).
 */
export const unp_protosw: Protosw = {
  pr_name: 'local',
  pr_flags: PR_CONNREQUIRED,
  pr_sendspace: LOCAL_STREAM_SPACE,
  pr_recvspace: LOCAL_STREAM_SPACE,
  *pru_send(k, so, data) {
    const peer = so.so_peer as Socket;
    sbappendstream(peer.so_rcv, data);
    yield* sorwakeup(k, peer);
  },
  *pru_rcvd(k, so) {
    if (so.so_peer) yield* sowwakeup(k, so.so_peer);
  },
  *pru_shutdown(k, so) {
    if (so.so_peer) yield* socantrcvmore(k, so.so_peer);
  },
  *pru_abort() {},
  *pru_detach(k, so) {
    const peer = so.so_peer;
    if (peer) {
      peer.so_peer = null;
      yield* socantrcvmore(k, peer);
      yield* socantsendmore(k, peer);
    }
    so.so_peer = null;
  },
  pr_sendspace_of(so) {
    return so.so_peer ? so.so_peer.so_rcv.space() : so.so_snd.space();
  },
};

/** unp_connect2: join two local stream sockets. */
export function unp_connect2(a: Socket, b: Socket): void {
  a.so_peer = b;
  b.so_peer = a;
  a.so_state |= SS_ISCONNECTED;
  b.so_state |= SS_ISCONNECTED;
}

/* ---------------------------------------------------------------- filters */

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

/* EVFILT_READ on a listening socket: the completed connections waiting for accept. */
function* filt_solisten(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = socket_of(kn.kn_fp as File);
  kn.kn_kevent.data = so.so_q.length;
  return kn.kn_kevent.data > 0;
}

function filt_sowdetach(_k: Kernel, kn: Knote): void {
  const sb = socket_of(kn.kn_fp as File).so_snd;
  sb.sb_sel.splice(sb.sb_sel.indexOf(kn), 1);
}

function* filt_sowrite(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = socket_of(kn.kn_fp as File);
  kn.kn_kevent.data = so.so_proto.pr_sendspace_of(so);
  if (so.so_state & SS_CANTSENDMORE) {
    kn.kn_kevent.flags |= EV_EOF;
    kn.kn_kevent.fflags = so.so_error;
    return true;
  }
  if (so.so_error) return true;
  if ((so.so_state & SS_ISCONNECTED) === 0 && so.so_proto.pr_flags & PR_CONNREQUIRED) return false;
  if (kn.kn_sfflags & NOTE_LOWAT) return kn.kn_kevent.data >= kn.kn_sdata;
  return kn.kn_kevent.data >= so.so_snd.sb_lowat;
}

/* Modern EVFILT_EMPTY: true once nothing is left in the send buffer (all data acknowledged). */
function* filt_soempty(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = socket_of(kn.kn_fp as File);
  kn.kn_kevent.data = so.so_snd.sb_cc;
  return kn.kn_kevent.data === 0;
}

const soread_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_sordetach, f_event: filt_soread };
const solisten_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_sordetach, f_event: filt_solisten };
const sowrite_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_sowdetach, f_event: filt_sowrite };
const soempty_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_sowdetach, f_event: filt_soempty };

function soo_kqfilter(k: Kernel, fp: File, kn: Knote): number {
  const so = socket_of(fp);
  let sb: Sockbuf;
  switch (kn.kn_kevent.filter) {
    case EVFILT_READ:
      kn.kn_fop = so.so_options & SO_ACCEPTCONN ? solisten_filtops : soread_filtops;
      sb = so.so_rcv;
      break;
    case EVFILT_WRITE:
      kn.kn_fop = sowrite_filtops;
      sb = so.so_snd;
      break;
    case EVFILT_EMPTY:
      if (!kern_version_at_least(k.build, 'netbsd-modern')) return kqfilter_unsupported(k);
      kn.kn_fop = soempty_filtops;
      sb = so.so_snd;
      break;
    default:
      return kqfilter_unsupported(k);
  }
  sb.sb_sel.unshift(kn);
  return 0;
}

/* ---------------------------------------------------------------- fileops */

function soo_read(k: Kernel, fp: File, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  return soreceive(k, socket_of(fp), nbytes, nonblock);
}

function soo_write(k: Kernel, fp: File, data: string, nonblock: boolean): KGen<{ error: number; written: number }> {
  return sosend(k, socket_of(fp), data, nonblock);
}

function soo_close(k: Kernel, fp: File): KGen<number> {
  return soclose(k, socket_of(fp));
}

export const socketops: Fileops = {
  fo_read: soo_read,
  fo_write: soo_write,
  fo_kqfilter: soo_kqfilter,
  *fo_ioctl() {
    return ENOTTY;
  },
  fo_close: soo_close,
};

export function socreate(k: Kernel, pr: Protosw): { so: Socket; fp: File } {
  const so = new Socket(k.file_serial, pr);
  const fp = file_create(k, 'socket', socketops, so, `socket ${so.serial}`);
  return { so, fp };
}

export function* sys_socketpair(k: Kernel): KGen<{ error: number; fds: number[] }> {
  if (!fd_avail(curlwp(k).l_proc, 2)) return { error: EMFILE, fds: [] };
  const p = curlwp(k).l_proc;
  const a = socreate(k, unp_protosw);
  const b = socreate(k, unp_protosw);
  unp_connect2(a.so, b.so);
  const fds = [fdalloc(p, a.fp), fdalloc(p, b.fp)];
  yield 'sys_socketpair:done';
  return { error: 0, fds };
}
