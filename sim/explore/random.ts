/*
 * The random strategy: a uniform random walk over the choice tree. At every choice point
 * each option is equally likely (unlike `kqsim run --seed`, whose chooser mostly takes the
 * default so that one run looks ordinary). One seeded generator drives all executions in
 * turn, so a (seed, run index) pair names a run.
 *
 *   random_strategy(seed)   a Strategy that never runs out
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { Prng } from '../run/choosers.ts';
import type { Execution, Strategy } from './strategy.ts';

class UniformChooser implements Chooser {
  constructor(private readonly rng: Prng) {}

  choose(point: ChoicePoint): number {
    return this.rng.below(point.options.length);
  }
}

export function random_strategy(seed: number): Strategy {
  const rng = new Prng(seed);
  return {
    name: 'random',
    complete: false,
    pruned: 0,
    next(): Execution {
      return { chooser: new UniformChooser(rng), finished: () => true };
    },
  };
}
