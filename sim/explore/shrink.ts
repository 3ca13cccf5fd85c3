/*
 * Shrinking a counterexample: from a failing execution's choices, find one that fails the
 * same way (same invariant, or panic, or deadlock; or, for a finding, that still makes it:
 * `keeps`) and is smallest in this order: fewest
 * interrupts (a device or the clock taken other than by default), then fewest preemptions
 * (any other non-default choice: a switch, another thread run first), then fewest steps,
 * then the shorter and lexicographically smaller choice list (so that a minimum is one
 * schedule, whoever found the failure).
 *
 *   1. Greedy passes in the manner of delta debugging and fast-check's shrinkers, repeated
 *      until none helps: set one non-default choice back to the default, or drop it with
 *      its slot (for when taking it added choice points after it, as a clock tick's
 *      hardclock does); lower a choice to a smaller option index; move a non-default
 *      choice one point earlier. At the fixed
 *      point the schedule is 1-minimal: setting any one non-default choice back to the
 *      default no longer fails the same way.
 *   2. A bounded search for the minimum: every schedule with at most b non-default choices
 *      (plain depth-first search with that preemption bound, at most SEARCH_BUDGET runs),
 *      for b = 1, 2, ... up to as many as the greedy result has, while each bound's search
 *      finishes. Greedy passes only ever remove or move disturbances one at a time, so they
 *      can stop at two interrupts where one elsewhere fails too (ktickle v1 from a random
 *      run); the search from b = 1 finds that one at the cost of about one run per choice
 *      point and option. What it finds is the smallest failing schedule within the bounds
 *      it finished, whichever run the shrinking started from, so random, PCT and exhaustive
 *      search report the same one. If it finds a better one, the greedy passes run again
 *      from there.
 * Each candidate is run with a lenient replay; an accepted candidate is replaced by the
 * exact choices its run recorded, so the result is a schedule `kqsim replay` reproduces.
 *
 *   shrink(spec, failing, { budget, keeps })   -> { result, runs }
 *   schedule_cost(spec, choices)        the cost of a schedule in the order above
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { RunInputError, type RunResult, run_scenario } from '../run/runner.ts';
import { exhaustive_plan } from './exhaustive.ts';
import { type BaseSpec, failure_of, LenientReplayChooser, schedule_choices } from './replay.ts';
import { WHOLE } from './slice.ts';

export interface ShrinkOptions {
  /** At most this many candidate runs in the greedy passes. */
  readonly budget?: number;
  /** What a smaller run must still show (default: the same failure as the failing run). */
  readonly keeps?: (r: RunResult) => boolean;
}

export interface Shrunk {
  readonly result: RunResult;
  readonly runs: number;
}

/** Where a schedule stands in the shrinking order. */
export interface Cost {
  readonly interrupts: number;
  readonly preemptions: number;
  readonly steps: number;
  readonly choices: readonly number[];
}

/** Runs of the bounded search for the minimum. */
const SEARCH_BUDGET = 4000;

/** Counts the non-default choices of a run by what they were. */
class CostChooser implements Chooser {
  interrupts = 0;
  preemptions = 0;

  constructor(private readonly inner: Chooser) {}

  choose(point: ChoicePoint): number {
    const i = this.inner.choose(point);
    if (i !== 0) {
      const kind = point.options[i]?.kind;
      if (kind === 'irq' || kind === 'tick') this.interrupts++;
      else this.preemptions++;
    }
    return i;
  }
}

