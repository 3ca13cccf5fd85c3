/*
 * Splitting a search: the shards of random, PCT and exhaustive searches merge into exactly
 * the unsplit summary (counts, distinct traces, steps, the lowest failing execution and its
 * shrunk schedule), whether the search passes or fails, and slices compose (a worker inside
 * a shard is a slice of the whole).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type ExploreSpec, explore, explore_header } from '../sim/explore/explorer.ts';
import { type Slice, SliceError, slice_owns, slice_parse, slice_within } from '../sim/explore/slice.ts';
import { MergeError, shard_json, shards_merge, summary_json } from '../sim/explore/summary.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';

async function spec(name: string, build: string, more: Partial<ExploreSpec>): Promise<ExploreSpec> {
  return { scenario: await scenario_load(name), build: build_parse(build), platform: i386, strategy: 'random', ...more };
}

/** The unsplit summary, and the merge of its n shards' JSON. */
async function both(s: ExploreSpec, n: number): Promise<[string, string]> {
  const whole = summary_json(await explore(s));
  const files = [];
  for (let i = 0; i < n; i++) {
    const slice: Slice = { index: i, count: n };
    const r = await explore(s, slice);
    files.push({ file: `shard-${i + 1}.json`, text: shard_json(r, explore_header(s), slice, r.slice) });
  }
  return [whole, summary_json(shards_merge(files))];
}

describe('shards merge into the unsplit summary', () => {
  const cases: readonly [string, string, string, Partial<ExploreSpec>][] = [
    ['random, passing', 'nic-softnet', 'netbsd-2.0', { strategy: 'random', runs: 1000, seed: 1 }],
    ['random, failing', 'nic-softnet', 'netbsd-2.0+mutant-lost-wakeup', { strategy: 'random', runs: 3000, seed: 1 }],
    ['pct, failing', 'nic-softnet', 'netbsd-2.0+mutant-lost-wakeup', { strategy: 'pct', runs: 2000, seed: 2 }],
    ['exhaustive, passing', 'ktickle-race', 'netbsd-4.0+ktickle-v2', { strategy: 'exhaustive' }],
    ['exhaustive, failing', 'ktickle-race', 'netbsd-4.0+ktickle-v1', { strategy: 'exhaustive' }],
    ['exhaustive, bounded', 'pipe-read', 'netbsd-2.0', { strategy: 'exhaustive', maxPreemptions: 2, reduce: false }],
  ];
  for (const [what, name, build, more] of cases) {
    it(`should give exactly the unsplit summary (${what})`, async () => {
      const s = await spec(name, build, more);
      const [whole, merged] = await both(s, 4);
      expect(merged).toBe(whole);
      expect(JSON.parse(whole).executions).toBeGreaterThan(0);
    });
  }

  it('should refuse shards of different searches, a shard twice and a missing shard', async () => {
    const s = await spec('nic-softnet', 'netbsd-2.0', { runs: 300 });
    const json = async (x: ExploreSpec, i: number, n: number) => {
      const slice = { index: i, count: n };
      const r = await explore(x, slice);
      return shard_json(r, explore_header(x), slice, r.slice);
    };
    const a = { file: 'a.json', text: await json(s, 0, 2) };
    const b = { file: 'b.json', text: await json(s, 1, 2) };
    const other = { file: 'c.json', text: await json({ ...s, seed: 9 }, 1, 2) };
    expect(() => shards_merge([a, other])).toThrow(MergeError);
    expect(() => shards_merge([a, a])).toThrow(/again/);
    expect(() => shards_merge([a])).toThrow(/missing shard\(s\) 2\/2/);
    expect(() => shards_merge([{ file: 'x.json', text: '{' }])).toThrow(/x.json: not JSON/);
    expect(() => shards_merge([a, b])).not.toThrow();
  });
});

describe('slices', () => {
  it('should parse --shard as vitest does (1-based) and refuse anything else', () => {
    expect(slice_parse('1/4')).toEqual({ index: 0, count: 4 });
    expect(slice_parse('4/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1', '1/4/2', '']) expect(() => slice_parse(bad)).toThrow(SliceError);
  });

  test.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat({ max: 500 })])(
    'should give every chunk to exactly one worker of exactly one shard',
    (shards, workers, chunk) => {
      let owners = 0;
      for (let i = 0; i < shards; i++) {
        for (let j = 0; j < workers; j++) if (slice_owns(slice_within({ index: i, count: shards }, j, workers), chunk)) owners++;
      }
      expect(owners).toBe(1);
    },
  );
});
