/*
 * The registry: every named invariant, checked on every step of every run, in the order
 * `kqsim list` shows them. One file of sim/check/ per subsystem holds its invariants.
 *
 *   kqueue.ts    the active queue, kq_count, what a scan returns, wakeups
 *   kcont.ts     kcont(9), on builds with options KCONT
 *   ktickle.ts   the ktickle patch
 *   socket.ts    socket buffers: their count, readers sleeping through data
 *   synch.ts     sleep, wakeup and the timeouts that end sleeps
 */

import type { Invariant } from './invariant.ts';
import { KCONT_INVARIANTS } from './kcont.ts';
import { KQUEUE_INVARIANTS } from './kqueue.ts';
import { KTICKLE_INVARIANTS } from './ktickle.ts';
import { SOCKET_INVARIANTS } from './socket.ts';
import { SYNCH_INVARIANTS } from './synch.ts';

export type { Invariant, InvariantWatch } from './invariant.ts';

export const INVARIANTS: readonly Invariant[] = [
  ...KQUEUE_INVARIANTS,
  ...SOCKET_INVARIANTS,
  ...SYNCH_INVARIANTS,
  ...KCONT_INVARIANTS,
  ...KTICKLE_INVARIANTS,
];
