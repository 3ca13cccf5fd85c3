/*
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010), adapted to a machine with interrupts. Every agent that can act at a choice
 * point gets a random priority: each thread, and each device, whose interrupt is a
 * schedulable event too. At a choice point the option of the highest-priority agent is
 * taken: a device with a higher priority than the running thread raises its line at once,
 * one with a lower priority waits until the thread's priority drops. The priority of
 * whoever was chosen drops below every initial priority at d-1 change points, drawn
 * uniformly from the k choice points an execution is expected to have. k is the number of
 * choice points of the undisturbed run, so that every execution i is a function of (seed,
 * i) alone and any worker or shard can run it (indexed.ts); a longer execution simply has
 * its change points among its first k choices. A bug of depth d (d ordering constraints) is
 * hit with probability at least 1/(n * k^(d-1)) per run for n agents.
 *
 *   pct_chooser(seed, index, depth, k)   the chooser of execution `index`
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { Prng } from '../run/choosers.ts';
import { option_key } from './strategy.ts';

/** Initial priorities are drawn above every change-point priority (1 .. d-1). */
const PRIORITY_RANGE = 1_000_000;

class PctChooser implements Chooser {
  private readonly priority = new Map<string, number>();
  private point = 0;

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
    return best;
  }
}

export function pct_chooser(seed: number, index: number, depth: number, k: number): Chooser {
  const rng = Prng.of(seed, index);
  const changes: number[] = [];
  for (let i = 0; i < depth - 1; i++) changes.push(rng.below(Math.max(1, k)));
  return new PctChooser(rng, depth, changes);
}
