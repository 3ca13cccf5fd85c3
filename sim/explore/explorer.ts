/*
 * The explorer: run many executions of a scenario under a strategy, check every invariant
 * and expectation on each (run_scenario does), count executions, distinct traces, pruned
 * executions and what the collectors gather (steps, coverage), and turn the first failure
 * into a shrunk, replayable counterexample with its racing pair (race.ts).
 *
 *   explore(spec)                       -> Promise<ExploreReport>, in this thread; yields to
 *                                          the event loop between batches so that a caller
 *                                          can stop it (spec.stop())
 *   explore_slice(spec, slice, control) one slice's chunks (workers and shards run these)
 *   explore_report(spec, slices)        the report of the union of slices
 *   explore_header(spec)                what identifies the search (shards of it merge)
 *   make_plan(spec, slice)              the Plan a spec names, for one slice
 *
 * Executions pass quietly: nothing is recorded and only the events an invariant reads are
 * built (run_scenario's record: false); each folds a fingerprint instead. A failing one is
 * shrunk and its racing pair found where it failed (in the worker, under the watchdog; the
 * pair travels with its chunk to shards and `kqsim merge`), and then it is replayed from
 * its schedule to get the trace users see. A run whose outcome is not `done`
 * is a counterexample: an invariant violation, a failed expectation, a panic, or a
 * deadlock. A finding (an invariant marked `finding` that failed: the run went on) is
 * reported by the first execution that made it, shrunk to what still makes it: each slice
 * shrinks the first it meets of each, and the merge keeps the earliest. The merged figures
 * say when the last new distinct trace came and what a clean search proves (claims.ts).
 * The explorer reads no clock; progress reporting (with rates) is the caller's business.
 */
import type { Build } from '../../src/builds.ts';
import type { Kernel } from '../../src/kern/kernel.ts';
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import type { MachineLimits } from '../../src/machine/machine.ts';
import type { Platform } from '../../src/machine/platform.ts';
import type { Invariant } from '../check/invariants.ts';
import { type Finding, type RunResult, run_limits, run_scenario } from '../run/runner.ts';
import type { Scenario } from '../scenario.ts';
import { outcome_message } from '../view/narrate.ts';
import { type ChunkFailure, type ChunkFinding, type ChunkResult, ChunkWatch } from './chunk.ts';
import { arrivals_of } from './claims.ts';
import { COLLECTORS } from './collectors.ts';
import { exhaustive_plan } from './exhaustive.ts';
import { indexed_plan } from './indexed.ts';
import { pct_chooser } from './pct.ts';
import { find_race } from './race.ts';
import { random_chooser } from './random.ts';
import { type BaseSpec, failure_of } from './replay.ts';
import { shrink } from './shrink.ts';
import { type Slice, WHOLE } from './slice.ts';
import type { Plan, StrategyName } from './strategy.ts';
import { type ExploreHeader, type ExploreSummary, type SliceReport, type SummaryViolation, saturation_window, slices_summary } from './summary.ts';

export type { SliceReport } from './summary.ts';

export interface ExploreSpec {
  readonly scenario: Scenario;
  readonly build: Build;
  readonly platform: Platform;
  /** The machine's bounds for every execution (`--max-ticks-per-run`); by default the scenario's. */
  readonly limits?: MachineLimits;
  readonly strategy: StrategyName;
  /** random, pct: how many executions; exhaustive: a cap per slice (the search is incomplete if hit). */
  readonly runs?: number;
  readonly seed?: number;
  readonly depth?: number;
  readonly maxPreemptions?: number;
  /** Exhaustive: partial-order reduction (default on). */
  readonly reduce?: boolean;
  /** PCT: the bug depth d it targets (d-1 priority change points). */
  readonly pctDepth?: number;
  /** Shrink the counterexample (default on). */
  readonly shrink?: boolean;
  /** Name the counterexample's racing pair, checked by replay (default on). */
  readonly explain?: boolean;
  /**
   * Check only these invariants (default: all of sim/check/invariants.ts). Registered ones
   * only when the search runs in workers: they are passed there by name.
   */
  readonly invariants?: readonly Invariant[];
  /** Random, pct: stop once this many executions in a row brought no new distinct trace (checked where chunks end: chunk.ts). */
  readonly untilSaturated?: number;
  /** Called after every execution. */
  readonly onProgress?: (p: ExploreProgress) => void;
  /** Polled between executions: return true to stop early (Ctrl-C). */
  readonly stop?: () => boolean;
}

