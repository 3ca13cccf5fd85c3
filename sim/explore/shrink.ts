/*
 * Shrinking a counterexample: from a failing execution's choices, find one that fails the
 * same way (same invariant, or panic, or deadlock) with the fewest non-default choices
 * (preemptions and interrupts), then the fewest steps. Greedy passes in the manner of
 * delta debugging and fast-check's shrinkers, repeated until none helps:
 *   1. set one non-default choice back to the default (drop an interrupt or a switch), or
 *      drop it with its slot, for when taking it added choice points after it (a clock
 *      tick's hardclock does);
 *   2. lower a choice to a smaller option index;
 *   3. move a non-default choice one point earlier (fewer steps before the failure).
 * Each candidate is run with a lenient replay; an accepted candidate is replaced by the
 * exact choices its run recorded, so the result is a schedule `kqsim replay` reproduces.
 *
 *   shrink(spec, failing, { budget, keeps })   -> { result, runs }
 */
import { RunInputError, type RunResult } from '../run/runner.ts';
import { type BaseSpec, failure_of, run_choices, schedule_choices } from './replay.ts';

export interface ShrinkOptions {
  /** At most this many candidate runs. */
  readonly budget?: number;
  /** What a smaller run must still show (default: the same failure as the failing run). */
  readonly keeps?: (r: RunResult) => boolean;
}

export interface Shrunk {
  readonly result: RunResult;
  readonly runs: number;
}

function nondefault(choices: readonly number[]): number {
  return choices.filter((c) => c !== 0).length;
}

/** Smaller is better: fewer non-default choices, then fewer steps, then a shorter list. */
function better(a: RunResult, b: RunResult): boolean {
  const ca = schedule_choices(a.schedule);
  const cb = schedule_choices(b.schedule);
  if (nondefault(ca) !== nondefault(cb)) return nondefault(ca) < nondefault(cb);
  if (a.steps !== b.steps) return a.steps < b.steps;
  return ca.length < cb.length;
}

function* candidates(c: readonly number[]): Generator<number[]> {
  for (let i = c.length - 1; i >= 0; i--) {
    if (c[i] === 0) continue;
    yield c.map((v, j) => (j === i ? 0 : v));
    yield [...c.slice(0, i), ...c.slice(i + 1)];
  }
  for (let i = c.length - 1; i >= 0; i--) {
    const v = c[i] as number;
    for (let w = 1; w < v; w++) yield c.map((x, j) => (j === i ? w : x));
  }
  for (let i = 1; i < c.length; i++) {
    if (c[i] === 0 || c[i - 1] !== 0) continue;
    yield [...c.slice(0, i - 1), ...c.slice(i)];
  }
}

/** A candidate that makes the scenario misbehave (never end) is simply not taken. */
function attempt(spec: BaseSpec, choices: readonly number[]): RunResult | undefined {
  try {
    return run_choices(spec, choices);
  } catch (e) {
    if (e instanceof RunInputError) return undefined;
    throw e;
  }
}

export function shrink(spec: BaseSpec, failing: RunResult, opts: ShrinkOptions = {}): Shrunk {
  const budget = opts.budget ?? 500;
  const kind = failure_of(failing.outcome);
  const keeps = opts.keeps ?? ((r: RunResult) => failure_of(r.outcome) === kind);
  let best = failing;
  let runs = 0;
  let improved = true;
  while (improved && runs < budget) {
    improved = false;
    for (const cand of candidates(schedule_choices(best.schedule))) {
      if (runs >= budget) break;
      runs++;
      const r = attempt(spec, cand);
      if (r && keeps(r) && better(r, best)) {
        best = r;
        improved = true;
        break;
      }
    }
  }
  return { result: best, runs };
}
