/*
 * What an invariant is. Each one watches a booted kernel: `afterStep` is the paired
 * consistency check (the kernel's kq_check()), run at every preemption point; `onEvent`
 * looks at trace events as they happen; `atEnd` runs once a run has finished normally.
 * Each returns a message when the invariant fails. The invariants of one subsystem live in
 * one file of sim/check/, and sim/check/invariants.ts lists them all.
 */
import type { Kernel } from '../../src/kern/kernel.ts';
import type { TraceEvent } from '../../src/trace.ts';

export interface InvariantWatch {
  afterStep?(): string | null;
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
