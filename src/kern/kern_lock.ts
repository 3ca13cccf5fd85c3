/*
 * kern_lock.c: simple_lock(9) as a uniprocessor kernel of 2004-2007 runs it. Without
 * MULTIPROCESSOR or LOCKDEBUG a simplelock compiles to nothing, so taking one changes no
 * interleaving: code that needs an interrupt kept out raises the spl first. kqsim keeps who
 * holds each lock and puts every acquire and release on the trace, so the lock/spl
 * discipline invariant (sim/check/lock.ts, simple-lock-spl) sees an interrupt handler take
 * a lock that the context it interrupted holds: what LOCKDEBUG reports as "locking against
 * myself" on one cpu, and what spins forever on a multiprocessor.
 *
 *   SimpleLock              struct simplelock: who holds it (a context, Machine.contextKey)
 *   simple_lock(k, lkp)     take it; never waits (one cpu); the caller yields around it
 *   simple_unlock(k, lkp)   release it
 *
 * Which locks are modelled: kq_lock on netbsd-4.0 (kern_event.c 1.41), in knote_enqueue,
 * knote_dequeue and kqueue_wakeup (inside splsched) and where the ktickle patch takes it
 * (kern_event.ts).
 */
import { KASSERT } from '../machine/machine.ts';
import type { Kernel } from './kernel.ts';

export class SimpleLock {
  /** The context holding it (`thread:3`, `intr:softnet`), or null. */
  holder: string | null = null;

  constructor(readonly lock_name: string) {}
}

/** Take `lkp` where the C calls simple_lock. Callers that may be interrupted yield around it. */
export function simple_lock(k: Kernel, lkp: SimpleLock, where: string): void {
  k.m.touch('lock', lkp.lock_name);
  const me = k.m.contextKey() ?? 'idle';
  // The trace event comes first, so the invariant sees a recursion before the state changes.
  k.bus.emit('lock', { op: 'simple_lock', lock: lkp.lock_name, where, holder: lkp.holder ?? '' });
  if (lkp.holder === null) lkp.holder = me;
}

export function simple_unlock(k: Kernel, lkp: SimpleLock, where: string): void {
  k.m.touch('lock', lkp.lock_name);
  KASSERT(lkp.holder !== null, `simple_unlock: ${lkp.lock_name} not held`);
  k.bus.emit('lock', { op: 'simple_unlock', lock: lkp.lock_name, where, holder: lkp.holder });
  // A recursive taker's unlock releases nothing of its own: the holder is the interrupted context.
  if (lkp.holder === (k.m.contextKey() ?? 'idle')) lkp.holder = null;
}
