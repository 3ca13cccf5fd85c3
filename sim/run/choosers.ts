/*
 * Choosers that sim/ supplies to the machine (src/machine/chooser.ts is the interface):
 *
 *   SeededChooser(seed)     pseudo-random decisions from a seed (splitmix32): mostly the
 *                           default, sometimes a disturbance, so a run still makes progress
 *   ReplayChooser(choices)  the decisions of a recorded schedule; the default once they run out
 *   RecordingChooser(inner) wraps any chooser and keeps what it decided, for the schedule
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { ScheduleError } from './schedule.ts';

/** splitmix32: a tiny, well-mixed 32-bit generator, seeded, so every run can be repeated. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /**
   * The generator of execution `index` of a search from `seed`: both words go through a
   * finalizer (murmur3's fmix32) first, so neighbouring indices give unrelated streams
   * (splitmix32 seeded with s and s + 0x9e3779b9 would be one stream shifted by a step).
   */
  static of(seed: number, index: number): Prng {
    return new Prng(fmix32((seed ^ fmix32(index + 0x632be5ab)) >>> 0));
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** How often a seeded run takes something other than the default, in 1/256ths. */
const DISTURB_256 = 48;

export class SeededChooser implements Chooser {
  private readonly rng: Prng;

  constructor(readonly seed: number) {
    this.rng = new Prng(seed);
  }

  choose(point: ChoicePoint): number {
    const first = point.options[0];
    // At a point where the default is "continue", disturb only sometimes; elsewhere
    // (which thread to run, which device fires while idle) every option is as likely.
    if (first?.kind === 'continue') {
      if (this.rng.below(256) >= DISTURB_256) return 0;
      return 1 + this.rng.below(point.options.length - 1);
    }
    return this.rng.below(point.options.length);
  }
}

export class ReplayChooser implements Chooser {
  private i = 0;

  constructor(private readonly choices: readonly number[]) {}

  choose(point: ChoicePoint): number {
    const idx = this.i;
    const v = this.choices[this.i++] ?? 0;
    if (v >= point.options.length) {
      throw new ScheduleError(
        `schedule choice ${idx + 1} is ${v} but step ${point.step} at '${point.at}' has only ${point.options.length} options: the schedule was not recorded on this scenario, build and platform`,
      );
    }
    return v;
  }

  /** Choices the run never reached (a schedule from a different run). */
  unused(): number {
    return Math.max(0, this.choices.length - this.i);
  }
}

export class RecordingChooser implements Chooser {
  readonly choices: number[] = [];

  constructor(private readonly inner: Chooser) {}

  choose(point: ChoicePoint): number {
    const v = this.inner.choose(point);
    this.choices.push(v);
    return v;
  }
}
