/*
 * The registry: every named invariant, checked on every step of every run, in the order
 * `kqsim list` shows them. One file of sim/check/ per subsystem holds its invariants.
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
