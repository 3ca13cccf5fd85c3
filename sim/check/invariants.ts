/*
 * The registry: every named invariant, checked on every step of every run, in the order
 * `kqsim list` shows them. One file of sim/check/ per subsystem holds its invariants.
 *
 *   INVARIANTS               all of them
 *   invariants_named(names)  some of them, by name (how a search in a worker thread is told
 *                            which to check: functions do not cross threads, names do)
 *
 *   kqueue.ts    the active queue, kq_count, what a scan returns, wakeups
 *   kcont.ts     kcont(9), on builds with options KCONT
 *   ktickle.ts   the ktickle patch
 *   socket.ts    socket buffers: their count, readers sleeping through data
 *   synch.ts     sleep, wakeup and the timeouts that end sleeps
 *   linux_kevent.ts   Linux kevent (take24), on build linux-kevent
 *   dillon.ts    Dillon's 2000 API, on build dillon-2000
 *   lock.ts      simple_lock and spl discipline
 */

import { DILLON_INVARIANTS } from './dillon.ts';
import type { Invariant } from './invariant.ts';
import { KCONT_INVARIANTS } from './kcont.ts';
import { KQUEUE_INVARIANTS } from './kqueue.ts';
import { KTICKLE_INVARIANTS } from './ktickle.ts';
import { LINUX_KEVENT_INVARIANTS } from './linux_kevent.ts';
import { LOCK_INVARIANTS } from './lock.ts';
import { SOCKET_INVARIANTS } from './socket.ts';
import { SYNCH_INVARIANTS } from './synch.ts';

export type { Invariant, InvariantWatch } from './invariant.ts';

export const INVARIANTS: readonly Invariant[] = [
  ...KQUEUE_INVARIANTS,
  ...SOCKET_INVARIANTS,
  ...SYNCH_INVARIANTS,
  ...KCONT_INVARIANTS,
  ...KTICKLE_INVARIANTS,
  ...LOCK_INVARIANTS,
  ...LINUX_KEVENT_INVARIANTS,
  ...DILLON_INVARIANTS,
];

/** The invariants with these names, in registry order; an unknown name is a programming error. */
export function invariants_named(names: readonly string[]): readonly Invariant[] {
  const unknown = names.find((n) => !INVARIANTS.some((i) => i.name === n));
  if (unknown !== undefined) throw new Error(`no invariant named '${unknown}' (kqsim list shows them)`);
  return INVARIANTS.filter((i) => names.includes(i.name));
}
