/*
 * kern_time.c: the clocks a program reads, and the real-time interval timer.
 *
 *   CLOCK_REALTIME, CLOCK_MONOTONIC, clock_timespec(k, id)   the virtual clock as a timespec
 *   sys_clock_gettime(k, id)   EINVAL for a clock that is not modelled
 *   sys_gettimeofday(k)        CLOCK_REALTIME in microseconds
 *   sys_alarm(k, sec)          setitimer(ITIMER_REAL) as alarm(3) uses it: SIGALRM after sec
 *                              seconds (0 cancels); returns the seconds the previous one had left
 *   sys_setitimer_real(k, us)  setitimer(ITIMER_REAL, it_value us): the same timer, finer
 *   realtimer_stop(k, p)       exit: disarm it
 * The timer's SIGALRM comes from a callout, at softclock: the 2004 interrupt-path psignal
 * (kern_time.c 1.54.2.12, nathanw's POSIX timers, read: realtimerexpire posts the signal
 * unless it is already pending). The clock is the machine's tick counter (hz ticks a
 * second), so every reading is a whole tick; it moves while the cpu idles, and at most
 * busy_ticks_max times a run while it works. CLOCK_REALTIME is CLOCK_MONOTONIC plus a
 * fixed boot time, BOOTTIME_SEC.
 */

import type { KGen } from '../machine/machine.ts';
import { EINVAL } from './errno.ts';
import { hzto, time_us } from './kern_clock.ts';
import type { Timespec } from './kern_event.ts';
import { psignal, SIGALRM } from './kern_sig.ts';
import { curlwp } from './kern_synch.ts';
import { Callout, callout_reset, callout_stop } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';
import type { Proc } from './proc.ts';

/* clockid_t values (sys/time.h). */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 3;

/** The wall-clock time of boot: 2004-12-09 00:00 UTC, NetBSD 2.0's release day (kqsim's choice). */
export const BOOTTIME_SEC = 1102550400;

/** The clock `id` now, or undefined if kqsim does not model it. */
export function clock_timespec(k: Kernel, id: number): Timespec | undefined {
  const us = time_us(k);
  const mono = { sec: Math.floor(us / 1_000_000), nsec: (us % 1_000_000) * 1000 };
  if (id === CLOCK_MONOTONIC) return mono;
  if (id === CLOCK_REALTIME) return { sec: mono.sec + BOOTTIME_SEC, nsec: mono.nsec };
  return undefined;
}

export function sys_clock_gettime(k: Kernel, id: number): { error: number; time: Timespec } {
  const ts = clock_timespec(k, id);
  return ts ? { error: 0, time: ts } : { error: EINVAL, time: { sec: 0, nsec: 0 } };
}

export function sys_gettimeofday(k: Kernel): { sec: number; usec: number } {
  const ts = clock_timespec(k, CLOCK_REALTIME) as Timespec;
  return { sec: ts.sec, usec: Math.floor(ts.nsec / 1000) };
}

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

function realtimer(p: Proc): Callout {
  p.p_realtimer ??= new Callout(`realtimerexpire(pid ${p.p_pid})`);
  return p.p_realtimer;
}

/** Stop the process's interval timer (exit1 does, so no SIGALRM reaches a zombie). */
export function realtimer_stop(k: Kernel, p: Proc): void {
  if (p.p_realtimer) callout_stop(k, p.p_realtimer);
}

export function sys_alarm(k: Kernel, sec: number): { error: number; left: number } {
  if (!Number.isInteger(sec) || sec < 0) return { error: EINVAL, left: 0 };
  const p = curlwp(k).l_proc;
  const c = realtimer(p);
  // alarm(3) rounds what was left to the nearest second, and says 1 rather than 0.
  const left_ticks = c.c_pending ? c.c_time - k.m.ticks : 0;
  const left = left_ticks > 0 ? Math.max(1, Math.round(left_ticks / k.m.platform.hz)) : 0;
  callout_stop(k, c);
  if (sec > 0) callout_reset(k, c, hzto(k, time_us(k) + sec * 1_000_000), realtimerexpire, p);
  return { error: 0, left };
}

/** setitimer(ITIMER_REAL, { it_value: value_us }): SIGALRM from softclock once it expires. */
export function* sys_setitimer_real(k: Kernel, value_us: number): KGen<number> {
  const c = realtimer(curlwp(k).l_proc);
  if (value_us === 0) callout_stop(k, c);
  else callout_reset(k, c, hzto(k, time_us(k) + value_us), realtimerexpire, curlwp(k).l_proc);
  yield 'setitimer:done';
  return 0;
}
