/*
 * The plan of the strategies whose executions are independent of each other (random,
 * PCT): execution i of a search takes its decisions from a generator seeded by (seed, i)
 * alone, so any slice can run any execution, and the same seed gives the same executions
 * however the search is split. Chunk c holds executions c*INDEXED_CHUNK .. (c+1)*INDEXED_CHUNK-1.
 *
 *   indexed_plan(runs, slice, chooserOf)   a Plan over executions 0 .. runs-1
 *   INDEXED_CHUNK                          executions per chunk
 */
import type { Chooser } from '../../src/machine/chooser.ts';
import type { Slice } from './slice.ts';
import type { Plan } from './strategy.ts';

export const INDEXED_CHUNK = 256;

export function indexed_plan(runs: number, slice: Slice, chooserOf: (index: number) => Chooser): Plan {
  const chunks = Math.ceil(runs / INDEXED_CHUNK);
  let chunk = slice.index;
  let i = chunk * INDEXED_CHUNK;
  return {
    next() {
      if (i >= Math.min(runs, (chunk + 1) * INDEXED_CHUNK)) {
        chunk += slice.count;
        i = chunk * INDEXED_CHUNK;
      }
      if (chunk >= chunks) return undefined;
      const chooser = chooserOf(i++);
      return { chunk, counts: true, execution: { chooser, finished: () => true } };
    },
    takeCut: () => false,
    fraction: () => undefined,
    chunksSeen: () => chunks,
  };
}