export interface ExploreProgress {
  readonly executions: number;
  readonly pruned: number;
  /** The number of executions planned, when known (random, pct). */
  readonly planned: number | undefined;
  /** Exhaustive: the share of the tree behind the search, estimated from its shape so far. */
  readonly fraction: number | undefined;
}

export interface Counterexample extends SummaryViolation {
  /** The shrunk run itself, recorded (replaying shrunkSchedule gives the same trace). */
  readonly shrunk: RunResult;
}

export interface ExploreReport extends ExploreSummary {
  readonly violations: readonly Counterexample[];
}

/** How a slice is driven: stopped, told what is no longer needed, watched. */
export interface SliceControl {
  /** Polled between executions: stop now (Ctrl-C). */
  stopped(): boolean;
  /** The last chunk still needed: a failure was found in it by another slice. */
  lastNeeded(): number;
  /** After every execution this slice ran. */
  progress?(p: ExploreProgress): void;
  /** With every kernel booted, before its processes run. */
  boot?(k: Kernel): void;
  /** As soon as a counted execution fails in that chunk (before it is shrunk). */
  failed?(chunk: number): void;
  /** Each chunk this slice counts, once it is done (whole, or cut short). */
  closed?(chunk: ChunkResult): void;
  /** Awaited every few executions, to let the event loop run. */
  pause?(): Promise<void>;
}

export const DEFAULT_RUNS = 10_000;
export const EXHAUSTIVE_RUNS_MAX = 100_000;
/** Executions between two pauses. */
const BATCH = 16;

function base_of(spec: ExploreSpec): BaseSpec {
  return {
    scenario: spec.scenario,
    build: spec.build,
    platform: spec.platform,
    ...(spec.limits ? { limits: spec.limits } : {}),
    ...(spec.invariants ? { invariants: spec.invariants } : {}),
  };
}

/** How many choice points the undisturbed run has (PCT's k). */
function choice_points(base: BaseSpec): number {
  let n = 0;
  const counter: Chooser = {
    choose: (_p: ChoicePoint) => {
      n++;
      return 0;
    },
  };
  run_scenario({ ...base, record: false, chooser: counter });
  return n;
}

export function make_plan(spec: ExploreSpec, slice: Slice): Plan {
  const seed = spec.seed ?? 0;
  const runs = spec.runs ?? DEFAULT_RUNS;
  switch (spec.strategy) {
    case 'random':
      return indexed_plan(runs, slice, (i) => random_chooser(seed, i));
    case 'pct': {
      const k = choice_points(base_of(spec));
      const depth = spec.pctDepth ?? 3;
      return indexed_plan(runs, slice, (i) => pct_chooser(seed, i, depth, k));
    }
    case 'exhaustive':
      return exhaustive_plan(
        {
          ...(spec.reduce !== undefined ? { reduce: spec.reduce } : {}),
          ...(spec.depth !== undefined ? { depth: spec.depth } : {}),
          ...(spec.maxPreemptions !== undefined ? { maxPreemptions: spec.maxPreemptions } : {}),
        },
        slice,
      );
  }
}

/** A chunk being filled. */
class ChunkAcc {
  executions = 0;
  pruned = 0;
  cut = false;
  failure: ChunkFailure | null = null;
  readonly findings: ChunkFinding[] = [];
  readonly traces = new Set<number>();
  readonly firstSeen: number[] = [];
  readonly data: Record<string, unknown> = {};

