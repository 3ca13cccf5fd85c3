/*
 * Choices mapped by meaning, not by index. A schedule records the index taken at each
 * choice point, which is meaningless on another build: a patch may add or remove preemption
 * points, or change which options a point offers. The MeaningChooser replays a run's
 * decisions by what they meant: at the n-th point with a given label and option set it
 * takes the option whose label the recorded run took there ("nic0 packet for port 7",
 * "switch to writer[2]"), and the default wherever the recorded run had no such point.
 *
 *   MeaningChooser.from(events)   replay the `choice` events of a recorded trace
 *   MeaningChooser.mapped         how many decisions were found and taken by meaning
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import type { TraceEvent } from '../../src/trace.ts';

/** The decisions taken at points with one key, in order, and how many were used. */
class Track {
  next = 0;
  constructor(readonly labels: string[] = []) {}

  take(): string | undefined {
    return this.labels[this.next++];
  }
}

export class MeaningChooser implements Chooser {
  /** Decisions the recording made, keyed by point label and option set (the exact match). */
  private readonly exact = new Map<string, Track>();
  /** The same decisions keyed by point label only: a patch may change which options exist. */
  private readonly byPoint = new Map<string, Track>();
  /** Points where a recorded decision was found and its option exists here. */
  mapped = 0;
  /** Points where a recorded decision was found but its option does not exist here. */
  missed = 0;

  static from(events: readonly TraceEvent[]): MeaningChooser {
    const c = new MeaningChooser();
    for (const ev of events) {
      if (ev.kind !== 'choice') continue;
      const label = ev.options[ev.chosen] ?? '';
      push(c.exact, exact_key(ev.at, ev.options), label);
      push(c.byPoint, ev.at, label);
    }
    return c;
  }

  choose(point: ChoicePoint): number {
    const labels = point.options.map((o) => o.label);
    const exact = this.exact.get(exact_key(point.at, labels));
    const byPoint = this.byPoint.get(point.at);
    // Both tracks advance so the n-th visit of a point keeps matching the n-th recorded one.
    const fromPoint = byPoint?.take();
    const wanted = exact ? exact.take() : fromPoint;
    if (wanted === undefined) return 0;
    const i = labels.indexOf(wanted);
    if (i < 0) {
      this.missed++;
      return 0;
    }
    this.mapped++;
    return i;
  }
}

function exact_key(at: string, labels: readonly string[]): string {
  return JSON.stringify([at, ...labels]);
}

function push(map: Map<string, Track>, key: string, label: string): void {
  const t = map.get(key);
  if (t) t.labels.push(label);
  else map.set(key, new Track([label]));
}
