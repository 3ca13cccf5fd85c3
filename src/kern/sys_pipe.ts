/*
 * sys_pipe.c: pipes as the source builds them. Read for 2.0 from sys_pipe.c 1.4.2.11 (the
 * 2002 text the kqueue merge was made on, with FreeBSD's kqueue parts beside it) and for
 * the modern build from 1.160 (2023, NetBSD 10); the two agree on everything modelled here
 * except the error an unsupported filter gets (1 / EINVAL, kqfilter_unsupported).
 *
 * A pipe is two `struct pipe`, one per end, each the peer of the other. Only the read end
 * gets a buffer (pipe_create(&rpipe, 1), pipe_create(&wpipe, 0); pipe_rd_cache and
 * pipe_wr_cache in 1.160): data written on the write end goes into its peer's buffer, and
 * the write end's own buffer has size 0. The descriptors are one-way: fds[0] is FREAD only,
 * fds[1] FWRITE only (read or write on the wrong one is EBADF, in sys_generic's check).
 *
 * Notification follows the source's conditions. pipeselwakeup(p) posts p's klist: the read
 * knotes of p's own descriptor and the write knotes of the peer's (a write knote hangs on
 * the peer, the buffer it fills). pipe_read posts its end's klist before it sleeps, and after
 * reading only if PIPE_BUF bytes are free and it consumed something or PIPE_SIGNALR is set
 * (pipe_write sets PIPE_SIGNALR each time); pipe_write posts the buffer's klist when it must
 * wait with data in the buffer, and when it leaves data behind. A blocked writer is woken
 * only once the buffer empties or falls below MINPIPESIZE.
 *
 *   sys_pipe(k)                  two descriptors: [read end, write end]
 *   pipe_read, pipe_write        blocking unless FNONBLOCK; writes of PIPE_BUF bytes or less
 *                                are atomic; a write of more than PIPE_SIZE into an empty
 *                                buffer first grows it to BIG_PIPE_SIZE (at most 32 such pipes)
 *   pipe_kqfilter, filt_piperead, filt_pipewrite, filt_pipedetach
 *   pipeclose                    post this end, mark it EOF, then post the peer and mark it
 *                                EOF too (1.160's order; 2.0 is taken to have the same)
 * Everything runs in process context at spl0 (read, write and close syscalls).
 */
import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { EAGAIN, EBADF, EMFILE, ENOTTY, EPIPE } from './errno.ts';
import { EV_EOF, EVFILT_READ, EVFILT_WRITE } from './event_h.ts';
import { fd_avail, fdalloc, file_create } from './kern_descrip.ts';
import { type Filterops, type Knote, knote, kqfilter_unsupported } from './kern_event.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { type File, type Fileops, FREAD, FWRITE, type WaitChannel } from './proc.ts';

/** The buffer of a pipe's read end (sys/pipe.h PIPE_SIZE). */
export const PIPE_SIZE = 16384;
/** What a large write into an empty buffer grows it to (sys/pipe.h BIG_PIPE_SIZE). */
export const BIG_PIPE_SIZE = 64 * 1024;
/** Writes of at most this many bytes are atomic (limits.h PIPE_BUF on NetBSD). */
export const PIPE_BUF = 512;
/** A blocked writer is woken once the buffer holds less than this (hysteresis). */
const MINPIPESIZE = Math.floor(PIPE_SIZE / 3);
/** sysctl kern.pipe.maxbigpipes. */
const LIMITBIGPIPES = 32;

const PIPE_WANTR = 0x004;
const PIPE_WANTW = 0x008;
const PIPE_EOF = 0x010;
/** Set by every write: the next read posts the klist even if it frees nothing. */
const PIPE_SIGNALR = 0x100;

export class Pipe implements WaitChannel {
  /** pipe_buffer: its bytes (cnt is their length) and its size; 0 for a write end. */
  buffer = '';
  size: number;
  pipe_state = PIPE_SIGNALR;
  pipe_peer: Pipe | null = null;
  /** The selinfo klist: newest knote first. */
  pipe_sel: Knote[] = [];
  readonly chanName: string;

  constructor(
    readonly serial: number,
    allockva: boolean,
  ) {
    this.size = allockva ? PIPE_SIZE : 0;
    this.chanName = `pipe ${serial}`;
  }

  get cnt(): number {
    return this.buffer.length;
  }
}

function pipe_of(fp: File): Pipe {
  return fp.f_data as Pipe;
}

/* select/poll/kqueue wakeup: knote() on the klist (no SIGIO: FIOASYNC is not modelled). */
function* pipeselwakeup(k: Kernel, selp: Pipe): KGen {
  k.m.touch('chan', selp.chanName);
  yield* knote(k, selp.pipe_sel, 0);
}

