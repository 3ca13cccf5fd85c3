/*
 * What a clean search proves, as numbers and in words. Pure functions of what the search
 * measured; the explorer and `kqsim score` print them.
 *
 *   pct_bound(n, k, d)              PCT's per-run lower bound 1/(n k^(d-1)) (Burckhardt et
 *                                   al., ASPLOS 2010) for a bug of depth d, with n agents and k
 *                                   points where the order can change
 *   runs_for(p, confidence)         the fewest runs that find a bug of per-run probability p
 *                                   with at least that confidence
 *   found_probability(p, runs)      1 - (1-p)^runs; found_words says it without rounding to 100%
 *   pct_statement(m), exhaustive_statement(b), random_statement(s)   the sentences
 *
 * PCT's theorem counts k in steps; kqsim's PCT (pct.ts) draws its change points among the
 * choice points of a run, the only places where the order can change, so k here is the
 * largest number of choice points a run of the search had. The bound holds for the
 * interleavings of runs no longer than that.
 */

/** 1/(n k^(d-1)): the probability that one PCT run hits a given bug of depth d. */
export function pct_bound(n: number, k: number, d: number): number {
  if (n < 1 || k < 1 || d < 1) throw new RangeError(`pct_bound needs n, k, d >= 1 (got ${n}, ${k}, ${d})`);
  return 1 / (n * k ** (d - 1));
}

/** The chance that `runs` independent runs, each finding the bug with probability p, find it. */
export function found_probability(p: number, runs: number): number {
  if (p >= 1) return runs > 0 ? 1 : 0;
  // 1 - (1-p)^runs without losing a tiny p to rounding.
  return -Math.expm1(runs * Math.log1p(-p));
}

