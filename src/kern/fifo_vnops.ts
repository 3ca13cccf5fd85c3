/*
 * fifofs (miscfs/fifofs/fifo_vnops.c): a FIFO is a pair of connected AF_LOCAL stream
 * sockets, made at the first open: data written goes from fi_writesock to fi_readsock. Read
 * for 2.0 at 1.38 (2003) and, for what the modern build changes, at 1.77 (2014) and from
 * the 2021 tests (read/t_fifo.c 1.5, write/t_fifo.c 1.4.16.1) that came with the fix of
 * the write filter, whose source was not read.
 *
 *   fifo_open(k, vp, fflag)   count readers and writers; an open for reading waits for a
 *                 writer (modern: only while nothing is readable) unless O_NONBLOCK; an
 *                 open for writing waits for a reader, or fails with ENXIO under O_NONBLOCK
 *   fifo_close(k, vp, fflag)  the last reader gone: the writers can send no more; the last
 *                 writer gone: the readers see EOF; the last open gone: the sockets go
 *   fifo_read     soreceive; a read that returns nothing clears the EOF indication (so
 *                 the next one waits again), and a non-blocking read with no writer is EOF
 *   fifo_write    sosend
 *   fifo_kqfilter, filt_fiforead, filt_fifowrite, fifo_pathconf
 * The 2.0 kqfilter hangs both filters on fi_readsock: EVFILT_WRITE watches the read
 * socket's never-used send buffer, which has SS_CANTSENDMORE from the start, so it is
 * always true with EV_EOF. The modern build hangs it on fi_writesock's send buffer, with a
 * low-water mark of PIPE_BUF: writable while a PIPE_BUF write would fit.
 */
