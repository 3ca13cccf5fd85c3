/*
 * What a search covered: at which preemption points which interrupt sources could
 * interrupt (seen reachable), and which of those pairs some run took. Also what the
 * confidence statements need: the agents seen at choice points and the most choice points
 * one run had (PCT's n and k).
 *
 * A run is watched through its chooser (coverage_chooser), counting into a CoverageData:
 * plain JSON (numbers, strings, plain objects keyed by name), so that a chunk's record
 * crosses worker threads and shard files as it is, and records of any runs combine with
 * coverage_merge in any grouping. The coverage collector (collectors.ts) is built of these.
 *
 *   CoverageData                   the mergeable record of some runs
 *   coverage_empty()               the record of no runs
 *   coverage_chooser(inner, data)  the chooser of one run: `inner`, counted into `data`
 *   coverage_merge(a, b)           the record of both (associative, commutative; pure)
 *   coverage_view(data)            -> CoverageView, in canonical order: what a summary shows
 *   agents_count(agents)           how many of them are threads and devices
 */
import type { ChoiceOption, ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { option_key } from './strategy.ts';

export interface CoveragePair {
  /** A preemption point's label (`kqueue_scan:splx`). */
  readonly point: string;
  /** An interrupt source, by device: `nic0`, `com0`, `clock`. */
  readonly source: string;
  /** How many times the source could interrupt at the point, and how many times it did. */
  readonly offered: number;
  readonly taken: number;
}

/** Counted into while runs go on (coverage_chooser), so its fields are mutable. */
export interface CoverageData {
  /** Runs counted (the collector adds each run once it has ended). */
  runs: number;
  /** The most choice points one run had. */
  choicePointsMax: number;
  /** Everyone who could act at a choice point (`thread:1`, `irq:nic0`), as keys. */
  agents: Record<string, true>;
  /** By pair_key(point, source). */
  pairs: Record<string, { point: string; source: string; offered: number; taken: number }>;
}

/** A record in canonical order, with the lists `kqsim explore` prints. */
export interface CoverageView {
  /** Pairs some run took, and every pair seen reachable, sorted by point then source. */
  readonly exercised: readonly { readonly point: string; readonly source: string }[];
  readonly reachable: readonly { readonly point: string; readonly source: string }[];
  /** Points where an interrupt could have come but none was ever taken. */
  readonly neverInterrupted: readonly string[];
  /** Sorted. */
  readonly agents: readonly string[];
  readonly choicePointsMax: number;
  readonly runs: number;
  /** Every reachable pair with its counts, in the order of `reachable`. */
  readonly pairs: readonly CoveragePair[];
}

export function coverage_empty(): CoverageData {
  return { runs: 0, choicePointsMax: 0, agents: {}, pairs: {} };
}

function source_of(o: ChoiceOption): string | null {
  if (o.kind === 'irq') return o.device;
  if (o.kind === 'tick') return 'clock';
  return null;
}

/* Labels hold no NUL, so this joins them without ambiguity (and it is cheap: it runs at every choice). */
function pair_key(point: string, source: string): string {
  return `${point}\u0000${source}`;
}

function see(data: CoverageData, point: ChoicePoint, chosen: number): void {
  point.options.forEach((o, i) => {
    data.agents[option_key(o)] = true;
    const source = source_of(o);
    // The idle loop is not a preemption point: a device arriving there interrupts nothing.
    if (source === null || point.at === 'idle') return;
    const key = pair_key(point.at, source);
    let p = data.pairs[key];
    if (!p) data.pairs[key] = p = { point: point.at, source, offered: 0, taken: 0 };
    p.offered++;
    if (i === chosen) p.taken++;
  });
}

/** The chooser of one run: what `inner` chooses, each choice point counted into `data`. */
export function coverage_chooser(inner: Chooser, data: CoverageData): Chooser {
  let points = 0;
  return {
    choose(point) {
      const chosen = inner.choose(point);
      points++;
      if (points > data.choicePointsMax) data.choicePointsMax = points;
      see(data, point, chosen);
      return chosen;
    },
  };
}

export function coverage_merge(a: CoverageData, b: CoverageData): CoverageData {
  const pairs: CoverageData['pairs'] = {};
  for (const from of [a.pairs, b.pairs]) {
    for (const [key, p] of Object.entries(from)) {
      const q = pairs[key];
      pairs[key] = q ? { ...q, offered: q.offered + p.offered, taken: q.taken + p.taken } : { ...p };
    }
  }
  return { runs: a.runs + b.runs, choicePointsMax: Math.max(a.choicePointsMax, b.choicePointsMax), agents: { ...a.agents, ...b.agents }, pairs };
}

function by_name(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function coverage_view(data: CoverageData): CoverageView {
  const pairs = Object.values(data.pairs)
    .map((p) => ({ point: p.point, source: p.source, offered: p.offered, taken: p.taken }))
    .sort((x, y) => by_name(x.point, y.point) || by_name(x.source, y.source));
  const exercised = pairs.filter((p) => p.taken > 0).map((p) => ({ point: p.point, source: p.source }));
  const hit = new Set(exercised.map((p) => p.point));
  return {
    exercised,
    reachable: pairs.map((p) => ({ point: p.point, source: p.source })),
    neverInterrupted: [...new Set(pairs.map((p) => p.point))].filter((p) => !hit.has(p)),
    agents: Object.keys(data.agents).sort(by_name),
    choicePointsMax: data.choicePointsMax,
    runs: data.runs,
    pairs,
  };
}

export function agents_count(agents: readonly string[]): { readonly threads: number; readonly devices: number } {
  return { threads: agents.filter((a) => a.startsWith('thread:')).length, devices: agents.filter((a) => a.startsWith('irq:')).length };
}
