/*
 * callout(9) (kern_timeout.c): functions run from softclock once a number of ticks has
 * passed. hardclock notices a due callout and schedules the softclock soft interrupt;
 * softclock runs every due callout at IPL_SOFTCLOCK, earliest first, ties in the order they
 * were set (an explicit sequence number, never container order).
 *
 *   callout_reset(k, c, ticks, fn, arg)   (re)arm; ticks <= 0 means 1 tick
 *   callout_schedule(k, c, ticks)         re-arm with the function already set
 *   callout_stop(k, c)                    disarm
 *   callout_next_due(k)                   the earliest armed tick (for the virtual clock)
 *   softclock_run_due(k)                  the softclock body
 */
import type { KGen } from '../machine/machine.ts';
import type { Kernel } from './kernel.ts';

export type CalloutFn = (k: Kernel, arg: unknown) => KGen;

export class Callout {
  c_time = 0;
  c_pending = false;
  c_seq = 0;
  c_func: CalloutFn | null = null;
  c_arg: unknown = null;
  /**
   * For a daemon's polling timeout (the kcont kthread's hz sleep): true while the poll
   * would find nothing to do. Such a callout is skipped, so an idle machine does not
   * advance its clock, or run softclock, only for a poll that changes nothing; it fires as
   * soon as there is work again (see the README's fidelity notes).
   */
  c_idle: (() => boolean) | null = null;

  constructor(readonly c_name: string) {}
}

export function callout_reset(k: Kernel, c: Callout, ticks: number, fn: CalloutFn, arg: unknown): void {
  c.c_func = fn;
  c.c_arg = arg;
  callout_schedule(k, c, ticks);
}

export function callout_schedule(k: Kernel, c: Callout, ticks: number): void {
  k.m.touch('callouts');
  c.c_time = k.m.ticks + (ticks <= 0 ? 1 : ticks);
  c.c_seq = k.callout_seq++;
  if (!c.c_pending) {
    c.c_pending = true;
    k.callouts.push(c);
  }
}

export function callout_stop(k: Kernel, c: Callout): void {
  k.m.touch('callouts');
  if (!c.c_pending) return;
  c.c_pending = false;
  k.callouts.splice(k.callouts.indexOf(c), 1);
}

export function callout_next_due(k: Kernel): number | undefined {
  let best: number | undefined;
  for (const c of k.callouts) {
    if (c.c_idle?.()) continue;
    if (best === undefined || c.c_time < best) best = c.c_time;
  }
  return best;
}

function next_due_callout(k: Kernel): Callout | undefined {
  k.m.touch('callouts');
  let best: Callout | undefined;
  for (const c of k.callouts) {
    if (c.c_time > k.m.ticks || c.c_idle?.()) continue;
    if (!best || c.c_time < best.c_time || (c.c_time === best.c_time && c.c_seq < best.c_seq)) best = c;
  }
  return best;
}

export function callout_any_due(k: Kernel): boolean {
  return next_due_callout(k) !== undefined;
}

/*
 * softclock's callout loop, as kern_timeout.c runs it (and 4.4BSD's softclock before it):
 * the callout queue is handled under CALLOUT_LOCK (splsched), which is dropped around each
 * call, `CALLOUT_UNLOCK(s); (*func)(arg); CALLOUT_LOCK(s);`. So the preemption point is the
 * unlock before each call (its splx back to IPL_SOFTCLOCK); after the last call the unlock
 * and the return from the handler are one point.
 */
export function* softclock_run_due(k: Kernel): KGen {
  for (let c = next_due_callout(k); c; c = next_due_callout(k)) {
    callout_stop(k, c);
    const fn = c.c_func;
    if (!fn) continue;
    k.bus.emit('callout', { fn: c.c_name });
    yield 'softclock:CALLOUT_UNLOCK';
    yield* fn(k, c.c_arg);
  }
}