function lex_less(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

/** a comes strictly before b in the shrinking order. */
export function cost_less(a: Cost, b: Cost): boolean {
  if (a.interrupts !== b.interrupts) return a.interrupts < b.interrupts;
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  if (a.steps !== b.steps) return a.steps < b.steps;
  return lex_less(a.choices, b.choices);
}

interface Tried {
  readonly r: RunResult;
  readonly cost: Cost;
}

function run_costed(spec: BaseSpec, chooser: Chooser): Tried {
  const c = new CostChooser(chooser);
  const r = run_scenario({ ...spec, chooser: c });
  return { r, cost: { interrupts: c.interrupts, preemptions: c.preemptions, steps: r.steps, choices: schedule_choices(r.schedule) } };
}

/** A candidate that makes the scenario misbehave (never end) is simply not taken. */
function attempt(spec: BaseSpec, choices: readonly number[]): Tried | undefined {
  try {
    return run_costed(spec, new LenientReplayChooser(choices));
  } catch (e) {
    if (e instanceof RunInputError) return undefined;
    throw e;
  }
}

export function schedule_cost(spec: BaseSpec, choices: readonly number[]): Cost {
  return run_costed(spec, new LenientReplayChooser(choices)).cost;
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

type Keeps = (r: RunResult) => boolean;

function greedy(spec: BaseSpec, start: Tried, keeps: Keeps, budget: number): { best: Tried; runs: number } {
  let best = start;
  let runs = 0;
  let improved = true;
  while (improved && runs < budget) {
    improved = false;
    for (const cand of candidates(best.cost.choices)) {
      if (runs >= budget) break;
      runs++;
      const t = attempt(spec, cand);
      if (t && keeps(t.r) && cost_less(t.cost, best.cost)) {
        best = t;
        improved = true;
        break;
      }
    }
  }
  return { best, runs };
}

interface Searched {
  readonly best: Tried | undefined;
  readonly runs: number;
  /** Every schedule within the bound was run. */
  readonly finished: boolean;
}

/** The smallest failing run among those with at most `bound` non-default choices. */
function search_min(spec: BaseSpec, keeps: Keeps, bound: number): Searched {
  const plan = exhaustive_plan({ reduce: false, maxPreemptions: bound }, WHOLE);
  let best: Tried | undefined;
  let runs = 0;
  for (let p = plan.next(); p; p = plan.next()) {
    if (++runs > SEARCH_BUDGET) return { best: undefined, runs, finished: false };
    let t: Tried;
    try {
      t = run_costed(spec, p.execution.chooser);
    } catch (e) {
      if (e instanceof RunInputError) continue;
      throw e;
    }
    p.execution.finished(t.r);
    if (keeps(t.r) && (!best || cost_less(t.cost, best.cost))) best = t;
  }
  return { best, runs, finished: true };
}

/**
 * The smallest failing run with at most `most` non-default choices, bound by bound from one
 * while each search finishes. A bound's search does not depend on where shrinking stands,
 * so `done` keeps each one's result for the next round.
 */
function search_up_to(spec: BaseSpec, keeps: Keeps, most: number, done: Map<number, Searched>): { best: Tried | undefined; runs: number } {
  let best: Tried | undefined;
  let runs = 0;
  for (let bound = 1; bound <= most; bound++) {
    let s = done.get(bound);
    if (!s) {
      s = search_min(spec, keeps, bound);
      done.set(bound, s);
      runs += s.runs;
    }
    if (!s.finished) break;
    if (s.best && (!best || cost_less(s.best.cost, best.cost))) best = s.best;
  }
  return { best, runs };
}

export function shrink(spec: BaseSpec, failing: RunResult, opts: ShrinkOptions = {}): Shrunk {
  const budget = opts.budget ?? 500;
  const kind = failure_of(failing.outcome);
  const keeps = opts.keeps ?? ((r: RunResult) => failure_of(r.outcome) === kind);
  const start = attempt(spec, schedule_choices(failing.schedule));
  if (!start || !keeps(start.r)) return { result: failing, runs: 1 };
  let runs = 1;
  let best = start;
  const searched = new Map<number, Searched>();
  for (;;) {
    const g = greedy(spec, best, keeps, budget);
    runs += g.runs;
    best = g.best;
    const s = search_up_to(spec, keeps, best.cost.interrupts + best.cost.preemptions, searched);
    runs += s.runs;
    if (!s.best || !cost_less(s.best.cost, best.cost)) break;
    best = s.best;
  }
  return { result: best.r, runs };
}
