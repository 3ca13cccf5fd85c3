/*
 * Choices mapped by meaning, not by index. A schedule records the index taken at each
 * choice point, which is meaningless on another build: a patch may add or remove preemption
 * points, or change which options a point offers. The MeaningChooser replays a run's
 * decisions by what they meant: at the n-th point with a given label and option set it
 * takes the option whose label the recorded run took there ("nic0 packet for port 7",
 * "switch to writer[2]"), and the default wherever the recorded run had no such point.
 *
 * It also keeps the account a reviewer needs to trust the comparison: every recorded
 * decision ends up taken, offered without its option (the default was taken instead), or
 * never reached (the point does not exist on this build, or this run never got there).
 *
 *   MeaningChooser.from(events)   replay the `choice` events of a recorded trace
 *   chooser.account()             what became of each recorded decision -> DecisionAccount
 *   RecordedDecision, DecisionFate
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import type { TraceEvent } from '../../src/trace.ts';

/** One decision of the recorded run. */
export interface RecordedDecision {
  /** 1-based, in the order the recorded run made them. */
  readonly n: number;
  /** The recorded run's step at the decision. */
  readonly step: number;
  /** The preemption point's label, and which visit of a point with that label it was (1-based). */
  readonly at: string;
  readonly visit: number;
  /** The option taken, by label, and whether it was the point's default (option 0). */
  readonly label: string;
  readonly default: boolean;
}

/** taken: by meaning; no-option: reached, but without that option (the default was taken); unreached: never reached. */
export type DecisionFate = 'taken' | 'no-option' | 'unreached';

export interface DecisionAccount {
  /** Every recorded decision, with its fate. */
  readonly decisions: readonly (RecordedDecision & { readonly fate: DecisionFate })[];
  readonly taken: number;
  readonly noOption: number;
  readonly unreached: number;
  /** Points this run had that the recording did not (the default was taken there). */
  readonly ownPoints: number;
}

/** The decisions recorded at points with one key, in order, and how many were consumed. */
class Track {
  next = 0;
  constructor(readonly ids: number[] = []) {}

  take(): number | undefined {
    return this.ids[this.next++];
  }
}

export class MeaningChooser implements Chooser {
  private readonly recorded: RecordedDecision[] = [];
  private readonly fates = new Map<number, DecisionFate>();
  /** Decisions keyed by point label and option set (the exact match). */
  private readonly exact = new Map<string, Track>();
  /** The same decisions keyed by point label only: a patch may change which options exist. */
  private readonly byPoint = new Map<string, Track>();
  private ownPoints = 0;

  static from(events: readonly TraceEvent[]): MeaningChooser {
    const c = new MeaningChooser();
    const visits = new Map<string, number>();
    for (const ev of events) {
      if (ev.kind !== 'choice') continue;
      const visit = (visits.get(ev.at) ?? 0) + 1;
      visits.set(ev.at, visit);
      const id = c.recorded.length;
      c.recorded.push({ n: id + 1, step: ev.step, at: ev.at, visit, label: ev.options[ev.chosen] ?? '', default: ev.chosen === 0 });
      push(c.exact, exact_key(ev.at, ev.options), id);
      push(c.byPoint, ev.at, id);
    }
    return c;
  }

  choose(point: ChoicePoint): number {
    const labels = point.options.map((o) => o.label);
    // Both tracks advance so the n-th visit of a point keeps matching the n-th recorded one.
    const fromPoint = this.byPoint.get(point.at)?.take();
    const exact = this.exact.get(exact_key(point.at, labels));
    const candidate = exact ? (exact.take() ?? fromPoint) : fromPoint;
    const id = candidate !== undefined && !this.fates.has(candidate) ? candidate : undefined;
    if (id === undefined) {
      this.ownPoints++;
      return 0;
    }
    const i = labels.indexOf((this.recorded[id] as RecordedDecision).label);
    this.fates.set(id, i < 0 ? 'no-option' : 'taken');
    return Math.max(i, 0);
  }

  account(): DecisionAccount {
    const decisions = this.recorded.map((d, id) => ({ ...d, fate: this.fates.get(id) ?? ('unreached' as const) }));
    const count = (f: DecisionFate) => decisions.filter((d) => d.fate === f).length;
    return { decisions, taken: count('taken'), noOption: count('no-option'), unreached: count('unreached'), ownPoints: this.ownPoints };
  }
}

function exact_key(at: string, labels: readonly string[]): string {
  return JSON.stringify([at, ...labels]);
}

function push(map: Map<string, Track>, key: string, id: number): void {
  const t = map.get(key);
  if (t) t.ids.push(id);
  else map.set(key, new Track([id]));
}
