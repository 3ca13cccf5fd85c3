/*
 * What a chunk of executions found (slice.ts says what a chunk is), as plain data that
 * crosses worker threads and machines (JSON), and how chunks combine: in chunk order, up
 * to and including the first chunk with a failure, which is where an unsplit search stops.
 * A chunk's own executions stop at its first failure too, so the merged figures are the
 * unsplit search's exactly, however the chunks were spread.
 *
 *   ChunkResult            counts, fingerprints, collected data, failure of one chunk
 *   ChunkFailure           its first failing execution (offset within the chunk)
 *   chunks_merge(chunks)   -> Totals: the figures of the chunks an unsplit search would run
 */
import { COLLECTORS } from './collectors.ts';

export interface ChunkFailure {
  /** The invariant's name, `expectation`, `panic` or `deadlock`. */
  readonly invariant: string;
  readonly message: string;
  /** The step at which the failing execution failed. */
  readonly step: number;
  /** Its position among the chunk's counted executions, from 1. */
  readonly offset: number;
  readonly schedule: string;
  readonly shrunkSchedule: string;
}

export interface ChunkResult {
  readonly chunk: number;
  /** Counted executions (run to their end). */
  readonly executions: number;
  /** Executions cut short as equivalent to one already explored. */
  readonly pruned: number;
  /** The fingerprints of its executions (TraceFingerprint), each once. */
  readonly traces: readonly number[];
  /** Exhaustive: a bound cut part of this chunk's subtree. */
  readonly cut: boolean;
  /** Stopped (Ctrl-C) before its last execution. */
  readonly partial: boolean;
  readonly failure: ChunkFailure | null;
  /** Each collector's data, by its name (collectors.ts). */
  readonly collected: Readonly<Record<string, unknown>>;
}

export interface MergedFailure extends ChunkFailure {
  /** The failing execution's number in the unsplit search, from 1. */
  readonly execution: number;
}

export interface Totals {
  readonly executions: number;
  readonly pruned: number;
  readonly distinctTraces: number;
  /** Some bound cut part of the merged chunks. */
  readonly cut: boolean;
  readonly failure: MergedFailure | null;
  /** How many chunks went in (all up to the failure, if any). */
  readonly chunks: number;
  /** Every chunk number below `chunks` was there. */
  readonly contiguous: boolean;
  /** Each collector's summary value, by its name. */
  readonly collected: Readonly<Record<string, unknown>>;
}

export function chunks_merge(chunks: readonly ChunkResult[]): Totals {
  const sorted = [...chunks].sort((a, b) => a.chunk - b.chunk);
  const traces = new Set<number>();
  const data: Record<string, unknown> = {};
  for (const c of COLLECTORS) data[c.name] = c.empty();
  let executions = 0;
  let pruned = 0;
  let cut = false;
  let failure: MergedFailure | null = null;
  let n = 0;
  let contiguous = true;
  for (const c of sorted) {
    if (c.chunk !== n) contiguous = false;
    n++;
    for (const t of c.traces) traces.add(t);
    for (const col of COLLECTORS) data[col.name] = col.merge(data[col.name], c.collected[col.name] ?? col.empty());
    if (c.failure) failure = { ...c.failure, execution: executions + c.failure.offset };
    executions += c.executions;
    pruned += c.pruned;
    cut ||= c.cut;
    if (failure) break;
  }
  const collected: Record<string, unknown> = {};
  for (const col of COLLECTORS) collected[col.name] = col.summary(data[col.name]);
  return { executions, pruned, distinctTraces: traces.size, cut, failure, chunks: n, contiguous, collected };
}