function* pipe_read(k: Kernel, fp: File, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  const rpipe = pipe_of(fp);
  const ocnt = rpipe.cnt;
  let data = '';
  let error = 0;
  k.m.touch('chan', rpipe.chanName);
  while (data.length < nbytes) {
    if (rpipe.cnt > 0) {
      const size = Math.min(rpipe.cnt, nbytes - data.length);
      data += rpipe.buffer.slice(0, size);
      rpipe.buffer = rpipe.buffer.slice(size);
      yield 'pipe_read:uiomove';
      continue;
    }
    if (rpipe.pipe_state & PIPE_EOF) break;
    if (rpipe.pipe_state & PIPE_WANTW) {
      rpipe.pipe_state &= ~PIPE_WANTW;
      wakeup(k, rpipe);
    }
    if (data.length > 0) break;
    if (nonblock) {
      error = EAGAIN;
      break;
    }
    // "We want to read more, wake up select/poll."
    yield* pipeselwakeup(k, rpipe);
    rpipe.pipe_state |= PIPE_WANTR;
    error = yield* ltsleep(k, rpipe, true, 'piperd', 0);
    if (error) break;
  }
  // Write blocking hysteresis: a waiting writer runs again only once the buffer has drained.
  if (rpipe.cnt < MINPIPESIZE && rpipe.pipe_state & PIPE_WANTW) {
    rpipe.pipe_state &= ~PIPE_WANTW;
    wakeup(k, rpipe);
  }
  // Space for a PIPE_BUF write opened up (or this is the first read since a write): tell
  // the writer's knotes.
  if (rpipe.size - rpipe.cnt >= PIPE_BUF && (ocnt !== rpipe.cnt || rpipe.pipe_state & PIPE_SIGNALR)) {
    yield* pipeselwakeup(k, rpipe);
    rpipe.pipe_state &= ~PIPE_SIGNALR;
  }
  return { error, data };
}

/* The "big pipes" counter (sysctl kern.pipe.nbigpipes), per kernel. */
const NBIGPIPE = new WeakMap<Kernel, { n: number }>();

function* pipe_write(k: Kernel, fp: File, data: string, nonblock: boolean): KGen<{ error: number; written: number }> {
  const wpipe = pipe_of(fp).pipe_peer;
  // Loss of the read side: EPIPE (the generic write path posts SIGPIPE).
  if (!wpipe || wpipe.pipe_state & PIPE_EOF) return { error: EPIPE, written: 0 };
  k.m.touch('chan', wpipe.chanName);
  const big = NBIGPIPE.get(k) ?? { n: 0 };
  NBIGPIPE.set(k, big);
  if (data.length > PIPE_SIZE && big.n < LIMITBIGPIPES && wpipe.size <= PIPE_SIZE && wpipe.cnt === 0) {
    wpipe.size = BIG_PIPE_SIZE;
    big.n++;
  }
  let written = 0;
  let error = 0;
  while (written < data.length) {
    if (wpipe.pipe_state & PIPE_EOF) {
      error = EPIPE;
      break;
    }
    const resid = data.length - written;
    let space = wpipe.size - wpipe.cnt;
    // Writes of size <= PIPE_BUF must be atomic.
    if (space < resid && resid <= PIPE_BUF) space = 0;
    if (space > 0) {
      const size = Math.min(space, resid);
      wpipe.buffer += data.slice(written, written + size);
      written += size;
      yield 'pipe_write:uiomove';
      continue;
    }
    if (wpipe.pipe_state & PIPE_WANTR) {
      wpipe.pipe_state &= ~PIPE_WANTR;
      wakeup(k, wpipe);
    }
    if (nonblock) {
      error = EAGAIN;
      break;
    }
    // "We have no more space and have something to offer, wake up select/poll."
    if (wpipe.cnt > 0) yield* pipeselwakeup(k, wpipe);
    wpipe.pipe_state |= PIPE_WANTW;
    error = yield* ltsleep(k, wpipe, true, 'pipewr', 0);
    if (error) break;
  }
  if (wpipe.cnt > 0 && wpipe.pipe_state & PIPE_WANTR) {
    wpipe.pipe_state &= ~PIPE_WANTR;
    wakeup(k, wpipe);
  }
  // Don't return EPIPE if I/O was successful.
  if (error === EPIPE && wpipe.cnt === 0 && written === data.length) error = 0;
  if (wpipe.cnt > 0) yield* pipeselwakeup(k, wpipe);
  // Arrange for the next read(2) to post the klist.
  wpipe.pipe_state |= PIPE_SIGNALR;
  // A partial transfer that stopped for EAGAIN is a short write (dofilewrite).
  if (error === EAGAIN && written > 0) error = 0;
  return { error, written };
}