  constructor(readonly chunk: number) {
    for (const c of COLLECTORS) this.data[c.name] = c.empty();
  }

  result(partial: boolean): ChunkResult {
    return {
      chunk: this.chunk,
      executions: this.executions,
      pruned: this.pruned,
      traces: [...this.traces],
      firstSeen: [...this.firstSeen],
      cut: this.cut,
      partial,
      failure: this.failure,
      findings: [...this.findings],
      collected: { ...this.data },
    };
  }
}

/*
 * The failure a chunk reports: shrunk on the quiet path, then its racing pair found on the
 * recorded one (the pair's steps are narrated), for the shrunk schedule, whose strict
 * replay (explore_report) is the run users see.
 */
function failure_record(spec: ExploreSpec, quiet: BaseSpec, loud: BaseSpec, r: RunResult, offset: number): ChunkFailure {
  const shrunk = spec.shrink === false ? r : shrink(quiet, r).result;
  const finding = spec.explain === false ? { race: null, why: 'not asked for' } : find_race(loud, shrunk.schedule);
  return {
    invariant: failure_of(r.outcome),
    message: outcome_message(r.outcome),
    step: r.steps,
    offset,
    schedule: r.schedule,
    shrunkSchedule: shrunk.schedule,
    race: finding.race,
    raceWhy: finding.race ? null : finding.why,
  };
}

/** A finding of the run at `offset`, shrunk to the fewest disturbances that still make it. */
function finding_record(spec: ExploreSpec, quiet: BaseSpec, r: RunResult, f: Finding, offset: number): ChunkFinding {
  const keeps = (x: RunResult) => x.findings.some((g) => g.invariant === f.invariant);
  const shrunk = spec.shrink === false ? r : shrink(quiet, r, { keeps }).result;
  return { invariant: f.invariant, message: f.message, offset, shrunkSchedule: shrunk.schedule };
}

export async function explore_slice(spec: ExploreSpec, slice: Slice, control: SliceControl): Promise<SliceReport> {
  const plan = make_plan(spec, slice);
  const cap = spec.strategy === 'exhaustive' ? (spec.runs ?? EXHAUSTIVE_RUNS_MAX) : Number.POSITIVE_INFINITY;
  // Shrinking and the racing pair run under the same watch (heartbeats) as the search.
  const loud: BaseSpec = { ...base_of(spec), ...(control.boot ? { boot: control.boot } : {}) };
  const quiet: BaseSpec = { ...loud, record: false };
  const chunks: ChunkResult[] = [];
  // The findings this slice has reported: a later chunk of the same slice cannot be the first to make them.
  const found = new Set<string>();
  let acc: ChunkAcc | null = null;
  let chunk = -1;
  let executions = 0;
  let pruned = 0;
  let interrupted = false;
  let capped = false;
  let finished = false;
  const close = (partial: boolean) => {
    if (acc) {
      acc.cut ||= plan.takeCut();
      const done = acc.result(partial);
      chunks.push(done);
      control.closed?.(done);
    } else plan.takeCut();
    acc = null;
  };
  for (let ran = 0; ; ran++) {
    if (control.stopped()) {
      interrupted = true;
      break;
    }
    if (control.pause && ran % BATCH === BATCH - 1) await control.pause();
    const p = plan.next();
    if (!p) {
      finished = true;
      break;
    }
    if (p.chunk > control.lastNeeded()) break;
    if (p.chunk !== chunk) {
      close(false);
      chunk = p.chunk;
      if (p.counts) acc = new ChunkAcc(chunk);
    }
    if (p.counts && executions >= cap) {
      capped = true;
      break;
    }
    const into: ChunkAcc | null = acc;
    let chooser = p.execution.chooser;
    if (into) for (const c of COLLECTORS) if (c.chooser) chooser = c.chooser(chooser, into.data[c.name]);
    const r = run_scenario({
      ...quiet,
      fingerprint: true,
      chooser,
      ...(p.execution.observer ? { observer: p.execution.observer } : {}),
      boot: (k) => {
        control.boot?.(k);
        if (into) for (const c of COLLECTORS) c.watch?.(k, into.data[c.name]);
      },
    });
    const kept = p.execution.finished(r);
    if (into) {
      if (kept) {
        into.executions++;
        const fp = r.fingerprint as number;
        if (!into.traces.has(fp)) {
          into.traces.add(fp);
          into.firstSeen.push(into.executions);
        }
      } else into.pruned++;
      for (const c of COLLECTORS) into.data[c.name] = c.add(into.data[c.name], r);
      if (kept) executions++;
      else pruned++;
      for (const f of kept ? r.findings : []) {
        if (found.has(f.invariant)) continue;
        found.add(f.invariant);
        into.findings.push(finding_record(spec, quiet, r, f, into.executions));
      }
    }
    control.progress?.({ executions, pruned, planned: undefined, fraction: plan.fraction() });
    if (kept && r.outcome.kind !== 'done') {
      // Nothing after this chunk matters to the merged result: an unsplit search stops here.
      if (into) {
        control.failed?.(into.chunk);
        into.failure = failure_record(spec, quiet, loud, r, into.executions);
      }
      break;
    }
  }
  close(interrupted);
  return { chunks, chunksTotal: finished ? plan.chunksSeen() : null, capped, interrupted };
}

