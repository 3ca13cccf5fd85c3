/*
 * Per-execution collectors: what an exploration gathers from each execution besides its
 * outcome, as plain data that chunks, workers, shards and `kqsim merge` combine. Each
 * collector names a field of the summary (`steps`, ...). To add one (coverage, say): write
 * a Collector whose data is JSON (numbers, strings, arrays, plain objects), give it a
 * `watch` if it needs to see the run as it happens (hook the bus, wrap the chooser's
 * points, read the machine at the end), and list it in COLLECTORS; the explorer, the
 * workers, the shard summaries and the merge pick it up from there.
 *
 *   Collector<A>     empty(), watch(k, acc)?, add(acc, r), merge(into, from), summary(acc)
 *   COLLECTORS       the registry, in the order their fields appear in a summary
 *   steps            the total steps executed
 */
import type { Kernel } from '../../src/kern/kernel.ts';
import type { RunResult } from '../run/runner.ts';

export interface Collector<A> {
  /** Its field in the summary. */
  readonly name: string;
  /** The data of no executions. */
  empty(): A;
  /** At boot of an execution the slice counts: watch the run into `acc`. */
  watch?(k: Kernel, acc: A): void;
  /** After that execution ran: fold its result in; returns the new data. */
  add(acc: A, r: RunResult): A;
  /** The data of two runs of chunks, `from` after `into`. */
  merge(into: A, from: A): A;
  /** What the summary shows. */
  summary(acc: A): unknown;
}

const steps: Collector<number> = {
  name: 'steps',
  empty: () => 0,
  add: (n, r) => n + r.steps,
  merge: (a, b) => a + b,
  summary: (n) => n,
};

// biome-ignore lint/suspicious/noExplicitAny: each collector has its own data type
export const COLLECTORS: readonly Collector<any>[] = [steps];
