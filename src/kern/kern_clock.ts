/*
 * kern_clock.c: hardclock (IPL_CLOCK) and the time conversions the kqueue code uses.
 *
 *   hardclock(k)      the clock interrupt: schedule softclock when a callout is due
 *   softclock(k)      the soft interrupt that runs due callouts
 *   hzto(k, deadline_us)   ticks until an absolute time, rounded up, plus one; 0 if past
 *   tvtohz(k, usec)   ticks for an interval, the same way (tstohz is this on a timespec)
 *   mstohz(k, ms)     milliseconds to ticks, rounded down
 *   time_us(k)        the kernel's `time`, in microseconds since boot
 */
import type { KGen } from '../machine/machine.ts';
import { callout_any_due, softclock_run_due } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';

export function* hardclock(k: Kernel): KGen {
  if (callout_any_due(k)) k.m.softintr_schedule('softclock');
}

export function* softclock(k: Kernel): KGen {
  yield* softclock_run_due(k);
}

/** microseconds per tick (the kernel's `tick`). */
export function tick_us(k: Kernel): number {
  return 1_000_000 / k.m.platform.hz;
}

/* Reading the clock is a shared access: a busy tick changes it (Machine.touch). */
export function time_us(k: Kernel): number {
  k.m.touch('time');
  return k.m.ticks * tick_us(k);
}

/*
 * hzto: like the kernel's, which rounds up to whole ticks and adds one, because the current
 * tick is already partly over. A deadline at or before now gives 0.
 */
export function hzto(k: Kernel, deadline_us: number): number {
  return tvtohz(k, deadline_us - time_us(k));
}

export function tvtohz(k: Kernel, usec: number): number {
  if (usec <= 0) return 0;
  const t = tick_us(k);
  return Math.floor((usec + t - 1) / t) + 1;
}

export function mstohz(k: Kernel, ms: number): number {
  const hz = k.m.platform.hz;
  // The kernel splits large values to avoid overflow; the result is the same.
  return ms >= 0x20000 ? Math.floor(ms / 1000) * hz : Math.floor((ms * hz) / 1000);
}