/** What identifies the search a spec names (shards of it merge). */
export function explore_header(spec: ExploreSpec): ExploreHeader {
  const opt = <T>(v: T | undefined) => v ?? null;
  return {
    scenario: spec.scenario.name,
    build: spec.build.name,
    platform: spec.platform.name,
    strategy: spec.strategy,
    seed: spec.seed ?? 0,
    options: {
      runs: opt(spec.runs),
      depth: opt(spec.depth),
      maxPreemptions: opt(spec.maxPreemptions),
      reduce: opt(spec.reduce),
      pctDepth: opt(spec.pctDepth),
      untilSaturated: opt(spec.untilSaturated),
      invariants: spec.invariants ? spec.invariants.map((i) => i.name).join(',') : null,
    },
    arrivals: arrivals_of(spec.scenario),
    busyTicksMax: run_limits(spec).busy_ticks_max,
  };
}

/** The report of the union of the slices of one search, with its counterexample replayed. */
export function explore_report(spec: ExploreSpec, slices: readonly SliceReport[]): ExploreReport {
  const s = slices_summary(explore_header(spec), slices);
  // Replay the shrunk schedule strictly, recording, exactly as `kqsim replay` will.
  const violations = s.violations.map((v): Counterexample => {
    const shrunk = run_scenario({ ...base_of(spec), schedule: v.shrunkSchedule });
    return { ...v, shrunkSchedule: shrunk.schedule, shrunk };
  });
  return { ...s, violations };
}

/** Run a search, or one slice of it (a shard), in this thread. */
export async function explore(spec: ExploreSpec, slice: Slice = WHOLE): Promise<ExploreReport & { readonly slice: SliceReport }> {
  const planned = spec.strategy === 'exhaustive' ? undefined : (spec.runs ?? DEFAULT_RUNS);
  // A whole search sees its chunks in order, so it stops where the saturation window closes.
  const watch = new ChunkWatch(saturation_window(explore_header(spec)));
  const report = await explore_slice(spec, slice, {
    stopped: () => spec.stop?.() ?? false,
    lastNeeded: () => watch.lastNeeded(),
    closed: (c) => watch.add(c),
    progress: (p) => spec.onProgress?.({ ...p, planned }),
    pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  return { ...explore_report(spec, [report]), slice: report };
}
