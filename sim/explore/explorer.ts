/*
 * The explorer: run many executions of a scenario under a strategy, check every invariant
 * and expectation on each (run_scenario does), count executions, distinct traces and
 * pruned executions, and turn the first failure into a shrunk, replayable counterexample.
 *
 *   explore(spec)        -> Promise<ExploreReport>; yields to the event loop between
 *                           batches so that a caller can stop it (spec.stop())
 *   make_strategy(spec)  the Strategy a spec names
 *
 * A run whose outcome is not `done` is a counterexample: an invariant violation, a failed
 * expectation, a panic, or a deadlock; it comes with its racing pair (race.ts). Every
 * search also records its coverage (coverage.ts) and when it last saw a new distinct
 * trace, which claims.ts turns into what a clean search proves. The explorer reads no
 * clock; progress reporting (with rates) is the caller's business.
 */
import type { Build } from '../../src/builds.ts';
import type { MachineLimits } from '../../src/machine/machine.ts';
import type { Platform } from '../../src/machine/platform.ts';
import type { Invariant } from '../check/invariants.ts';
import { type Finding, type RunResult, run_scenario } from '../run/runner.ts';
import type { Scenario } from '../scenario.ts';
import { outcome_message } from '../view/narrate.ts';
import { type Coverage, CoverageCollector } from './coverage.ts';
import { exhaustive_strategy } from './exhaustive.ts';
import { pct_strategy } from './pct.ts';
import { find_race, type Race } from './race.ts';
import { random_strategy } from './random.ts';
import { type BaseSpec, failure_of } from './replay.ts';
import { shrink } from './shrink.ts';
import type { Strategy, StrategyName } from './strategy.ts';
import { trace_hash } from './trace_hash.ts';

export interface ExploreSpec {
  readonly scenario: Scenario;
  readonly build: Build;
  readonly platform: Platform;
  /** The machine's bounds for every execution (`--max-ticks-per-run`); by default the scenario's. */
  readonly limits?: MachineLimits;
  readonly strategy: StrategyName;
  /** random, pct: how many executions; exhaustive: a cap (the search is incomplete if hit). */
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
  /** Check only these invariants (default: all of sim/check/invariants.ts). */
  readonly invariants?: readonly Invariant[];
  /** Random, pct: stop once this many executions in a row brought no new distinct trace. */
  readonly untilSaturated?: number;
  /** Called after every execution. */
  readonly onProgress?: (p: ExploreProgress) => void;
  /** Polled between executions: return true to stop early (Ctrl-C). */
  readonly stop?: () => boolean;
}

export interface ExploreProgress {
  readonly executions: number;
  readonly pruned: number;
  readonly distinctTraces: number;
  /** The number of executions planned, when known (random, pct). */
  readonly planned: number | undefined;
}

export interface Counterexample {
  /** The invariant's name, `expectation`, `panic` or `deadlock`. */
  readonly invariant: string;
  readonly message: string;
  /** The step at which the original failing execution failed. */
  readonly step: number;
  readonly schedule: string;
  readonly shrunkSchedule: string;
  /** The shrunk run itself (replaying shrunkSchedule gives the same trace). */
  readonly shrunk: RunResult;
  /** The 1-based execution that found it. */
  readonly execution: number;
  /** The racing pair of the shrunk run, checked by replay; null with why when there is none. */
  readonly race: Race | null;
  readonly raceWhy: string | null;
}

/** A finding (sim/check/invariant.ts): the first execution that made it, shrunk. */
export interface ExploreFinding {
  readonly invariant: string;
  readonly message: string;
  readonly execution: number;
  /** The fewest disturbances that still make the finding, as a schedule. */
  readonly shrunkSchedule: string;
}

export interface ExploreReport {
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
  readonly violations: readonly Counterexample[];
  /** Findings made on the way, the first of each invariant. */
  readonly findings: readonly ExploreFinding[];
  /** Which interrupt sources could interrupt at which points, and which did. */
  readonly coverage: Coverage;
  /** The execution that brought the last new distinct trace (0 if none ran). */
  readonly lastNewTrace: number;
  /** Stopped by untilSaturated. */
  readonly saturated: boolean;
}

export const DEFAULT_RUNS = 10_000;
export const EXHAUSTIVE_RUNS_MAX = 100_000;
/** Executions between two yields to the event loop. */
const BATCH = 16;

