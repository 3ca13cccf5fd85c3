/*
 * uipc_syscalls.c (and soshutdown, sosetopt, sogetopt of uipc_socket.c): the socket system
 * calls. Addresses are reduced to a port on the loopback address; AF_INET with SOCK_STREAM
 * is TCP, with SOCK_DGRAM UDP.
 *
 *   sys_socket(k, domain, type)        SOCK_NONBLOCK in type makes the descriptor FNONBLOCK
 *   sys_bind(k, fd, port)              UDP as netinet.ts does; TCP takes port 0 as ephemeral
 *   sys_listen(k, fd, backlog), sys_accept(k, fd), sys_connect(k, fd, port)
 *   sys_shutdown(k, fd, how)           SHUT_RD, SHUT_WR, SHUT_RDWR
 *   sys_setsockopt, sys_getsockopt     SOL_SOCKET: SO_RCVBUF, SO_SNDBUF, SO_RCVLOWAT,
 *                                      SO_SNDLOWAT, SO_LINGER (seconds; negative turns it
 *                                      off), SO_REUSEADDR (accepted, no effect); SO_ERROR,
 *                                      SO_TYPE and SO_ACCEPTCONN to read
 *   sys_getsockname(k, fd)             the bound port
 * accept and a blocking connect sleep on so_timeo ("netcon"), interruptibly.
 */
import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { splsoftnet, splx } from '../machine/spl.ts';
import {
  EAFNOSUPPORT,
  EALREADY,
  EBADF,
  ECONNABORTED,
  EINPROGRESS,
  EINVAL,
  EISCONN,
  EMFILE,
  ENOBUFS,
  ENOPROTOOPT,
  ENOTCONN,
  ENOTSOCK,
  EOPNOTSUPP,
  EPROTONOSUPPORT,
  EWOULDBLOCK,
} from './errno.ts';
import { fd_avail, fd_getfile, fdalloc, file_create } from './kern_descrip.ts';
import { curlwp, ltsleep } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { sys_socket_udp, sys_bind as udp_bind } from './netinet.ts';
import { type File, FNONBLOCK } from './proc.ts';
import { tcp_bind, tcp_connect, tcp_listen, tcp_protosw } from './tcp_usrreq.ts';
import {
  pr_usrreq,
  SO_ACCEPTCONN,
  SO_LINGER,
  type Socket,
  SS_CANTRCVMORE,
  SS_ISCONNECTED,
  SS_ISCONNECTING,
  SS_ISDISCONNECTING,
  SS_NOFDREF,
  sbreserve,
  socantrcvmore,
  socantsendmore,
  socket_of,
  socketops,
  socreate,
} from './uipc_socket.ts';

/* sys/socket.h */
export const AF_LOCAL = 1;
export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0x20000000;
export const SOL_SOCKET = 0xffff;
export const SO_REUSEADDR = 0x0004;
export const SO_SNDBUF = 0x1001;
export const SO_RCVBUF = 0x1002;
export const SO_SNDLOWAT = 0x1003;
export const SO_RCVLOWAT = 0x1004;
export const SO_ERROR = 0x1007;
export const SO_TYPE = 0x1008;
export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;
export { SO_ACCEPTCONN, SO_LINGER };

/** The largest buffer sbreserve grants (sb_max, 256 KiB). */
const SB_MAX = 256 * 1024;

function getsock(k: Kernel, fd: number): { fp: File; so: Socket } | number {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return EBADF;
  if (fp.f_type !== 'socket') return ENOTSOCK;
  return { fp, so: socket_of(fp) };
}

function tcp_socket(k: Kernel, fd: number): { fp: File; so: Socket } | number {
  const s = getsock(k, fd);
  if (typeof s === 'number') return s;
  return s.so.so_proto === tcp_protosw ? s : EOPNOTSUPP;
}

