/*
 * kern_time.c: the real-time interval timer, enough for setitimer(ITIMER_REAL), the 2004
 * interrupt-path psignal (kern_time.c 1.54.2.12, nathanw's POSIX timers, read: a callout
 * run from softclock, realtimerexpire, posts the signal unless it is already pending).
 *
 *   sys_setitimer_real(k, value_us)   arm the process's ITIMER_REAL (0 disarms); no interval
 *   timers_free(k, p)                 exit: disarm it
 */
import type { KGen } from '../machine/machine.ts';
import { hzto, time_us } from './kern_clock.ts';
import { psignal, SIGALRM } from './kern_sig.ts';
import { curlwp } from './kern_synch.ts';
import { Callout, callout_reset, callout_stop } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';
import type { Proc } from './proc.ts';

/*
 * realtimerexpire, from softclock (IPL_SOFTCLOCK): "if (sigismember(&p->p_sigctx.ps_siglist,
 * signo)) pt->pt_overruns++; else psignal(p, signo)". A one-shot timer is not re-armed.
 */
function* realtimerexpire(k: Kernel, arg: unknown): KGen {
  const p = arg as Proc;
  k.m.touch('proc', p.p_pid);
  if (p.p_siglist.includes(SIGALRM)) {
    p.p_realtimer_overruns++;
    k.bus.emit('log', { text: `realtimerexpire: SIGALRM is already pending for pid ${p.p_pid}: an overrun` });
    return;
  }
  yield* psignal(k, p, SIGALRM);
}

/** setitimer(ITIMER_REAL, { it_value: value_us }): SIGALRM from softclock once it expires. */
export function* sys_setitimer_real(k: Kernel, value_us: number): KGen<number> {
  const p = curlwp(k).l_proc;
  p.p_realtimer ??= new Callout(`realtimerexpire(pid ${p.p_pid})`);
  if (value_us === 0) callout_stop(k, p.p_realtimer);
  else callout_reset(k, p.p_realtimer, hzto(k, time_us(k) + value_us), realtimerexpire, p);
  yield 'setitimer:done';
  return 0;
}

export function timers_free(k: Kernel, p: Proc): void {
  if (p.p_realtimer) callout_stop(k, p.p_realtimer);
}