export function make_strategy(spec: ExploreSpec): Strategy {
  const seed = spec.seed ?? 0;
  switch (spec.strategy) {
    case 'random':
      return random_strategy(seed);
    case 'pct':
      return pct_strategy(seed, spec.pctDepth);
    case 'exhaustive':
      return exhaustive_strategy({
        ...(spec.reduce !== undefined ? { reduce: spec.reduce } : {}),
        ...(spec.depth !== undefined ? { depth: spec.depth } : {}),
        ...(spec.maxPreemptions !== undefined ? { maxPreemptions: spec.maxPreemptions } : {}),
      });
  }
}

/** The first run that made finding `f`, shrunk to the fewest disturbances that still make it. */
function finding_of(spec: ExploreSpec, base: BaseSpec, r: RunResult, f: Finding, execution: number): ExploreFinding {
  const keeps = (x: RunResult) => x.findings.some((g) => g.invariant === f.invariant);
  const shrunk = spec.shrink === false ? r : shrink(base, r, { keeps }).result;
  return { invariant: f.invariant, message: f.message, execution, shrunkSchedule: shrunk.schedule };
}

export async function explore(spec: ExploreSpec): Promise<ExploreReport> {
  const strategy = make_strategy(spec);
  const limit = spec.runs ?? (spec.strategy === 'exhaustive' ? EXHAUSTIVE_RUNS_MAX : DEFAULT_RUNS);
  const base = {
    scenario: spec.scenario,
    build: spec.build,
    platform: spec.platform,
    ...(spec.limits ? { limits: spec.limits } : {}),
    ...(spec.invariants ? { invariants: spec.invariants } : {}),
  };
  const traces = new Set<string>();
  const coverage = new CoverageCollector();
  let lastNewTrace = 0;
  let saturated = false;
  let executions = 0;
  let interrupted = false;
  let capped = false;
  const violations: Counterexample[] = [];
  const findings: ExploreFinding[] = [];

  for (;;) {
    if (spec.stop?.()) {
      interrupted = true;
      break;
    }
    const ex = strategy.next();
    if (!ex) break;
    if (executions >= limit) {
      capped = true;
      break;
    }
    const r = run_scenario({ ...base, chooser: coverage.wrap(ex.chooser), ...(ex.observer ? { observer: ex.observer } : {}) });
    coverage.end_run();
    if (ex.finished(r)) {
      executions++;
      const hash = trace_hash(r.events);
      if (!traces.has(hash)) {
        traces.add(hash);
        lastNewTrace = executions;
      }
      for (const f of r.findings) if (!findings.some((x) => x.invariant === f.invariant)) findings.push(finding_of(spec, base, r, f, executions));
      if (r.outcome.kind !== 'done') {
        const shrunk = spec.shrink === false ? r : shrink(base, r).result;
        // Replay the shrunk schedule strictly, exactly as `kqsim replay` will.
        const replayed = run_scenario({ ...base, schedule: shrunk.schedule });
        const finding = spec.explain === false ? { race: null, why: 'not asked for' } : find_race(base, replayed.schedule);
        violations.push({
          invariant: failure_of(r.outcome),
          message: outcome_message(r.outcome),
          step: r.steps,
          schedule: r.schedule,
          shrunkSchedule: replayed.schedule,
          shrunk: replayed,
          execution: executions,
          race: finding.race,
          raceWhy: finding.race ? null : finding.why,
        });
        spec.onProgress?.({ executions, pruned: strategy.pruned, distinctTraces: traces.size, planned: undefined });
        break;
      }
    }
    if (spec.untilSaturated !== undefined && spec.strategy !== 'exhaustive' && executions - lastNewTrace >= spec.untilSaturated) {
      saturated = true;
      break;
    }
    spec.onProgress?.({
      executions,
      pruned: strategy.pruned,
      distinctTraces: traces.size,
      planned: spec.strategy === 'exhaustive' ? undefined : limit,
    });
    if ((executions + strategy.pruned) % BATCH === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return {
    scenario: spec.scenario.name,
    build: spec.build.name,
    platform: spec.platform.name,
    strategy: spec.strategy,
    seed: spec.seed ?? 0,
    executions,
    distinctTraces: traces.size,
    pruned: strategy.pruned,
    complete: strategy.complete && !capped && !interrupted && violations.length === 0,
    interrupted,
    violations,
    findings,
    coverage: coverage.record(),
    lastNewTrace,
    saturated,
  };
}