export function* sys_socket(k: Kernel, domain: number, type: number): KGen<{ error: number; fd: number }> {
  const p = curlwp(k).l_proc;
  const nonblock = (type & SOCK_NONBLOCK) !== 0;
  const base = type & ~SOCK_NONBLOCK;
  if (domain !== AF_INET) return { error: EAFNOSUPPORT, fd: -1 };
  let fd: number;
  if (base === SOCK_DGRAM) {
    const r = yield* sys_socket_udp(k);
    if (r.error) return r;
    fd = r.fd;
  } else if (base === SOCK_STREAM) {
    if (!fd_avail(p, 1)) return { error: EMFILE, fd: -1 };
    fd = fdalloc(p, socreate(k, tcp_protosw).fp);
    yield 'sys_socket:done';
  } else return { error: EPROTONOSUPPORT, fd: -1 };
  if (nonblock) (fd_getfile(p, fd) as File).f_flag |= FNONBLOCK;
  return { error: 0, fd };
}

export function* sys_bind(k: Kernel, fd: number, port: number): KGen<number> {
  const s = getsock(k, fd);
  if (typeof s === 'number') return s;
  if (s.so.so_proto !== tcp_protosw) return yield* udp_bind(k, fd, port);
  k.m.touch('net');
  return tcp_bind(k, s.so, port);
}

export function* sys_listen(k: Kernel, fd: number, backlog: number): KGen<number> {
  const s = tcp_socket(k, fd);
  if (typeof s === 'number') return s;
  k.m.touch('chan', s.so.so_rcv.chanName);
  const error = tcp_listen(k, s.so, backlog);
  yield 'sys_listen:done';
  return error;
}

export function* sys_accept(k: Kernel, fd: number): KGen<{ error: number; fd: number }> {
  const p = curlwp(k).l_proc;
  const s = tcp_socket(k, fd);
  if (typeof s === 'number') return { error: s, fd: -1 };
  const head = s.so;
  if ((head.so_options & SO_ACCEPTCONN) === 0) return { error: EINVAL, fd: -1 };
  if (!fd_avail(p, 1)) return { error: EMFILE, fd: -1 };
  for (;;) {
    k.m.touch('chan', head.so_rcv.chanName);
    const so = head.so_q.shift();
    if (so) {
      so.so_head = null;
      so.so_state &= ~SS_NOFDREF;
      const nfp = file_create(k, 'socket', socketops, so, `socket ${so.serial}`);
      // 2.0's accept gives the new file FREAD|FWRITE only; modern's inherits the listener's
      // flags, O_NONBLOCK included (do_sys_accept).
      if (kern_version_at_least(k.build, 'netbsd-modern')) nfp.f_flag |= s.fp.f_flag & FNONBLOCK;
      yield 'sys_accept:done';
      return { error: 0, fd: fdalloc(p, nfp) };
    }
    if (head.so_error) {
      const error = head.so_error;
      head.so_error = 0;
      return { error, fd: -1 };
    }
    if (head.so_state & SS_CANTRCVMORE) return { error: ECONNABORTED, fd: -1 };
    if (s.fp.f_flag & FNONBLOCK) return { error: EWOULDBLOCK, fd: -1 };
    const error = yield* ltsleep(k, head.so_timeo, true, 'netcon', 0);
    if (error) return { error, fd: -1 };
  }
}

export function* sys_connect(k: Kernel, fd: number, port: number): KGen<number> {
  const s = tcp_socket(k, fd);
  if (typeof s === 'number') return s;
  const so = s.so;
  if (so.so_options & SO_ACCEPTCONN) return EOPNOTSUPP;
  if (so.so_state & SS_ISCONNECTED) return EISCONN;
  const nonblock = (s.fp.f_flag & FNONBLOCK) !== 0;
  if (so.so_state & SS_ISCONNECTING) return nonblock ? EALREADY : EINVAL;
  if (so.so_pcb) return EINVAL;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return EINVAL;
  // soconnect runs PRU_CONNECT at splsoftnet. In 2.0 sys_connect tests SS_ISCONNECTING only
  // after soconnect's splx, where softnet may already have completed a loopback handshake
  // (connect then returns 0); modern holds the socket lock across the test: EINPROGRESS.
  const s2 = splsoftnet(k.m);
  const error = yield* tcp_connect(k, so, port);
  if (!kern_version_at_least(k.build, 'netbsd-modern')) yield* splx(k.m, s2, 'soconnect:splx');
  const inprogress = !error && nonblock && (so.so_state & SS_ISCONNECTING) !== 0;
  yield* splx(k.m, s2, 'sys_connect:splx');
  if (error) return error;
  if (inprogress) return EINPROGRESS;
  while (so.so_state & SS_ISCONNECTING && so.so_error === 0) {
    const e = yield* ltsleep(k, so.so_timeo, true, 'netcon', 0);
    if (e) return e;
  }
  const e = so.so_error;
  so.so_error = 0;
  return e;
}

