/*
 * kern_sig.c: posting and delivering signals, and the EVFILT_SIGNAL filter.
 *
 *   psignal(k, p, sig)     post a signal. The KNOTE runs first, even for an ignored signal,
 *                          so EVFILT_SIGNAL counts every attempt (kqueue(2): "even if the
 *                          signal is ignored"). An interruptible sleeper is woken.
 *   CURSIG(p)              the next signal to deliver, or 0
 *   postsig(k, p, sig)     deliver it at the return to user mode: handler or default action
 *   sigsuspend1(k)         sleep until a signal is delivered (pause(3)); always EINTR
 *   sig_filtops            attach/detach/event for EVFILT_SIGNAL
 */
import { KASSERT, type KGen } from '../machine/machine.ts';
import { EINTR } from './errno.ts';
import { EV_CLEAR, NOTE_SIGNAL } from './event_h.ts';
import { type Filterops, type Knote, knote } from './kern_event.ts';
import { exit1 } from './kern_exit.ts';
import { curlwp, ltsleep, setrunnable_lwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { L_SINTR, type Proc, type SigAction } from './proc.ts';

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGURG = 16;
export const SIGSTOP = 17;
export const SIGCONT = 19;
export const SIGCHLD = 20;
export const SIGIO = 23;
export const SIGWINCH = 28;
export const SIGINFO = 29;
export const SIGUSR1 = 30;
export const SIGUSR2 = 31;
export const NSIG = 32;

const SIG_NAMES: Readonly<Record<number, string>> = {
  [SIGHUP]: 'SIGHUP',
  [SIGINT]: 'SIGINT',
  [SIGQUIT]: 'SIGQUIT',
  [SIGKILL]: 'SIGKILL',
  [SIGPIPE]: 'SIGPIPE',
  [SIGALRM]: 'SIGALRM',
  [SIGTERM]: 'SIGTERM',
  [SIGURG]: 'SIGURG',
  [SIGSTOP]: 'SIGSTOP',
  [SIGCONT]: 'SIGCONT',
  [SIGCHLD]: 'SIGCHLD',
  [SIGIO]: 'SIGIO',
  [SIGWINCH]: 'SIGWINCH',
  [SIGINFO]: 'SIGINFO',
  [SIGUSR1]: 'SIGUSR1',
  [SIGUSR2]: 'SIGUSR2',
};

export function sig_name(sig: number): string {
  return SIG_NAMES[sig] ?? `signal ${sig}`;
}

/** Signals whose default action is to be discarded (sigprop SA_IGNORE). Stop signals are
 * not modelled and are discarded too (XXX: no job control in the model). */
const DEFAULT_IGNORED = new Set([SIGURG, SIGCHLD, SIGWINCH, SIGINFO, SIGCONT, SIGIO, SIGSTOP]);

const DEFAULT_ACTION: SigAction = { disposition: 'default', restart: false };

function sigaction_of(p: Proc, sig: number): SigAction {
  return p.p_sigacts.get(sig) ?? DEFAULT_ACTION;
}

function sig_discarded(p: Proc, sig: number): boolean {
  if (sig === SIGKILL) return false;
  const a = sigaction_of(p, sig);
  return a.disposition === 'ignore' || (a.disposition === 'default' && DEFAULT_IGNORED.has(sig));
}

export function sigaction_restarts(p: Proc, sig: number): boolean {
  return sigaction_of(p, sig).restart;
}

export function CURSIG(p: Proc): number {
  return p.p_siglist[0] ?? 0;
}

export function* psignal(k: Kernel, p: Proc, sig: number): KGen {
  KASSERT(sig > 0 && sig < NSIG, 'psignal: signal number in range');
  if (p.p_stat !== 'active') return;
  yield* knote(k, p.p_klist, NOTE_SIGNAL | sig);
  if (sig_discarded(p, sig)) {
    k.bus.emit('signal', { pid: p.p_pid, sig: sig_name(sig), action: 'discarded (ignored)' });
    return;
  }
  if (!p.p_siglist.includes(sig)) p.p_siglist.push(sig);
  const l = p.l;
  if (l.l_wchan !== null && l.l_flag & L_SINTR) {
    k.bus.emit('signal', { pid: p.p_pid, sig: sig_name(sig), action: 'posted; interrupts the sleep' });
    setrunnable_lwp(k, l, `signal ${sig_name(sig)}`);
  } else {
    k.bus.emit('signal', { pid: p.p_pid, sig: sig_name(sig), action: 'posted' });
  }
}

/** Deliver one pending signal to the current process as it returns to user mode. */
export function* postsig(k: Kernel, sig: number): KGen {
  const p = curlwp(k).l_proc;
  p.p_siglist = p.p_siglist.filter((s) => s !== sig);
  const a = sigaction_of(p, sig);
  if (a.disposition === 'catch' && sig !== SIGKILL) {
    p.p_caught.push(sig);
    k.bus.emit('signal', { pid: p.p_pid, sig: sig_name(sig), action: 'delivered to its handler' });
    return;
  }
  k.bus.emit('signal', { pid: p.p_pid, sig: sig_name(sig), action: 'default action: terminate' });
  yield* exit1(k, 0, sig);
}

/*
 * sigsuspend(2) with the mask unchanged, as pause(3) calls it: sleep until a signal is
 * posted, and return EINTR rather than restarting, as sys___sigsuspend does.
 */
export function* sigsuspend1(k: Kernel): KGen<number> {
  const p = curlwp(k).l_proc;
  const chan = { chanName: `pause ${p.p_pid}` };
  while ((yield* ltsleep(k, chan, true, 'pause', 0)) === 0) yield 'sigsuspend:woken';
  return EINTR;
}

/* EVFILT_SIGNAL: the knote hangs on the registering process's p_klist. */

function filt_sigattach(k: Kernel, kn: Knote): number {
  const p = curlwp(k).l_proc;
  kn.kn_ptr = p;
  kn.kn_kevent.flags |= EV_CLEAR; // set automatically: a signal count is edge-triggered
  p.p_klist.unshift(kn);
  return 0;
}

function filt_sigdetach(_k: Kernel, kn: Knote): void {
  const p = kn.kn_ptr as Proc;
  const i = p.p_klist.indexOf(kn);
  if (i >= 0) p.p_klist.splice(i, 1);
}

function* filt_signal(_k: Kernel, kn: Knote, hint: number): KGen<boolean> {
  if (hint & NOTE_SIGNAL) {
    const sig = hint & ~NOTE_SIGNAL;
    if (kn.kn_kevent.ident === sig) kn.kn_kevent.data++;
  }
  return kn.kn_kevent.data !== 0;
}

export const sig_filtops: Filterops = {
  f_isfd: false,
  f_attach: filt_sigattach,
  f_detach: filt_sigdetach,
  f_event: filt_signal,
};
