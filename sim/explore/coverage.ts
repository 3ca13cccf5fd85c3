/*
 * What a search covered: at which preemption points which interrupt sources could
 * interrupt (seen reachable), and which of those pairs some run took. Also what the
 * confidence statements need: the agents seen at choice points and the most choice points
 * one run had (PCT's n and k).
 *
 * A Coverage is plain data, in one canonical order, so that records from workers, shards
 * or `kqsim merge` combine with coverage_merge in any grouping and compare byte for byte.
 *
 *   CoverageCollector     wrap(chooser) for each run, then record(): the search's Coverage
 *   coverage_merge(a, b)  the coverage of both searches (associative, commutative)
 *   coverage_summary(c)   exercised / reachable pairs and the points never interrupted
 *   EMPTY_COVERAGE
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

export interface Coverage {
  readonly runs: number;
  /** The most choice points one run had. */
  readonly choicePointsMax: number;
  /** Everyone who could act at a choice point (`thread:1`, `irq:nic0`), sorted. */
  readonly agents: readonly string[];
  /** Sorted by point, then source. */
  readonly pairs: readonly CoveragePair[];
}

export const EMPTY_COVERAGE: Coverage = { runs: 0, choicePointsMax: 0, agents: [], pairs: [] };

function source_of(o: ChoiceOption): string | null {
  if (o.kind === 'irq') return o.device;
  if (o.kind === 'tick') return 'clock';
  return null;
}

/* Labels hold no NUL, so this joins them without ambiguity (and it is cheap: it runs at every choice). */
function pair_key(point: string, source: string): string {
  return `${point}\u0000${source}`;
}

function by_name(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical form: pairs and agents sorted, so equal coverage is equal data. */
function canonical(runs: number, choicePointsMax: number, agents: Iterable<string>, pairs: Iterable<CoveragePair>): Coverage {
  return {
    runs,
    choicePointsMax,
    agents: [...new Set(agents)].sort(by_name),
    pairs: [...pairs].sort((x, y) => by_name(x.point, y.point) || by_name(x.source, y.source)),
  };
}

export function coverage_merge(a: Coverage, b: Coverage): Coverage {
  const pairs = new Map<string, CoveragePair>();
  for (const p of [...a.pairs, ...b.pairs]) {
    const key = pair_key(p.point, p.source);
    const q = pairs.get(key);
    pairs.set(key, q ? { ...q, offered: q.offered + p.offered, taken: q.taken + p.taken } : p);
  }
  return canonical(a.runs + b.runs, Math.max(a.choicePointsMax, b.choicePointsMax), [...a.agents, ...b.agents], pairs.values());
}

class CountingChooser implements Chooser {
  points = 0;

  constructor(
    private readonly inner: Chooser,
    private readonly collector: CoverageCollector,
  ) {}

  choose(point: ChoicePoint): number {
    const chosen = this.inner.choose(point);
    this.points++;
    this.collector.see(point, chosen);
    return chosen;
  }
}

export class CoverageCollector {
  private runs = 0;
  private choicePointsMax = 0;
  private readonly agents = new Set<string>();
  private readonly pairs = new Map<string, { point: string; source: string; offered: number; taken: number }>();
  private current: CountingChooser | undefined;

  /** The chooser for the next run: `inner`, watched. Call end_run() after the run. */
  wrap(inner: Chooser): Chooser {
    this.current = new CountingChooser(inner, this);
    return this.current;
  }

  end_run(): void {
    if (!this.current) return;
    this.runs++;
    this.choicePointsMax = Math.max(this.choicePointsMax, this.current.points);
    this.current = undefined;
  }

  /** @internal Called by the wrapped chooser at every choice point. */
  see(point: ChoicePoint, chosen: number): void {
    point.options.forEach((o, i) => {
      this.agents.add(option_key(o));
      const source = source_of(o);
      // The idle loop is not a preemption point: a device arriving there interrupts nothing.
      if (source === null || point.at === 'idle') return;
      const key = pair_key(point.at, source);
      let p = this.pairs.get(key);
      if (!p) this.pairs.set(key, (p = { point: point.at, source, offered: 0, taken: 0 }));
      p.offered++;
      if (i === chosen) p.taken++;
    });
  }

  record(): Coverage {
    return canonical(
      this.runs,
      this.choicePointsMax,
      this.agents,
      [...this.pairs.values()].map((p) => ({ ...p })),
    );
  }
}

export interface CoverageSummary {
  /** Pairs some run took, and every pair seen reachable, as `point <- source`. */
  readonly exercised: readonly { readonly point: string; readonly source: string }[];
  readonly reachable: readonly { readonly point: string; readonly source: string }[];
  /** Points where an interrupt could have come but none was ever taken. */
  readonly neverInterrupted: readonly string[];
  readonly threads: number;
  readonly devices: number;
}

export function coverage_summary(c: Coverage): CoverageSummary {
  const reachable = c.pairs.map((p) => ({ point: p.point, source: p.source }));
  const exercised = c.pairs.filter((p) => p.taken > 0).map((p) => ({ point: p.point, source: p.source }));
  const hit = new Set(exercised.map((p) => p.point));
  const neverInterrupted = [...new Set(c.pairs.map((p) => p.point))].filter((p) => !hit.has(p));
  return {
    exercised,
    reachable,
    neverInterrupted,
    threads: c.agents.filter((a) => a.startsWith('thread:')).length,
    devices: c.agents.filter((a) => a.startsWith('irq:')).length,
  };
}
