/*
 * The random strategy: a uniform random walk over the choice tree. At every choice point
 * each option is equally likely (unlike `kqsim run --seed`, whose chooser mostly takes the
 * default so that one run looks ordinary). Execution i draws from Prng.of(seed, i), so a
 * (seed, execution index) pair names a run wherever it is run (indexed.ts).
 *
 *   random_chooser(seed, index)   the chooser of one execution
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { Prng } from '../run/choosers.ts';

class UniformChooser implements Chooser {
  constructor(private readonly rng: Prng) {}

  choose(point: ChoicePoint): number {
    return this.rng.below(point.options.length);
  }
}

export function random_chooser(seed: number, index: number): Chooser {
  return new UniformChooser(Prng.of(seed, index));
}