function* pipeclose(k: Kernel, fp: File): KGen<number> {
  const pipe = pipe_of(fp);
  yield* pipeselwakeup(k, pipe);
  pipe.pipe_state |= PIPE_EOF;
  const ppipe = pipe.pipe_peer;
  if (ppipe) {
    yield* pipeselwakeup(k, ppipe);
    ppipe.pipe_state |= PIPE_EOF;
    wakeup(k, ppipe);
    ppipe.pipe_peer = null;
  }
  // 1.160: "Any knote objects still left in the list are the one attached by peer. Since no
  // one will traverse this list, we just clear it." (2.0 leaves them on the freed pipe.)
  if (kern_version_at_least(k.build, 'netbsd-modern')) pipe.pipe_sel = [];
  pipe.pipe_peer = null;
  k.pipe_pool.pool_put(pipe, 'pipeclose');
  return 0;
}

function filt_pipedetach(_k: Kernel, kn: Knote): void {
  let pipe: Pipe | null = pipe_of(kn.kn_fp as File);
  if (kn.kn_kevent.filter === EVFILT_WRITE) {
    // The write knote is on the peer; if the reader already closed, there is nothing to do.
    pipe = pipe.pipe_peer;
    if (!pipe) return;
  }
  const i = pipe.pipe_sel.indexOf(kn);
  if (i >= 0) pipe.pipe_sel.splice(i, 1);
}

function* filt_piperead(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const rpipe = pipe_of(kn.kn_fp as File);
  const wpipe = rpipe.pipe_peer;
  kn.kn_kevent.data = rpipe.cnt;
  if (rpipe.pipe_state & PIPE_EOF || !wpipe || wpipe.pipe_state & PIPE_EOF) {
    kn.kn_kevent.flags |= EV_EOF;
    return true;
  }
  return kn.kn_kevent.data > 0;
}

function* filt_pipewrite(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const rpipe = pipe_of(kn.kn_fp as File);
  const wpipe = rpipe.pipe_peer;
  if (!wpipe || wpipe.pipe_state & PIPE_EOF) {
    kn.kn_kevent.data = 0;
    kn.kn_kevent.flags |= EV_EOF;
    return true;
  }
  kn.kn_kevent.data = wpipe.size - wpipe.cnt;
  return kn.kn_kevent.data >= PIPE_BUF;
}

const pipe_rfiltops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_pipedetach, f_event: filt_piperead };
const pipe_wfiltops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_pipedetach, f_event: filt_pipewrite };

function pipe_kqfilter(k: Kernel, fp: File, kn: Knote): number {
  let pipe: Pipe | null = pipe_of(fp);
  switch (kn.kn_kevent.filter) {
    case EVFILT_READ:
      kn.kn_fop = pipe_rfiltops;
      break;
    case EVFILT_WRITE:
      kn.kn_fop = pipe_wfiltops;
      pipe = pipe.pipe_peer;
      // The other end has been closed.
      if (!pipe) return EBADF;
      break;
    default:
      return kqfilter_unsupported(k);
  }
  pipe.pipe_sel.unshift(kn);
  return 0;
}

const pipeops: Fileops = {
  fo_read: pipe_read,
  fo_write: pipe_write,
  fo_kqfilter: pipe_kqfilter,
  *fo_ioctl() {
    return ENOTTY;
  },
  fo_close: pipeclose,
};

export function* sys_pipe(k: Kernel): KGen<{ error: number; fds: number[] }> {
  if (!fd_avail(curlwp(k).l_proc, 2)) return { error: EMFILE, fds: [] };
  const p = curlwp(k).l_proc;
  const rpipe = k.pipe_pool.pool_get(() => new Pipe(k.file_serial, true));
  const wpipe = k.pipe_pool.pool_get(() => new Pipe(k.file_serial + 1, false));
  rpipe.pipe_peer = wpipe;
  wpipe.pipe_peer = rpipe;
  const rf = file_create(k, 'pipe', pipeops, rpipe, rpipe.chanName);
  const wf = file_create(k, 'pipe', pipeops, wpipe, wpipe.chanName);
  rf.f_flag = FREAD;
  wf.f_flag = FWRITE;
  const fds = [fdalloc(p, rf), fdalloc(p, wf)];
  yield 'sys_pipe:done';
  return { error: 0, fds };
}
