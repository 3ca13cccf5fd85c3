/*
 * The summary of an exploration as plain data: what `kqsim explore --json` prints, what a
 * shard adds so that shards can be merged, and the merge itself (`kqsim merge`), which
 * gives exactly the summary of the unsplit search: its figures, its collectors' fields
 * (steps, coverage), its saturation, the counterexample with its racing pair (found where
 * the failure was shrunk, and carried in the chunk), and what a clean search proves.
 *
 *   ExploreSummary                   the figures and the counterexample, no trace
 *   slices_summary(header, slices)   the summary of the union of some slices' chunks
 *   saturation_window(header)        untilSaturated, for the strategies it applies to
 *   summary_json(s)                  one line of JSON, the fields in their documented order
 *   shard_json(s, shard)             the same with a `shard` block (chunks and all)
 *   shards_merge(files)              several shard JSON texts -> the unsplit summary
 *   MergeError                       they do not make one search (exit 2)
 */

import { safe_json } from '../view/safe_text.ts';
import { type ChunkResult, chunks_merge, type MergedFinding } from './chunk.ts';
import { type SearchClaim, search_claim } from './claims.ts';
import type { Collected } from './collectors.ts';
import type { Race } from './race.ts';
import type { Slice } from './slice.ts';
import { STRATEGY_NAMES, type StrategyName } from './strategy.ts';

/** What identifies one search: two shards merge only if these are equal. */
export interface ExploreHeader {
  readonly scenario: string;
  readonly build: string;
  readonly platform: string;
  readonly strategy: StrategyName;
  readonly seed: number;
  /** The options that shape the search (runs, depth, ...), as given. */
  readonly options: Readonly<Record<string, number | boolean | string | null>>;
  /** The scenario's device arrivals (`nic0 x2`), which what a clean search proves names. */
  readonly arrivals: readonly string[];
  /** Clock ticks that may land while the cpu is busy, per run (run_limits: the scenario's, or --max-ticks-per-run). */
  readonly busyTicksMax: number;
}

export interface SummaryViolation {
  readonly invariant: string;
  readonly message: string;
  readonly step: number;
  /** The 1-based execution that found it, in the order of the unsplit search. */
  readonly execution: number;
  readonly schedule: string;
  readonly shrunkSchedule: string;
  /** The racing pair of the shrunk run, checked by replay; null with why when there is none. */
  readonly race: Race | null;
  readonly raceWhy: string | null;
}

export interface ExploreSummary {
  readonly scenario: string;
  readonly build: string;
  readonly platform: string;
  readonly strategy: StrategyName;
  readonly seed: number;
  readonly executions: number;
  readonly distinctTraces: number;
  readonly pruned: number;
  /** Exhaustive only: every execution within the bounds was covered (or pruned as equivalent). */
  readonly complete: boolean;
  /** Stopped early by the caller. */
  readonly interrupted: boolean;
  /** Findings made on the way (sim/check/invariant.ts), the first of each invariant, shrunk. */
  readonly findings: readonly MergedFinding[];
  /** Each collector's summary value, by its name (`steps`, `coverage`). */
  readonly collected: Collected;
  readonly violations: readonly SummaryViolation[];
  /** The execution that brought the last new distinct trace (0 if none ran). */
  readonly lastNewTrace: number;
  /** Random, pct: ended by untilSaturated (chunk.ts says where exactly). */
  readonly saturated: boolean;
  /** What a clean search proves; null after a counterexample, and for a shard on its own. */
  readonly confidence: SearchClaim | null;
}

/** What one slice did (sim/explore/explorer.ts runs slices). */
export interface SliceReport {
  readonly chunks: readonly ChunkResult[];
  /** Once the slice has seen every chunk of the search: how many there are; else null. */
  readonly chunksTotal: number | null;
  /** Exhaustive: the slice ran its cap of executions. */
  readonly capped: boolean;
  readonly interrupted: boolean;
}

/** The saturation window of a search, if it has one (random and PCT only). */
export function saturation_window(h: ExploreHeader): number | undefined {
  const n = h.options.untilSaturated;
  return h.strategy !== 'exhaustive' && typeof n === 'number' ? n : undefined;
}

export function slices_summary(h: ExploreHeader, slices: readonly SliceReport[]): ExploreSummary {
  const t = chunks_merge(
    slices.flatMap((s) => s.chunks),
    saturation_window(h),
  );
  const interrupted = slices.some((s) => s.interrupted);
  const capped = slices.some((s) => s.capped);
  const traversed = slices.every((s) => s.chunksTotal === t.chunks);
  const complete = h.strategy === 'exhaustive' && traversed && t.contiguous && !t.cut && !interrupted && !capped && t.failure === null;
  const f = t.failure;
  const facts = { ...t, complete, interrupted, capped, coverage: t.collected.coverage };
  return {
    scenario: h.scenario,
    build: h.build,
    platform: h.platform,
    strategy: h.strategy,
    seed: h.seed,
    executions: t.executions,
    distinctTraces: t.distinctTraces,
    pruned: t.pruned,
    complete,
    interrupted,
    findings: t.findings,
    collected: t.collected,
    violations: f
      ? [
          {
            invariant: f.invariant,
            message: f.message,
            step: f.step,
            execution: f.execution,
            schedule: f.schedule,
            shrunkSchedule: f.shrunkSchedule,
            race: f.race,
            raceWhy: f.raceWhy,
          },
        ]
      : [],
    lastNewTrace: t.lastNewTrace,
    saturated: t.saturated,
    // What a search proves is said of a clean one only, and of the whole of it (not a shard).
    confidence: f || !t.contiguous ? null : search_claim(h, facts),
  };
}

