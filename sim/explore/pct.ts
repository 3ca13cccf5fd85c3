/*
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010), adapted to a machine with interrupts. Every agent that can act at a choice
 * point gets a random priority: each thread, and each device, whose interrupt is a
 * schedulable event too. At a choice point the option of the highest-priority agent is
 * taken: a device with a higher priority than the running thread raises its line at once,
 * one with a lower priority waits until the thread's priority drops. The priority of
 * whoever was chosen drops below every initial priority at d-1 change points, drawn
 * uniformly from the k choice points an execution is expected to have (k is learned from
 * the longest execution so far). A bug of depth d (d ordering constraints) is hit with
 * probability at least 1/(n * k^(d-1)) per run for n agents.
 *
 *   pct_strategy(seed, depth = 3)   a Strategy that never runs out
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { Prng } from '../run/choosers.ts';
import { type Execution, option_key, type Strategy } from './strategy.ts';

/** Initial priorities are drawn above every change-point priority (1 .. d-1). */
const PRIORITY_RANGE = 1_000_000;

class PctChooser implements Chooser {
  private readonly priority = new Map<string, number>();
  private point = 0;
  points = 0;

  constructor(
    private readonly rng: Prng,
    private readonly depth: number,
    /** Choice-point indices (from 0) at which the chosen agent's priority drops. */
    private readonly changes: readonly number[],
  ) {}

  private prio(key: string): number {
    let p = this.priority.get(key);
    if (p === undefined) {
      p = this.depth + this.rng.below(PRIORITY_RANGE);
      this.priority.set(key, p);
    }
    return p;
  }

  choose(point: ChoicePoint): number {
    const keys = point.options.map((o) => option_key(o));
    let best = 0;
    for (let i = 1; i < keys.length; i++) {
      if (this.prio(keys[i] as string) > this.prio(keys[best] as string)) best = i;
    }
    const c = this.changes.indexOf(this.point);
    if (c >= 0) {
      // Change point: the winner drops to a low priority and the next best goes instead.
      this.priority.set(keys[best] as string, this.depth - 1 - c);
      best = 0;
      for (let i = 1; i < keys.length; i++) {
        if (this.prio(keys[i] as string) > this.prio(keys[best] as string)) best = i;
      }
    }
    this.point++;
    this.points = this.point;
    return best;
  }
}

export function pct_strategy(seed: number, depth = 3): Strategy {
  const rng = new Prng(seed);
  let k = 1;
  return {
    name: 'pct',
    complete: false,
    pruned: 0,
    next(): Execution {
      const changes: number[] = [];
      for (let i = 0; i < depth - 1; i++) changes.push(rng.below(k));
      const chooser = new PctChooser(rng, depth, changes);
      return {
        chooser,
        finished: () => {
          k = Math.max(k, chooser.points);
          return true;
        },
      };
    },
  };
}
