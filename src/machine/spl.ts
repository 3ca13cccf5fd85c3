/*
 * spl(9): raise and restore the cpu's interrupt priority level.
 *
 * Raising never is a preemption point: nothing new can get in by masking more. Lowering
 * (splx, spl0) always is one, because interrupts that were held off may now be taken; so
 * splx and spl0 are generators and callers write `yield* splx(m, s)`.
 *
 *   splraise(m, ipl, fn)   the common body of splhigh, splsched, splclock, splnet, ...
 *   splhigh splsched splclock splvm splnet splbio splsoftnet splsoftclock splsoftserial spltty
 *   splx(m, s)             restore a cpl returned by one of the above
 *   spl0(m)                drop to IPL_NONE
 */
import type { KGen, Machine } from './machine.ts';
import type { Cpl, IplName } from './platform.ts';

/** The spl event, whose level names are built only for someone who looks. */
function spl_trace(m: Machine, fn: string, from: Cpl, to: Cpl): void {
  if (m.bus.wants('spl')) m.bus.emit('spl', { fn, from: m.platform.describe(from), to: m.platform.describe(to) });
  else m.bus.pass('spl');
}

export function splraise(m: Machine, ipl: IplName, fn: string): Cpl {
  const old = m.cpl;
  m.cpl = m.platform.raise(old, ipl);
  if (m.cpl !== old) spl_trace(m, fn, old, m.cpl);
  return old;
}

export const splhigh = (m: Machine): Cpl => splraise(m, 'high', 'splhigh');
export const splsched = (m: Machine): Cpl => splraise(m, 'sched', 'splsched');
export const splclock = (m: Machine): Cpl => splraise(m, 'clock', 'splclock');
export const splvm = (m: Machine): Cpl => splraise(m, 'vm', 'splvm');
export const spltty = (m: Machine): Cpl => splraise(m, 'tty', 'spltty');
export const splnet = (m: Machine): Cpl => splraise(m, 'net', 'splnet');
export const splbio = (m: Machine): Cpl => splraise(m, 'bio', 'splbio');
export const splsoftserial = (m: Machine): Cpl => splraise(m, 'softserial', 'splsoftserial');
export const splsoftnet = (m: Machine): Cpl => splraise(m, 'softnet', 'splsoftnet');
export const splsoftclock = (m: Machine): Cpl => splraise(m, 'softclock', 'splsoftclock');

/** Restore a saved cpl. A preemption point whenever it lowers the level. */
export function* splx(m: Machine, s: Cpl, where = 'splx'): KGen {
  const old = m.cpl;
  if (old === s) return;
  m.cpl = s;
  spl_trace(m, 'splx', old, s);
  if (m.platform.covers(old, s)) yield where;
}

export function* spl0(m: Machine, where = 'spl0'): KGen {
  yield* splx(m, m.platform.cplNone, where);
}
