/*
 * Test the tester, measured: every strategy against every mutant, on the scenarios that
 * exercise it (sim/check/mutants.ts), within a budget of runs per search.
 *
 *   score(spec)        -> Promise<ScoreReport>
 *   score_table(r)     the text table `kqsim score` prints and the README shows
 *
 * A search detects a mutant when it finds a counterexample within the budget; on the clean
 * build those scenarios pass every interleaving (test/mutants.test.ts), so whatever fails
 * is the mutant's doing, and `fired` says what reported it. Random and PCT run once per
 * seed (seeds 0 .. n-1) and report the median, over seeds, of the run that first failed
 * (a seed that never failed counts as more than the budget); exhaustive search is
 * deterministic and runs once. The first detection's counterexample is shrunk and its size
 * reported. Everything is deterministic: the same spec gives the same report.
 */
import { build_parse } from '../../src/builds.ts';
import { i386 } from '../../src/machine/platform.ts';
import { MUTANT_CASES, type MutantCase, mutant_invariants } from '../check/mutants.ts';
import type { RunResult } from '../run/runner.ts';
import { scenario_load } from '../scenario.ts';
import { explore } from './explorer.ts';
import { schedule_choices } from './replay.ts';
import { shrink } from './shrink.ts';
import { STRATEGY_NAMES, type StrategyName } from './strategy.ts';

export interface ScoreSpec {
  /** Runs per search (random, pct: executions; exhaustive: its cap). */
  readonly runs: number;
  /** Seeds per randomized strategy. */
  readonly seeds: number;
  readonly cases?: readonly MutantCase[];
  readonly strategies?: readonly StrategyName[];
  /** Candidate runs the shrinker may spend on each first detection. */
  readonly shrinkBudget?: number;
  /** After each search: how many of them are done, of how many, and the runs they took. */
  readonly onProgress?: (searches: number, total: number, runs: number) => void;
}

export interface StrategyScore {
  readonly strategy: StrategyName;
  /** Searches run: one per seed, or one for exhaustive. */
  readonly searches: number;
  readonly detected: number;
  /** Per search, the run that first failed, or null if none did within the budget. */
  readonly runsToDetect: readonly (number | null)[];
  /** The median of runsToDetect (null: most searches found nothing). */
  readonly medianRuns: number | null;
  /** What reported the failures, sorted. */
  readonly fired: readonly string[];
  /** The first detection's counterexample, shrunk: its non-default choices and steps. */
  readonly shrunkChoices: number | null;
  readonly shrunkSteps: number | null;
}

export interface MutantScore {
  readonly mutant: string;
  readonly build: string;
  readonly scenario: string;
  readonly caughtBy: string;
  readonly strategies: readonly StrategyScore[];
  /** Some strategy found it, reported by what it was written for. */
  readonly detected: boolean;
}

export interface ScoreReport {
  readonly runs: number;
  readonly seeds: number;
  readonly strategies: readonly StrategyName[];
  readonly mutants: readonly MutantScore[];
}

/** The lower median, with null (not found) above every number. */
export function median_runs(xs: readonly (number | null)[]): number | null {
  const sorted = [...xs].sort((a, b) => (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY));
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

async function score_strategy(
  c: MutantCase,
  scenarioName: string,
  strategy: StrategyName,
  spec: ScoreSpec,
  tick: (runs: number) => void,
): Promise<StrategyScore> {
  const scenario = await scenario_load(scenarioName);
  const base = { scenario, build: build_parse(c.build), platform: i386, invariants: mutant_invariants(c) };
  const seeds = strategy === 'exhaustive' ? [0] : Array.from({ length: spec.seeds }, (_, i) => i);
  const runsToDetect: (number | null)[] = [];
  const fired = new Set<string>();
  let first: RunResult | undefined;
  for (const seed of seeds) {
    const r = await explore({ ...base, strategy, seed, runs: spec.runs, shrink: false, explain: false });
    const v = r.violations[0];
    runsToDetect.push(v ? v.execution : null);
    if (v) fired.add(v.invariant);
    if (v && !first) first = v.shrunk;
    tick(r.executions + r.pruned);
  }
  const shrunk = first ? shrink(base, first, { budget: spec.shrinkBudget ?? 200 }).result : undefined;
  return {
    strategy,
    searches: seeds.length,
    detected: runsToDetect.filter((x) => x !== null).length,
    runsToDetect,
    medianRuns: median_runs(runsToDetect),
    fired: [...fired].sort(),
    shrunkChoices: shrunk ? schedule_choices(shrunk.schedule).filter((x) => x !== 0).length : null,
    shrunkSteps: shrunk ? shrunk.steps : null,
  };
}

export async function score(spec: ScoreSpec): Promise<ScoreReport> {
  const cases = spec.cases ?? MUTANT_CASES;
  const strategies = spec.strategies ?? STRATEGY_NAMES;
  const rows = cases.flatMap((c) => c.scenarios.map((scenario) => ({ c, scenario })));
  const total = rows.length * strategies.length;
  let searches = 0;
  let runs = 0;
  const mutants: MutantScore[] = [];
  for (const { c, scenario } of rows) {
    const scores: StrategyScore[] = [];
    for (const strategy of strategies) {
      scores.push(
        await score_strategy(c, scenario, strategy, spec, (n) => {
          runs += n;
        }),
      );
      spec.onProgress?.(++searches, total, runs);
    }
    mutants.push({
      mutant: c.mutant,
      build: c.build,
      scenario,
      caughtBy: c.caughtBy,
      strategies: scores,
      detected: scores.some((s) => s.fired.includes(c.caughtBy)),
    });
  }
  return { runs: spec.runs, seeds: spec.seeds, strategies, mutants };
}

function cell(s: StrategyScore, caughtBy: string, budget: number): string {
  if (s.detected === 0) return `0/${s.searches}`;
  const median = s.medianRuns === null ? `>${budget}` : `${s.medianRuns}`;
  const other = s.fired.filter((f) => f !== caughtBy);
  return `${s.detected}/${s.searches} at ${median} (${s.shrunkChoices}/${s.shrunkSteps})${other.length > 0 ? ` !${other.join(',')}` : ''}`;
}

/*
 * One row per mutant and scenario; per strategy: searches that detected it / searches, the
 * median run of first detection, and (non-default choices/steps) of the shrunk
 * counterexample; `!x` when something other than what the mutant was written for fired.
 */
export function score_table(r: ScoreReport): string {
  const head = ['mutant', 'scenario', 'written for', ...r.strategies];
  const rows = r.mutants.map((m) => [m.mutant, m.scenario, m.caughtBy, ...m.strategies.map((s) => cell(s, m.caughtBy, r.runs))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((x, i) => x.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
