/*
 * What an invariant is. Each one watches a booted kernel: `afterStep` is the paired
 * consistency check (the kernel's kq_check()), run at every preemption point; `on` has a
 * check per trace event kind it looks at, called directly by the bus with that event's
 * fields as it happens (so a run nobody records builds only the events some invariant
 * reads); `onEvent` sees every event, stamped (for a check that needs them all: it makes
 * every run pay for the whole trace); `atEnd` runs once a run has finished normally. Each
 * returns a message when the invariant fails. The invariants of one subsystem live in one
 * file of sim/check/, and sim/check/invariants.ts lists them all.
 */
import type { Kernel } from '../../src/kern/kernel.ts';
import type { TraceBody, TraceEvent, TraceKind } from '../../src/trace.ts';

/** Per trace event kind, a check of that kind's events. */
export type InvariantHooks = { readonly [K in TraceKind]?: (ev: TraceBody<K>) => string | null };

export interface InvariantWatch {
  afterStep?(): string | null;
  on?: InvariantHooks;
  onEvent?(ev: TraceEvent): string | null;
  /** Once a run has finished normally and the kernel's teardown checks passed. */
  atEnd?(): string | null;
}

export interface Invariant {
  readonly name: string;
  readonly description: string;
  /**
   * A finding watches a property the code never promised (a latency, an order between
   * classes): when it fails the run goes on, ends `done` and lists the finding (exit 0 with
   * a `findings:` line). Any other invariant that fails stops the run as a violation.
   */
  readonly finding?: boolean;
  watch(k: Kernel): InvariantWatch;
}
