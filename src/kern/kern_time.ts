/*
 * kern_time.c: the clocks a program reads, and the real-time interval timer.
 *
 *   CLOCK_REALTIME, CLOCK_MONOTONIC, clock_timespec(k, id)   the virtual clock as a timespec
 *   sys_clock_gettime(k, id)   EINVAL for a clock that is not modelled
 *   sys_gettimeofday(k)        CLOCK_REALTIME in microseconds
 *   sys_alarm(k, sec)          setitimer(ITIMER_REAL) as alarm(3) uses it: SIGALRM after sec
 *                              seconds (0 cancels); returns the seconds the previous one had left
 * The clock is the machine's tick counter (hz ticks a second), so every reading is a whole
 * tick and time stands still while the cpu runs. CLOCK_REALTIME is CLOCK_MONOTONIC plus a
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

/* realitexpire: the interval timer ran out; a one-shot alarm posts SIGALRM once. */
function* realitexpire(k: Kernel, arg: unknown): KGen {
  yield* psignal(k, arg as Proc, SIGALRM);
}

/** Stop the process's interval timer (exit1 does, so no SIGALRM reaches a zombie). */
export function realtimer_stop(k: Kernel, p: Proc): void {
  if (p.p_realtimer) callout_stop(k, p.p_realtimer);
}

export function sys_alarm(k: Kernel, sec: number): { error: number; left: number } {
  if (!Number.isInteger(sec) || sec < 0) return { error: EINVAL, left: 0 };
  const p = curlwp(k).l_proc;
  const c = (p.p_realtimer ??= new Callout(`realitexpire(pid ${p.p_pid})`));
  // alarm(3) rounds what was left to the nearest second, and says 1 rather than 0.
  const left_ticks = c.c_pending ? c.c_time - k.m.ticks : 0;
  const left = left_ticks > 0 ? Math.max(1, Math.round(left_ticks / k.m.platform.hz)) : 0;
  callout_stop(k, c);
  if (sec > 0) callout_reset(k, c, hzto(k, time_us(k) + sec * 1_000_000), realitexpire, p);
  return { error: 0, left };
}
