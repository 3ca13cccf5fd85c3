/*
 * What a chunk of executions found (slice.ts says what a chunk is), as plain data that
 * crosses worker threads and machines (JSON), and how chunks combine: in chunk order, up
 * to and including the first chunk with a failure, which is where an unsplit search stops.
 * A chunk's own executions stop at its first failure too, so the merged figures are the
 * unsplit search's exactly, however the chunks were spread.
 *
 * Saturation (random and PCT, `untilSaturated` N) is decided on that same order, at chunk
 * ends: the search ends with the first whole chunk after which the last N executions of
 * the unsplit order brought no new fingerprint. Checking only where chunks end is what
 * makes it independent of workers and shards: a chunk's data (its steps, its coverage) is
 * whole or absent, never cut at an execution only the merge can find. So a saturated
 * search ran at least N, and fewer than N + INDEXED_CHUNK, executions past its last new
 * trace.
 *
 *   ChunkResult            counts, fingerprints, collected data, failure of one chunk
 *   ChunkFailure           its first failing execution (offset within the chunk), shrunk,
 *                          with its racing pair
 *   ChunkFinding           a finding first made, in its slice, by an execution of the chunk
 *   TraceTally             distinct traces and the last new one, along chunks in order
 *   ChunkWatch             chunks as they arrive, in any order: the last one still needed
 *   chunks_merge(chunks, window)   -> Totals: the figures of the chunks an unsplit search
 *                                     would run
 */
import { COLLECTORS, type Collected } from './collectors.ts';
import type { Race } from './race.ts';

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
  /** The racing pair of the shrunk run, checked by replay; null with why when there is none. */
  readonly race: Race | null;
  readonly raceWhy: string | null;
}

export interface ChunkFinding {
  /** The finding invariant's name. */
  readonly invariant: string;
  readonly message: string;
  /** The execution that made it, among the chunk's counted executions, from 1. */
  readonly offset: number;
  /** The fewest disturbances that still make it. */
  readonly shrunkSchedule: string;
}

export interface ChunkResult {
  readonly chunk: number;
  /** Counted executions (run to their end). */
  readonly executions: number;
  /** Executions cut short as equivalent to one already explored. */
  readonly pruned: number;
  /** The fingerprints of its executions (TraceFingerprint), each once, in the order they first came. */
  readonly traces: readonly number[];
  /** For each of `traces`, the counted execution (from 1, within the chunk) that first had it. */
  readonly firstSeen: readonly number[];
  /** Exhaustive: a bound cut part of this chunk's subtree. */
  readonly cut: boolean;
  /** Stopped (Ctrl-C) before its last execution. */
  readonly partial: boolean;
  readonly failure: ChunkFailure | null;
  /**
   * The findings its executions made that no earlier chunk of the same slice had made, in
   * the order they were made (an earlier chunk of another slice may have: the merge keeps
   * the earliest).
   */
  readonly findings: readonly ChunkFinding[];
  /** Each collector's data, by its name (collectors.ts). */
  readonly collected: Readonly<Record<string, unknown>>;
}

export interface MergedFailure extends ChunkFailure {
  /** The failing execution's number in the unsplit search, from 1. */
  readonly execution: number;
}

export interface MergedFinding extends Omit<ChunkFinding, 'offset'> {
  /** The execution that first made it, in the unsplit search, from 1. */
  readonly execution: number;
}

export interface Totals {
  readonly executions: number;
  readonly pruned: number;
  readonly distinctTraces: number;
  /** The execution (from 1, in the unsplit order) that brought the last new trace; 0 if none ran. */
  readonly lastNewTrace: number;
  /** The saturation window closed: the merge stopped there. */
  readonly saturated: boolean;
  /** Some bound cut part of the merged chunks. */
  readonly cut: boolean;
  readonly failure: MergedFailure | null;
  /** The first of each finding, in the order the unsplit search made them. */
  readonly findings: readonly MergedFinding[];
  /** How many chunks went in (all up to the failure or the saturation, if any). */
  readonly chunks: number;
  /** Every chunk number below `chunks` was there. */
  readonly contiguous: boolean;
  /** Each collector's summary value, by its name. */
  readonly collected: Collected;
}

export class TraceTally {
  private readonly seen = new Set<number>();
  executions = 0;
  lastNewTrace = 0;

  /** @param window untilSaturated, if the search has one */
  constructor(private readonly window: number | undefined) {}

  /** Count the next chunk in order. */
  add(c: ChunkResult): void {
    c.traces.forEach((t, i) => {
      if (this.seen.has(t)) return;
      this.seen.add(t);
      this.lastNewTrace = this.executions + (c.firstSeen[i] as number);
    });
    this.executions += c.executions;
  }

  distinct(): number {
    return this.seen.size;
  }

  /** After a whole chunk: the last `window` executions brought no new trace. */
  saturated(): boolean {
    return this.window !== undefined && this.executions - this.lastNewTrace >= this.window;
  }
}

/*
 * For the thread that watches workers: which chunks are still needed, decided on the prefix
 * of whole chunks that has arrived (the same rule as chunks_merge, so stopping the workers
 * there loses nothing the merge would keep).
 */
export class ChunkWatch {
  private readonly waiting = new Map<number, ChunkResult>();
  private readonly tally: TraceTally;
  private next = 0;
  private last = Number.POSITIVE_INFINITY;

  constructor(window: number | undefined) {
    this.tally = new TraceTally(window);
  }

  add(c: ChunkResult): void {
    if (c.partial || c.chunk < this.next) return;
    this.waiting.set(c.chunk, c);
    for (let x = this.waiting.get(this.next); x && this.last === Number.POSITIVE_INFINITY; x = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.tally.add(x);
      if (x.failure || this.tally.saturated()) this.last = x.chunk;
      this.next++;
    }
  }

  lastNeeded(): number {
    return this.last;
  }
}

export function chunks_merge(chunks: readonly ChunkResult[], window: number | undefined): Totals {
  const sorted = [...chunks].sort((a, b) => a.chunk - b.chunk);
  const tally = new TraceTally(window);
  const data: Record<string, unknown> = {};
  for (const c of COLLECTORS) data[c.name] = c.empty();
  let pruned = 0;
  let cut = false;
  let failure: MergedFailure | null = null;
  const findings: MergedFinding[] = [];
  let saturated = false;
  let n = 0;
  let contiguous = true;
  for (const c of sorted) {
    if (c.chunk !== n) contiguous = false;
    n++;
    for (const col of COLLECTORS) data[col.name] = col.merge(data[col.name], c.collected[col.name] ?? col.empty());
    if (c.failure) failure = { ...c.failure, execution: tally.executions + c.failure.offset };
    for (const { offset, ...f } of c.findings) {
      if (!findings.some((g) => g.invariant === f.invariant)) findings.push({ ...f, execution: tally.executions + offset });
    }
    tally.add(c);
    pruned += c.pruned;
    cut ||= c.cut;
    if (failure) break;
    // Past a gap (a worker stopped by Ctrl-C) the order is broken: no saturation is claimed.
    if (contiguous && !c.partial && tally.saturated()) {
      saturated = true;
      break;
    }
  }
  const collected: Record<string, unknown> = {};
  for (const col of COLLECTORS) collected[col.name] = col.summary(data[col.name]);
  return {
    executions: tally.executions,
    pruned,
    distinctTraces: tally.distinct(),
    lastNewTrace: tally.lastNewTrace,
    saturated,
    cut,
    failure,
    findings,
    chunks: n,
    contiguous,
    // Every collector of COLLECTORS has filled its field.
    collected: collected as Collected,
  };
}
