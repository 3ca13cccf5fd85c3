/*
 * Lock and spl discipline (kern_lock.ts): a simple_lock that an interrupt handler also takes
 * must be held only at an spl that keeps that handler out. On one cpu a simplelock does not
 * wait, so the broken discipline shows when a handler takes a lock that the context it
 * interrupted holds: LOCKDEBUG panics "simple_lock: locking against myself", a
 * uniprocessor kernel without it carries on with the lock's data half-updated, and on a
 * multiprocessor the handler spins forever on its own cpu. Checked on every build; only
 * netbsd-4.0 builds model a simplelock (kq_lock).
 *
 *   simple-lock-spl
 */
import type { Invariant } from './invariant.ts';

const simpleLockSpl: Invariant = {
  name: 'simple-lock-spl',
  description: 'a simple_lock an interrupt handler takes is never held at an spl that lets that handler in (LOCKDEBUG: "locking against myself")',
  watch: (k) => {
    // Where each held lock was taken, and at which cpl, for the message.
    const taken = new Map<string, string>();
    return {
      on: {
        lock(ev) {
          if (ev.op === 'simple_unlock') {
            if (ev.holder === k.m.contextKey()) taken.delete(ev.lock);
            return null;
          }
          const ctx = k.m.contextName();
          if (ev.holder === '') {
            taken.set(ev.lock, `${ctx} took it in ${ev.where} at cpl ${k.m.iplName()}`);
            return null;
          }
          return `${ctx} takes ${ev.lock} in ${ev.where}, but ${taken.get(ev.lock) ?? `${ev.holder} holds it`}, which lets ${ctx} in: LOCKDEBUG panics "simple_lock: locking against myself", a multiprocessor spins forever`;
        },
      },
    };
  },
};

export const LOCK_INVARIANTS: readonly Invariant[] = [simpleLockSpl];
