/*
 * What a finished search claims, from its spec and report: the sentence `kqsim explore`
 * prints after a clean search (and `--json` carries), with PCT's figures when it was PCT.
 *
 *   search_claim(spec, report)   -> SearchClaim
 *   DEFAULT_SATURATION_WINDOW    runs without a new trace that count as saturation
 */

import { run_limits } from '../run/runner.ts';
import { exhaustive_statement, type PctConfidence, pct_confidence, random_statement, saturated } from './confidence.ts';
import { coverage_summary } from './coverage.ts';
import { EXHAUSTIVE_RUNS_MAX, type ExploreReport, type ExploreSpec } from './explorer.ts';

export const DEFAULT_SATURATION_WINDOW = 1000;

export interface SearchClaim {
  readonly statement: string;
  /** PCT only: n, k, the per-run bound, runs for 99% and the probability reached. */
  readonly pct: Omit<PctConfidence, 'statement'> | null;
  /** Random and PCT: whether new traces had stopped coming, within the window. */
  readonly saturation: { readonly window: number; readonly lastNewTrace: number; readonly saturated: boolean } | null;
}

/** The scenario's device arrivals, by device: `nic0 x2`, `com0 x1`. */
function arrivals(spec: ExploreSpec): string[] {
  const out: string[] = [];
  const nic = spec.scenario.nic?.length ?? 0;
  const serial = spec.scenario.serial?.length ?? 0;
  if (nic > 0) out.push(`nic0 x${nic}`);
  if (serial > 0) out.push(`com0 x${serial}`);
  return out;
}

export function search_claim(spec: ExploreSpec, r: ExploreReport): SearchClaim {
  if (r.strategy === 'exhaustive') {
    // No violation (a claim is made of clean searches): it ran out of work, or it was stopped.
    const exhausted = !r.interrupted && r.executions < (spec.runs ?? EXHAUSTIVE_RUNS_MAX);
    const statement = exhaustive_statement({
      exhausted,
      cut: exhausted && !r.complete,
      executions: r.executions,
      pruned: r.pruned,
      reduce: spec.reduce ?? true,
      maxPreemptions: spec.maxPreemptions,
      depth: spec.depth,
      arrivals: arrivals(spec),
      busyTicks: run_limits(spec).busy_ticks_max,
      interrupted: r.interrupted,
    });
    return { statement, pct: null, saturation: null };
  }
  const window = spec.untilSaturated ?? DEFAULT_SATURATION_WINDOW;
  const sat = { executions: r.executions, distinctTraces: r.distinctTraces, lastNewTrace: r.lastNewTrace, window };
  const saturation = { window, lastNewTrace: r.lastNewTrace, saturated: saturated(sat) };
  const traces = `random walk: ${random_statement(sat)}`;
  if (r.strategy === 'random') return { statement: `${traces}; a uniform random walk proves no bound on what it missed`, pct: null, saturation };
  const c = coverage_summary(r.coverage);
  const { statement, ...pct } = pct_confidence({
    threads: c.threads,
    devices: c.devices,
    k: r.coverage.choicePointsMax,
    depth: spec.pctDepth ?? 3,
    runs: r.executions,
  });
  return { statement: `${statement}; ${random_statement(sat)}`, pct, saturation };
}