export function* sys_shutdown(k: Kernel, fd: number, how: number): KGen<number> {
  const s = getsock(k, fd);
  if (typeof s === 'number') return s;
  const so = s.so;
  if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) return EINVAL;
  if ((so.so_state & (SS_ISCONNECTED | SS_ISCONNECTING | SS_ISDISCONNECTING)) === 0) return ENOTCONN;
  if (how !== SHUT_WR) {
    // sorflush: no more to read, and what is there goes.
    yield* socantrcvmore(k, so);
    so.so_rcv.records = [];
    so.so_rcv.sb_cc = 0;
  }
  if (how !== SHUT_RD) {
    yield* socantsendmore(k, so);
    yield* pr_usrreq(k, 'soshutdown:splx', () => so.so_proto.pru_shutdown(k, so));
  }
  return 0;
}

export function* sys_setsockopt(k: Kernel, fd: number, level: number, name: number, value: number): KGen<number> {
  const s = getsock(k, fd);
  if (typeof s === 'number') return s;
  const so = s.so;
  if (level !== SOL_SOCKET) return ENOPROTOOPT;
  k.m.touch('chan', so.so_rcv.chanName);
  switch (name) {
    case SO_SNDBUF:
    case SO_RCVBUF:
      if (!Number.isInteger(value) || value <= 0 || value > SB_MAX) return ENOBUFS;
      sbreserve(name === SO_SNDBUF ? so.so_snd : so.so_rcv, value);
      break;
    case SO_SNDLOWAT:
    case SO_RCVLOWAT: {
      const sb = name === SO_SNDLOWAT ? so.so_snd : so.so_rcv;
      if (!Number.isInteger(value) || value < 1) return EINVAL;
      sb.sb_lowat = Math.min(value, sb.sb_hiwat);
      break;
    }
    case SO_LINGER:
      if (value < 0) so.so_options &= ~SO_LINGER;
      else {
        so.so_options |= SO_LINGER;
        so.so_linger = value;
      }
      break;
    case SO_REUSEADDR:
      break;
    default:
      return ENOPROTOOPT;
  }
  yield 'setsockopt:done';
  return 0;
}

export function sys_getsockopt(k: Kernel, fd: number, level: number, name: number): { error: number; value: number } {
  const s = getsock(k, fd);
  if (typeof s === 'number') return { error: s, value: 0 };
  const so = s.so;
  if (level !== SOL_SOCKET) return { error: ENOPROTOOPT, value: 0 };
  switch (name) {
    case SO_ERROR: {
      const value = so.so_error;
      so.so_error = 0;
      return { error: 0, value };
    }
    case SO_TYPE:
      return { error: 0, value: so.so_type === 'stream' ? SOCK_STREAM : SOCK_DGRAM };
    case SO_ACCEPTCONN:
      return { error: 0, value: so.so_options & SO_ACCEPTCONN ? 1 : 0 };
    case SO_SNDBUF:
      return { error: 0, value: so.so_snd.sb_hiwat };
    case SO_RCVBUF:
      return { error: 0, value: so.so_rcv.sb_hiwat };
    case SO_SNDLOWAT:
      return { error: 0, value: so.so_snd.sb_lowat };
    case SO_RCVLOWAT:
      return { error: 0, value: so.so_rcv.sb_lowat };
    case SO_LINGER:
      return { error: 0, value: so.so_options & SO_LINGER ? so.so_linger : -1 };
    default:
      return { error: ENOPROTOOPT, value: 0 };
  }
}

export function sys_getsockname(k: Kernel, fd: number): { error: number; port: number } {
  const s = getsock(k, fd);
  if (typeof s === 'number') return { error: s, port: 0 };
  // An accepted connection shares its listener's port.
  const tp = s.so.so_pcb as { lport?: number } | null;
  return { error: 0, port: s.so.so_port || tp?.lport || 0 };
}