/** The fewest runs r with found_probability(p, r) >= confidence (Infinity when p is 0). */
export function runs_for(p: number, confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (got ${confidence})`);
  if (p <= 0) return Number.POSITIVE_INFINITY;
  if (p >= 1) return 1;
  let r = Math.max(1, Math.ceil(Math.log1p(-confidence) / Math.log1p(-p)));
  // The logarithms round; settle on the exact least r.
  while (r > 1 && found_probability(p, r - 1) >= confidence) r--;
  while (found_probability(p, r) < confidence) r++;
  return r;
}

/**
 * How likely `runs` runs found a bug of per-run probability p, in words: a percentage, or,
 * when that would read 100%, one minus the chance that every run missed it.
 */
export function found_words(p: number, runs: number): string {
  const missed = Math.exp(runs * Math.log1p(-Math.min(p, 1)));
  if (p < 1 && missed < 1e-8) return `1 - ${missed.toExponential(1)}`;
  return percent(found_probability(p, runs));
}

/**
 * A probability as a percentage, with no more digits than it needs, rounded down: a
 * statement "at least P" stays true, and a clean search never reads as certain.
 */
export function percent(p: number): string {
  if (p >= 1) return '100%';
  if (p <= 0) return '0%';
  const x = p * 100;
  // Enough digits to tell it from 100% (and a small value from 0%): 99.7%, 99.999%, 0.05%.
  const digits = Math.min(8, Math.max(1, Math.ceil(-Math.log10(100 - x)), Math.ceil(-Math.log10(x)) + 1));
  const scale = 10 ** digits;
  // The small term absorbs binary rounding (99.999 * 1000 is 99998.99999...).
  const v = Math.floor(x * scale + 1e-6) / scale;
  if (v >= 100) return `more than ${(100 - 10 ** -digits).toFixed(digits)}%`;
  return `${v.toFixed(digits).replace(/\.?0+$/, '')}%`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export interface PctMeasure {
  readonly threads: number;
  readonly devices: number;
  /** The largest number of choice points one run had. */
  readonly k: number;
  /** The depth the search targeted (d-1 priority change points). */
  readonly depth: number;
  readonly runs: number;
}

export interface PctConfidence {
  readonly n: number;
  readonly k: number;
  readonly depth: number;
  /** 1/(n k^(d-1)). */
  readonly perRun: number;
  /** Runs that reach 99%. */
  readonly runsFor99: number;
  /** The probability this search had of finding any one bug of that depth. */
  readonly found: number;
  readonly statement: string;
}

export function pct_confidence(m: PctMeasure): PctConfidence {
  const n = Math.max(1, m.threads + m.devices);
  const k = Math.max(1, m.k);
  const perRun = pct_bound(n, k, m.depth);
  const runsFor99 = runs_for(perRun, 0.99);
  const found = found_probability(perRun, m.runs);
  const formula = m.depth === 1 ? `1/${n}` : `1/(${n}*${k}${m.depth > 2 ? `^${m.depth - 1}` : ''})`;
  const statement =
    `PCT at depth ${m.depth}: n = ${n} agents (${count(m.threads, 'thread')}, ${count(m.devices, 'device')}), ` +
    `k = ${count(k, 'choice point')} in the longest run: one run finds a given bug of depth ${m.depth} with probability at least ` +
    `${formula} = ${perRun.toPrecision(3)}, and ${count(runsFor99, 'run')} reach 99%; ` +
    `this search of ${count(m.runs, 'run')} would have found any one such bug with probability at least ${found_words(perRun, m.runs)}`;
  return { n, k, depth: m.depth, perRun, runsFor99, found, statement };
}

export interface ExhaustiveBounds {
  /** The search ran out of work: every execution within its bounds was covered or pruned. */
  readonly exhausted: boolean;
  /** Its bounds (maxPreemptions, depth) cut some choice. */
  readonly cut: boolean;
  readonly executions: number;
  readonly pruned: number;
  readonly reduce: boolean;
  readonly maxPreemptions: number | undefined;
  readonly depth: number | undefined;
  /** The scenario's device arrivals, by device: `nic0 x2`. */
  readonly arrivals: readonly string[];
  /** Clock ticks allowed while the cpu is busy, per run. */
  readonly busyTicks: number;
  /** Why it did not run out of work: stopped by Ctrl-C (else: its --runs cap). */
  readonly interrupted: boolean;
}

/**
 * The bounds of an exhaustive search, in words. A search that ran out of work without its
 * bounds cutting anything covered every interleaving; one whose bounds cut is complete
 * within them; one stopped early claims nothing beyond what it ran.
 */
export function exhaustive_statement(b: ExhaustiveBounds): string {
  const arrivals = b.arrivals.length > 0 ? `the scenario's device arrivals (${b.arrivals.join(', ')})` : 'no device arrivals';
  const clock =
    b.busyTicks > 0 ? `at most ${count(b.busyTicks, 'clock tick')} while the cpu is busy` : 'the clock ticking only while the cpu is idle';
  const bounded = b.cut || !b.exhausted;
  const preempt =
    b.maxPreemptions === undefined || !bounded
      ? 'any number of interrupts and preemptions'
      : `at most ${count(b.maxPreemptions, 'non-default choice')} (interrupts or preemptions)`;
  const depth = b.depth === undefined || !bounded ? '' : `, branching only at the first ${count(b.depth, 'choice point')} of each run`;
  const equiv = b.reduce ? ` (up to the order of independent steps: ${count(b.pruned, 'run')} pruned as equivalent)` : '';
  const space = `every interleaving of ${arrivals} and ${clock}, with ${preempt} per run${depth}${equiv}`;
  if (b.exhausted && !b.cut) return `complete: ${count(b.executions, 'run')} covered ${space}`;
  if (b.exhausted) return `complete within its bounds: ${count(b.executions, 'run')} covered ${space}; nothing is claimed beyond the bounds`;
  const why = b.interrupted ? 'it was interrupted' : 'it stopped at its --runs cap';
  return `not complete (${why}): the ${count(b.executions, 'run')} checked are part of ${space}; nothing is claimed for the rest`;
}

export interface RandomSaturation {
  readonly executions: number;
  readonly distinctTraces: number;
  /** The execution that produced the last new distinct trace (0 if none ran). */
  readonly lastNewTrace: number;
  /** Runs without a new trace after which the search counts as saturated. */
  readonly window: number;
}

export function saturated(s: RandomSaturation): boolean {
  return s.executions > 0 && s.executions - s.lastNewTrace >= s.window;
}

/** What a clean random or PCT search saw: distinct traces and where new ones stopped. */
export function random_statement(s: RandomSaturation): string {
  const head = `${count(s.distinctTraces, 'distinct trace')} in ${count(s.executions, 'run')}, the last new one at run ${s.lastNewTrace.toLocaleString('en-US')}`;
  if (saturated(s))
    return `${head}: saturated (no new trace in the ${count(s.executions - s.lastNewTrace, 'run')} after it, window ${s.window.toLocaleString('en-US')})`;
  return `${head}: not saturated (${count(s.executions - s.lastNewTrace, 'run')} since it, fewer than the window of ${s.window.toLocaleString('en-US')})`;
}
