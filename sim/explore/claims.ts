/*
 * What a finished search claims, from what identifies it (its header) and what it found:
 * the sentence `kqsim explore` prints after a clean search (and `--json` carries as
 * `confidence`), with PCT's figures when it was PCT. A function of the summary alone, so
 * that `kqsim merge` states exactly what the unsplit search states.
 *
 *   search_claim(header, facts)   -> SearchClaim
 *   arrivals_of(scenario)         the scenario's device arrivals, as the claim names them
 *   DEFAULT_SATURATION_WINDOW     runs without a new trace that count as saturation
 *
 * "Distinct traces" are distinct fingerprints of runs (TraceFingerprint, src/trace.ts: the
 * choices and the kind, context and cpl of every event), so runs that differ only in an
 * event's text count once; saturation is said of those.
 */
import type { Scenario } from '../scenario.ts';
import { exhaustive_statement, type PctConfidence, pct_confidence, random_statement, saturated } from './confidence.ts';
import { agents_count, type CoverageView } from './coverage.ts';
import type { ExploreHeader } from './summary.ts';

export const DEFAULT_SATURATION_WINDOW = 1000;

export interface SearchClaim {
  readonly statement: string;
  /** PCT only: n, k, the per-run bound, runs for 99% and the probability reached. */
  readonly pct: Omit<PctConfidence, 'statement'> | null;
  /** Random and PCT: whether new traces had stopped coming, within the window. */
  readonly saturation: { readonly window: number; readonly lastNewTrace: number; readonly saturated: boolean } | null;
}

/** What the claim is made from: the merged figures of a clean search. */
export interface ClaimFacts {
  readonly executions: number;
  readonly pruned: number;
  readonly distinctTraces: number;
  readonly lastNewTrace: number;
  readonly complete: boolean;
  readonly interrupted: boolean;
  /** Exhaustive: some slice stopped at its --runs cap. */
  readonly capped: boolean;
  readonly coverage: CoverageView;
}

/** The scenario's device arrivals, by device: `nic0 x2`, `com0 x1`. */
export function arrivals_of(scenario: Scenario): string[] {
  const out: string[] = [];
  const nic = scenario.nic?.length ?? 0;
  const serial = scenario.serial?.length ?? 0;
  if (nic > 0) out.push(`nic0 x${nic}`);
  if (serial > 0) out.push(`com0 x${serial}`);
  return out;
}

function option(h: ExploreHeader, name: string): number | undefined {
  const v = h.options[name];
  return typeof v === 'number' ? v : undefined;
}

export function search_claim(h: ExploreHeader, f: ClaimFacts): SearchClaim {
  if (h.strategy === 'exhaustive') {
    // No violation (a claim is made of clean searches): it ran out of work, or it was stopped.
    const exhausted = !f.interrupted && !f.capped;
    const statement = exhaustive_statement({
      exhausted,
      cut: exhausted && !f.complete,
      executions: f.executions,
      pruned: f.pruned,
      reduce: h.options.reduce !== false,
      maxPreemptions: option(h, 'maxPreemptions'),
      depth: option(h, 'depth'),
      arrivals: h.arrivals,
      busyTicks: h.busyTicksMax,
      interrupted: f.interrupted,
    });
    return { statement, pct: null, saturation: null };
  }
  const window = option(h, 'untilSaturated') ?? DEFAULT_SATURATION_WINDOW;
  const sat = { executions: f.executions, distinctTraces: f.distinctTraces, lastNewTrace: f.lastNewTrace, window };
  const saturation = { window, lastNewTrace: f.lastNewTrace, saturated: saturated(sat) };
  const traces = `random walk: ${random_statement(sat)}`;
  if (h.strategy === 'random') return { statement: `${traces}; a uniform random walk proves no bound on what it missed`, pct: null, saturation };
  const { statement, ...pct } = pct_confidence({
    ...agents_count(f.coverage.agents),
    k: f.coverage.choicePointsMax,
    depth: option(h, 'pctDepth') ?? 3,
    runs: f.executions,
  });
  return { statement: `${statement}; ${random_statement(sat)}`, pct, saturation };
}
