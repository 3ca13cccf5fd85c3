/*
 * Per-execution collectors: what an exploration gathers from each execution besides its
 * outcome, as plain data that chunks, workers, shards and `kqsim merge` combine. Each
 * collector names a field of the summary (`steps`, `coverage`). To add one: write a
 * Collector whose data is JSON (numbers, strings, arrays, plain objects), give it a `watch`
 * if it needs to see the run as it happens (hook the bus, read the machine at the end) or a
 * `chooser` if it needs every choice point, and list it in REGISTERED; the explorer, the
 * workers, the shard summaries and the merge pick it up from there. Whatever a collector
 * keeps lives in its data: a hook writes into the `acc` it is given, nowhere else.
 *
 *   Collector<A, S>  empty(), watch(k, acc)?, chooser(inner, acc)?, add(acc, r),
 *                    merge(into, from), summary(acc) -> S
 *   COLLECTORS       the registry, in the order their fields appear in a summary
 *   Collected        the summary fields they make, by name
 *   steps            the total steps executed
 *   coverage         (preemption point, interrupt source) pairs offered and taken (coverage.ts)
 */
import type { Kernel } from '../../src/kern/kernel.ts';
import type { Chooser } from '../../src/machine/chooser.ts';
import type { RunResult } from '../run/runner.ts';
import { type CoverageData, type CoverageView, coverage_chooser, coverage_empty, coverage_merge, coverage_view } from './coverage.ts';

export interface Collector<A, S> {
  /** Its field in the summary. */
  readonly name: string;
  /** The data of no executions. */
  empty(): A;
  /** At boot of an execution the slice counts: watch the run into `acc`. */
  watch?(k: Kernel, acc: A): void;
  /** For an execution the slice counts: the chooser to run it with, `inner` watched into `acc`. */
  chooser?(inner: Chooser, acc: A): Chooser;
  /** After that execution ran (to its end, or pruned): fold its result in; returns the new data. */
  add(acc: A, r: RunResult): A;
  /** The data of two runs of chunks, `from` after `into`; leaves both as they were. */
  merge(into: A, from: A): A;
  /** What the summary shows. */
  summary(acc: A): S;
}

const steps = {
  name: 'steps',
  empty: () => 0,
  add: (n, r) => n + r.steps,
  merge: (a, b) => a + b,
  summary: (n) => n,
} as const satisfies Collector<number, number>;

const coverage = {
  name: 'coverage',
  empty: coverage_empty,
  chooser: coverage_chooser,
  add: (c) => {
    c.runs++;
    return c;
  },
  merge: coverage_merge,
  summary: coverage_view,
} as const satisfies Collector<CoverageData, CoverageView>;

const REGISTERED = [steps, coverage] as const;

/** The summary fields of the collectors, by name (`steps: number`, `coverage: CoverageView`). */
export type Collected = { readonly [C in (typeof REGISTERED)[number] as C['name']]: ReturnType<C['summary']> };

// biome-ignore lint/suspicious/noExplicitAny: each collector has its own data type
export const COLLECTORS: readonly Collector<any, unknown>[] = REGISTERED;