import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { EAGAIN, EINVAL, ENXIO } from './errno.ts';
import { EV_EOF, EVFILT_READ, EVFILT_WRITE } from './event_h.ts';
import { type Filterops, type Knote, kqfilter_unsupported } from './kern_event.ts';
import { ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { FNONBLOCK, FREAD, FWRITE, type WaitChannel } from './proc.ts';
import { PIPE_BUF } from './sys_pipe.ts';
import {
  type Socket,
  SS_CANTRCVMORE,
  SS_CANTSENDMORE,
  soalloc,
  socantrcvmore,
  socantsendmore,
  soclose,
  soreceive,
  sosend,
  unp_connect2,
  unp_protosw,
} from './uipc_socket.ts';
import type { Vnode } from './vfs_subr.ts';

export interface FifoInfo {
  readonly fi_readsock: Socket;
  readonly fi_writesock: Socket;
  fi_readers: number;
  fi_writers: number;
  fi_opencount: number;
  /** What an open for reading sleeps on (&fi_readers), and one for writing (&fi_writers). */
  readonly fi_rchan: WaitChannel;
  readonly fi_wchan: WaitChannel;
}

function fifoinfo_create(k: Kernel, vp: Vnode): FifoInfo {
  const rso = soalloc(k, unp_protosw);
  const wso = soalloc(k, unp_protosw);
  unp_connect2(wso, rso);
  wso.so_state |= SS_CANTRCVMORE;
  rso.so_state |= SS_CANTSENDMORE;
  // Modern: writable means a PIPE_BUF write would fit.
  if (kern_version_at_least(k.build, 'netbsd-modern')) wso.so_snd.sb_lowat = PIPE_BUF;
  return {
    fi_readsock: rso,
    fi_writesock: wso,
    fi_readers: 0,
    fi_writers: 0,
    fi_opencount: 0,
    fi_rchan: { chanName: `${vp.chanName} fi_readers` },
    fi_wchan: { chanName: `${vp.chanName} fi_writers` },
  };
}

/** soreadable: data to read, or the end of it. */
function soreadable(so: Socket): boolean {
  return so.so_rcv.sb_cc > 0 || (so.so_state & SS_CANTRCVMORE) !== 0;
}

export function* fifo_open(k: Kernel, vp: Vnode, fflag: number): KGen<number> {
  vp.v_fifoinfo ??= fifoinfo_create(k, vp);
  const fip = vp.v_fifoinfo;
  const rso = fip.fi_readsock;
  const wso = fip.fi_writesock;
  k.m.touch('chan', rso.so_rcv.chanName);
  fip.fi_opencount++;
  if (fflag & FREAD && fip.fi_readers++ === 0) {
    wso.so_state &= ~SS_CANTSENDMORE;
    if (fip.fi_writers > 0) wakeup(k, fip.fi_wchan);
  }
  if (fflag & FWRITE && fip.fi_writers++ === 0) {
    rso.so_state &= ~SS_CANTRCVMORE;
    if (fip.fi_readers > 0) wakeup(k, fip.fi_rchan);
  }
  let error = 0;
  const modern = kern_version_at_least(k.build, 'netbsd-modern');
  if (fflag & FREAD && (fflag & FNONBLOCK) === 0) {
    while (fip.fi_writers === 0 && !(modern && soreadable(rso)) && error === 0) error = yield* ltsleep(k, fip.fi_rchan, true, 'fifor', 0);
  }
  if (error === 0 && fflag & FWRITE) {
    if (fflag & FNONBLOCK) {
      if (fip.fi_readers === 0) error = ENXIO;
    } else {
      while (fip.fi_readers === 0 && error === 0) error = yield* ltsleep(k, fip.fi_wchan, true, 'fifow', 0);
    }
  }
  if (error) yield* fifo_close(k, vp, fflag);
  return error;
}

export function* fifo_close(k: Kernel, vp: Vnode, fflag: number): KGen<number> {
  const fip = vp.v_fifoinfo as FifoInfo;
  k.m.touch('chan', fip.fi_readsock.so_rcv.chanName);
  if (fflag & FREAD && --fip.fi_readers === 0) yield* socantsendmore(k, fip.fi_writesock);
  if (fflag & FWRITE && --fip.fi_writers === 0) yield* socantrcvmore(k, fip.fi_readsock);
  if (--fip.fi_opencount === 0) {
    yield* soclose(k, fip.fi_readsock);
    yield* soclose(k, fip.fi_writesock);
    vp.v_fifoinfo = null;
  }
  return 0;
}

export function* fifo_read(k: Kernel, vp: Vnode, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  const fip = vp.v_fifoinfo as FifoInfo;
  const rso = fip.fi_readsock;
  if (nbytes === 0) return { error: 0, data: '' };
  const r = yield* soreceive(k, rso, nbytes, nonblock);
  // Clear the EOF indication after the first such return (modern: only a successful one).
  if (r.data.length === 0 && (r.error === 0 || !kern_version_at_least(k.build, 'netbsd-modern'))) rso.so_state &= ~SS_CANTRCVMORE;
  if (nonblock && r.error === EAGAIN && fip.fi_writers === 0) return { error: 0, data: '' };
  return r;
}

export function* fifo_write(k: Kernel, vp: Vnode, data: string, nonblock: boolean): KGen<{ error: number; written: number }> {
  return yield* sosend(k, (vp.v_fifoinfo as FifoInfo).fi_writesock, data, nonblock);
}

function filt_fifordetach(_k: Kernel, kn: Knote): void {
  const sb = (kn.kn_hook as Socket).so_rcv;
  sb.sb_sel.splice(sb.sb_sel.indexOf(kn), 1);
}

function* filt_fiforead(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = kn.kn_hook as Socket;
  kn.kn_kevent.data = so.so_rcv.sb_cc;
  if (so.so_state & SS_CANTRCVMORE) {
    kn.kn_kevent.flags |= EV_EOF;
    return true;
  }
  kn.kn_kevent.flags &= ~EV_EOF;
  return kn.kn_kevent.data > 0;
}

function filt_fifowdetach(_k: Kernel, kn: Knote): void {
  const sb = (kn.kn_hook as Socket).so_snd;
  sb.sb_sel.splice(sb.sb_sel.indexOf(kn), 1);
}

function* filt_fifowrite(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const so = kn.kn_hook as Socket;
  kn.kn_kevent.data = so.so_proto.pr_sendspace_of(so);
  if (so.so_state & SS_CANTSENDMORE) {
    kn.kn_kevent.flags |= EV_EOF;
    return true;
  }
  kn.kn_kevent.flags &= ~EV_EOF;
  return kn.kn_kevent.data >= so.so_snd.sb_lowat;
}

const fiforead_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_fifordetach, f_event: filt_fiforead };
const fifowrite_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_fifowdetach, f_event: filt_fifowrite };

export function fifo_kqfilter(k: Kernel, vp: Vnode, kn: Knote): number {
  const fip = vp.v_fifoinfo as FifoInfo;
  const modern = kern_version_at_least(k.build, 'netbsd-modern');
  let so = fip.fi_readsock;
  switch (kn.kn_kevent.filter) {
    case EVFILT_READ:
      kn.kn_fop = fiforead_filtops;
      so.so_rcv.sb_sel.unshift(kn);
      break;
    case EVFILT_WRITE:
      kn.kn_fop = fifowrite_filtops;
      // XXX as in 1.38: the read socket's send buffer, until the modern fix.
      if (modern) so = fip.fi_writesock;
      so.so_snd.sb_sel.unshift(kn);
      break;
    default:
      return kqfilter_unsupported(k);
  }
  kn.kn_hook = so;
  return 0;
}

/* _PC_* names fpathconf(2) asks about (unistd.h). */
export const _PC_LINK_MAX = 1;
export const _PC_PIPE_BUF = 6;

export function fifo_pathconf(name: number): { error: number; value: number } {
  if (name === _PC_PIPE_BUF) return { error: 0, value: PIPE_BUF };
  if (name === _PC_LINK_MAX) return { error: 0, value: 32767 };
  return { error: EINVAL, value: 0 };
}