function summary_object(s: ExploreSummary): Record<string, unknown> {
  return {
    scenario: s.scenario,
    build: s.build,
    platform: s.platform,
    strategy: s.strategy,
    seed: s.seed,
    executions: s.executions,
    distinctTraces: s.distinctTraces,
    pruned: s.pruned,
    complete: s.complete,
    interrupted: s.interrupted,
    findings: s.findings.map((f) => ({ invariant: f.invariant, message: f.message, execution: f.execution, shrunkSchedule: f.shrunkSchedule })),
    ...s.collected,
    violations: s.violations.map((v) => ({
      invariant: v.invariant,
      message: v.message,
      step: v.step,
      execution: v.execution,
      schedule: v.schedule,
      shrunkSchedule: v.shrunkSchedule,
      race: v.race,
      ...(v.race ? {} : { raceWhy: v.raceWhy }),
    })),
    saturated: s.saturated,
    confidence: s.confidence,
  };
}

export function summary_json(s: ExploreSummary): string {
  return `${safe_json(summary_object(s))}\n`;
}

interface ShardBlock {
  /** 1-based, as --shard takes it. */
  readonly index: number;
  readonly count: number;
  readonly options: ExploreHeader['options'];
  readonly arrivals: ExploreHeader['arrivals'];
  readonly busyTicksMax: number;
  readonly chunksTotal: number | null;
  readonly capped: boolean;
  readonly chunks: readonly ChunkResult[];
}

export function shard_json(s: ExploreSummary, h: ExploreHeader, slice: Slice, r: SliceReport): string {
  const shard: ShardBlock = {
    index: slice.index + 1,
    count: slice.count,
    options: h.options,
    arrivals: h.arrivals,
    busyTicksMax: h.busyTicksMax,
    chunksTotal: r.chunksTotal,
    capped: r.capped,
    chunks: r.chunks,
  };
  return `${safe_json({ ...summary_object(s), shard })}\n`;
}

export class MergeError extends Error {
  override readonly name = 'MergeError';
}

interface ShardFile {
  readonly file: string;
  readonly header: ExploreHeader;
  readonly shard: ShardBlock;
  readonly interrupted: boolean;
}

function shard_parse(file: string, text: string): ShardFile {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new MergeError(`${file}: not JSON (it should be the output of kqsim explore --shard i/n --json)`);
  }
  const j = o as Record<string, unknown> & { shard?: ShardBlock };
  if (
    typeof j !== 'object' ||
    j === null ||
    typeof j.shard !== 'object' ||
    j.shard === null ||
    !Array.isArray(j.shard.chunks) ||
    !Array.isArray(j.shard.arrivals) ||
    typeof j.shard.busyTicksMax !== 'number'
  ) {
    throw new MergeError(`${file}: no shard block (run kqsim explore with --shard i/n --json)`);
  }
  if (!STRATEGY_NAMES.includes(j.strategy as StrategyName)) throw new MergeError(`${file}: unknown strategy '${String(j.strategy)}'`);
  return {
    file,
    header: {
      scenario: String(j.scenario),
      build: String(j.build),
      platform: String(j.platform),
      strategy: j.strategy as StrategyName,
      seed: Number(j.seed),
      options: j.shard.options,
      arrivals: j.shard.arrivals,
      busyTicksMax: j.shard.busyTicksMax,
    },
    shard: j.shard,
    interrupted: j.interrupted === true,
  };
}

function identity(h: ExploreHeader): string {
  return JSON.stringify([h.scenario, h.build, h.platform, h.strategy, h.seed, h.options, h.arrivals, h.busyTicksMax]);
}

/** Merge the shards of one search (each `{ file, text }`): the unsplit search's summary. */
export function shards_merge(files: readonly { readonly file: string; readonly text: string }[]): ExploreSummary {
  const shards = files.map((f) => shard_parse(f.file, f.text));
  const first = shards[0];
  if (!first) throw new MergeError('nothing to merge: give the JSON summaries of every shard');
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    if (identity(s.header) !== identity(first.header)) {
      throw new MergeError(`${s.file}: not the same search as ${first.file} (scenario, build, platform, strategy, seed and options must match)`);
    }
    if (s.shard.count !== count) throw new MergeError(`${s.file}: shard ${s.shard.index}/${s.shard.count}, but ${first.file} is one of ${count}`);
    const dup = seen.get(s.shard.index);
    if (dup) throw new MergeError(`${s.file}: shard ${s.shard.index}/${count} again (also ${dup})`);
    seen.set(s.shard.index, s.file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new MergeError(`missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  return slices_summary(
    first.header,
    shards.map((s) => ({ chunks: s.shard.chunks, chunksTotal: s.shard.chunksTotal, capped: s.shard.capped, interrupted: s.interrupted })),
  );
}
