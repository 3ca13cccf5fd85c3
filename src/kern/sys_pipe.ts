/*
 * sys_pipe.c (NetBSD 2.0): pipes with the real buffer size, blocking and non-blocking I/O,
 * and the EVFILT_READ / EVFILT_WRITE filters.
 *
 * Each end is a `struct pipe` holding the data written *to* it. A read knote hangs on its own
 * end's klist; a write knote hangs on the peer's klist, because that is the buffer it fills.
 * All notifications come from process context at spl0 (read, write and close syscalls).
 *
 *   sys_pipe(k)               two descriptors: [read end, write end]
 *   pipe_read, pipe_write     blocking unless nonblock; PIPE_BUF-sized writes are atomic
 *   pipe_kqfilter, filt_piperead, filt_pipewrite, filt_pipedetach
 *   pipeclose                 EOF for the peer, notified through both klists
 */
import type { KGen } from '../machine/machine.ts';
import { EAGAIN, EBADF, EMFILE, ENOTTY, EPIPE } from './errno.ts';
import { EV_EOF, EVFILT_READ, EVFILT_WRITE } from './event_h.ts';
import { fd_avail, fdalloc, file_create } from './kern_descrip.ts';
import { type Filterops, type Knote, knote } from './kern_event.ts';
import { psignal, SIGPIPE } from './kern_sig.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import type { File, Fileops, WaitChannel } from './proc.ts';

/** The buffer of one pipe end (sys/pipe.h PIPE_SIZE). */
export const PIPE_SIZE = 16384;
/** Writes of at most this many bytes are atomic (limits.h PIPE_BUF on NetBSD). */
export const PIPE_BUF = 512;

const PIPE_EOF = 0x1;
const PIPE_WANTR = 0x2;
const PIPE_WANTW = 0x4;

export class Pipe implements WaitChannel {
  buffer = '';
  readonly size = PIPE_SIZE;
  pipe_state = 0;
  pipe_peer: Pipe | null = null;
  /** The selinfo klist: newest knote first. */
  pipe_sel: Knote[] = [];
  readonly chanName: string;

  constructor(readonly serial: number) {
    this.chanName = `pipe ${serial}`;
  }
}

function pipe_of(fp: File): Pipe {
  return fp.f_data as Pipe;
}

function* pipeselwakeup(k: Kernel, p: Pipe): KGen {
  yield* knote(k, p.pipe_sel, 0);
}

function* pipe_read(k: Kernel, fp: File, nbytes: number, nonblock: boolean): KGen<{ error: number; data: string }> {
  const rpipe = pipe_of(fp);
  for (;;) {
    if (rpipe.buffer.length > 0) {
      const data = rpipe.buffer.slice(0, nbytes);
      rpipe.buffer = rpipe.buffer.slice(data.length);
      yield 'pipe_read:copied';
      if (rpipe.pipe_state & PIPE_WANTW) {
        rpipe.pipe_state &= ~PIPE_WANTW;
        wakeup(k, rpipe);
      }
      // Space opened up: write knotes (on this end's klist) may now be true.
      yield* pipeselwakeup(k, rpipe);
      return { error: 0, data };
    }
    if (rpipe.pipe_state & PIPE_EOF) return { error: 0, data: '' };
    if (nonblock) return { error: EAGAIN, data: '' };
    rpipe.pipe_state |= PIPE_WANTR;
    const error = yield* ltsleep(k, rpipe, true, 'piperd', 0);
    if (error) return { error, data: '' };
  }
}

function* pipe_write(k: Kernel, fp: File, data: string, nonblock: boolean): KGen<{ error: number; written: number }> {
  const wpipe = pipe_of(fp).pipe_peer;
  let written = 0;
  while (written < data.length) {
    if (!wpipe || wpipe.pipe_state & PIPE_EOF) {
      yield* psignal(k, curlwp(k).l_proc, SIGPIPE);
      return { error: EPIPE, written };
    }
    const space = wpipe.size - wpipe.buffer.length;
    const remaining = data.length - written;
    // A write of PIPE_BUF bytes or less goes in whole or waits for room.
    const fits = remaining <= PIPE_BUF ? space >= remaining : space > 0;
    if (!fits) {
      if (nonblock) return written > 0 ? { error: 0, written } : { error: EAGAIN, written };
      wpipe.pipe_state |= PIPE_WANTW;
      const error = yield* ltsleep(k, wpipe, true, 'pipewr', 0);
      if (error) return { error, written };
      continue;
    }
    const n = Math.min(space, remaining);
    wpipe.buffer += data.slice(written, written + n);
    written += n;
    yield 'pipe_write:copied';
    if (wpipe.pipe_state & PIPE_WANTR) {
      wpipe.pipe_state &= ~PIPE_WANTR;
      wakeup(k, wpipe);
    }
    yield* pipeselwakeup(k, wpipe);
  }
  return { error: 0, written };
}

function* pipeclose(k: Kernel, fp: File): KGen<number> {
  const pipe = pipe_of(fp);
  pipe.pipe_state |= PIPE_EOF;
  // Write knotes of the other end hang on this end's klist: they see EOF now.
  yield* pipeselwakeup(k, pipe);
  const ppipe = pipe.pipe_peer;
  if (ppipe) {
    ppipe.pipe_state |= PIPE_EOF;
    wakeup(k, ppipe);
    yield* pipeselwakeup(k, ppipe);
    ppipe.pipe_peer = null;
  }
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
  pipe.pipe_sel.splice(pipe.pipe_sel.indexOf(kn), 1);
}

function* filt_piperead(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const rpipe = pipe_of(kn.kn_fp as File);
  const wpipe = rpipe.pipe_peer;
  kn.kn_kevent.data = rpipe.buffer.length;
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
  kn.kn_kevent.data = wpipe.size - wpipe.buffer.length;
  return kn.kn_kevent.data >= PIPE_BUF;
}

const pipe_rfiltops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_pipedetach, f_event: filt_piperead };
const pipe_wfiltops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_pipedetach, f_event: filt_pipewrite };

function pipe_kqfilter(_k: Kernel, fp: File, kn: Knote): number {
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
      return 1;
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
  const rpipe = k.pipe_pool.pool_get(() => new Pipe(k.file_serial));
  const wpipe = k.pipe_pool.pool_get(() => new Pipe(k.file_serial + 1));
  rpipe.pipe_peer = wpipe;
  wpipe.pipe_peer = rpipe;
  const rf = file_create(k, 'pipe', pipeops, rpipe, rpipe.chanName);
  const wf = file_create(k, 'pipe', pipeops, wpipe, wpipe.chanName);
  const fds = [fdalloc(p, rf), fdalloc(p, wf)];
  yield 'sys_pipe:done';
  return { error: 0, fds };
}
