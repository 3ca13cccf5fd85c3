/*
 * kern_synch.c: sleep and wakeup.
 *
 *   ltsleep(k, chan, catch_, wmesg, timo)   sleep on `chan`; returns 0 (woken), EWOULDBLOCK
 *                                           (timo ticks passed), EINTR or ERESTART (a signal,
 *                                           only with PCATCH). May not be called from an
 *                                           interrupt. The caller's spl is kept across the sleep.
 *   wakeup(k, chan)     make every thread sleeping on chan runnable, in the order they slept
 *   Both panic when called at an IPL above splsched (SCHED_ASSERT_SPL below).
 *   unsleep(k, l)       take a thread off its sleep queue (signals, timeouts)
 *   curlwp(k)           the lwp the cpu is running (undefined in idle)
 */
import { BLOCK, KASSERT, type KGen, panic } from '../machine/machine.ts';
import { EINTR, ERESTART, EWOULDBLOCK } from './errno.ts';
import { CURSIG, sigaction_restarts } from './kern_sig.ts';
import { Callout, callout_reset, callout_stop } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';
import { L_SINTR, L_TIMEOUT, type Lwp, type WaitChannel } from './proc.ts';

/*
 * The run queues and sleep queues are protected by splsched (SCHED_LOCK raises to it), so a
 * context whose cpl blocks more than splsched does is one splsched cannot keep out: an
 * IPL_SERIAL handler calling wakeup() can land inside a SCHED_LOCK section and corrupt the
 * queues. The 2004 kernel has no check for it (a LOCKDEBUG multiprocessor kernel reports
 * sched_lock taken against itself); kqsim stops the run with a simulated panic at the call.
 */
function SCHED_ASSERT_SPL(k: Kernel, fn: string): void {
  const p = k.m.platform;
  if (!p.covers(p.cplOf('sched'), k.m.cpl)) {
    panic(`${fn} called from ${k.m.contextName()} at cpl ${k.m.iplName()}, above splsched: SCHED_LOCK cannot keep it out of the run queues`);
  }
}

export function curlwp(k: Kernel): Lwp {
  const t = k.m.curthread;
  KASSERT(t !== null && !k.m.inInterrupt(), 'curlwp called from process context');
  return t.owner as Lwp;
}

export function* ltsleep(k: Kernel, chan: WaitChannel, catch_: boolean, wmesg: string, timo: number): KGen<number> {
  KASSERT(!k.m.inInterrupt(), `ltsleep "${wmesg}" from process context`);
  SCHED_ASSERT_SPL(k, 'ltsleep');
  const l = curlwp(k);
  const p = l.l_proc;
  let sig = 0;
  if (catch_) {
    l.l_flag |= L_SINTR;
    sig = CURSIG(p);
  }
  k.m.touch('sleepq');
  if (sig === 0) {
    l.l_wchan = chan;
    l.l_wmesg = wmesg;
    k.sleepq.push(l);
    if (timo > 0) {
      l.l_tsleep_ch ??= new Callout(`endtsleep(${l.thread.name})`);
      callout_reset(k, l.l_tsleep_ch, timo, endtsleep, l);
    }
    l.thread.state = 'sleeping';
    k.bus.emit('sleep', { thread: l.thread.name, wchan: chan.chanName, wmesg, timo });
    yield BLOCK;
  }
  l.l_flag &= ~L_SINTR;
  if (l.l_flag & L_TIMEOUT) {
    l.l_flag &= ~L_TIMEOUT;
    if (sig === 0) return EWOULDBLOCK;
  } else if (timo > 0 && l.l_tsleep_ch && !k.build.has('mutant-timeout-left-armed')) {
    callout_stop(k, l.l_tsleep_ch);
  }
  if (catch_) {
    if (sig === 0) sig = CURSIG(p);
    if (sig !== 0) return sigaction_restarts(p, sig) ? ERESTART : EINTR;
  }
  return 0;
}

export function unsleep(k: Kernel, l: Lwp): void {
  k.m.touch('sleepq');
  const i = k.sleepq.indexOf(l);
  if (i >= 0) k.sleepq.splice(i, 1);
  l.l_wchan = null;
}

/** Wake one sleeping lwp for `reason` (used by wakeup, signals and timeouts). */
export function setrunnable_lwp(k: Kernel, l: Lwp, reason: string): void {
  unsleep(k, l);
  k.m.setrunnable(l.thread);
  k.bus.emit('wakeup', { thread: l.thread.name, reason });
}

export function wakeup(k: Kernel, chan: WaitChannel): void {
  SCHED_ASSERT_SPL(k, 'wakeup');
  k.m.touch('sleepq');
  for (const l of k.sleepq.filter((x) => x.l_wchan === chan)) {
    setrunnable_lwp(k, l, `wakeup(${chan.chanName})`);
  }
}

function* endtsleep(k: Kernel, arg: unknown): KGen {
  const l = arg as Lwp;
  if (l.l_wchan !== null) {
    l.l_flag |= L_TIMEOUT;
    setrunnable_lwp(k, l, `timeout of "${l.l_wmesg}"`);
  }
}
