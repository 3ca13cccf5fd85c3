/*
 * Splitting a search: the shards of random, PCT and exhaustive searches merge into exactly
 * the unsplit summary (counts, distinct traces, steps, coverage, the lowest failing
 * execution, its shrunk schedule and racing pair, the saturation point and what a clean
 * search proves), whether the search passes or fails, and so do searches in any number of
 * worker threads; and slices compose (a worker inside a shard is a slice of the whole).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type ChunkResult, ChunkWatch, chunks_merge } from '../sim/explore/chunk.ts';
import { type ExploreSpec, explore, explore_header } from '../sim/explore/explorer.ts';
import { INDEXED_CHUNK } from '../sim/explore/indexed.ts';
import { type Slice, SliceError, slice_owns, slice_parse, slice_within, WHOLE } from '../sim/explore/slice.ts';
import { MergeError, shard_json, shards_merge, summary_json } from '../sim/explore/summary.ts';
import { explore_workers } from '../sim/explore/workers.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386, macppc } from '../src/machine/platform.ts';

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

/** The summary of the search run in worker threads. */
async function in_workers(s: ExploreSpec, workers: number): Promise<string> {
  return summary_json((await explore_workers(s, WHOLE, { workers, watchdog_s: 60, memory_mb: 1024 })).report);
}

describe('what a search reports beyond its counts, through workers and shards', () => {
  it('should stop a PCT search where the saturation window closes, and say what it proves, the same everywhere', async () => {
    const s = await spec('nic-softnet', 'netbsd-2.0', { strategy: 'pct', runs: 4000, seed: 5, untilSaturated: 300 });
    const [whole, merged] = await both(s, 3);
    expect(merged).toBe(whole);
    expect(await in_workers(s, 1)).toBe(whole);
    expect(await in_workers(s, 2)).toBe(whole);
    const j = JSON.parse(whole);
    expect(j.saturated).toBe(true);
    expect(j.executions).toBeLessThan(4000);
    expect(j.executions % INDEXED_CHUNK).toBe(0);
    expect(j.executions - j.confidence.saturation.lastNewTrace).toBeGreaterThanOrEqual(300);
    expect(j.executions - j.confidence.saturation.lastNewTrace).toBeLessThan(300 + INDEXED_CHUNK);
    // One thread and two devices: nic0 and the clock, whose ticks may land while the cpu is busy.
    expect(j.confidence.pct).toMatchObject({ n: 3, k: j.coverage.choicePointsMax });
    expect(j.coverage.runs).toBe(j.executions);
    expect(j.coverage.exercised.length).toBeGreaterThan(0);
  });

  it('should carry the racing pair of the lowest counterexample, the same everywhere', async () => {
    const s = await spec('nic-softnet', 'netbsd-2.0+mutant-lost-wakeup', { strategy: 'random', runs: 3000, seed: 1 });
    const [whole, merged] = await both(s, 3);
    expect(merged).toBe(whole);
    expect(await in_workers(s, 2)).toBe(whole);
    const j = JSON.parse(whole);
    expect(j.violations[0].race).toMatchObject({ passesWhenSwapped: true, object: 'kq 1 (sleep channel)' });
    expect(j.confidence).toBeNull();
  });

  it('should carry the first of each finding, shrunk, the same everywhere', async () => {
    // kcont-class-order is a finding (the run goes on) on macppc, where one kthread queue
    // holds every deferred class: the same first execution from any split of the search.
    const s = { ...(await spec('kcont-ipl-order', 'netbsd-2.0+kcont-knote', { strategy: 'random', runs: 120, seed: 3 })), platform: macppc };
    const [whole, merged] = await both(s, 2);
    expect(merged).toBe(whole);
    expect(await in_workers(s, 2)).toBe(whole);
    const j = JSON.parse(whole);
    expect(j.violations).toEqual([]);
    expect(j.findings).toEqual([expect.objectContaining({ invariant: 'kcont-class-order', execution: expect.any(Number) })]);
    expect(j.findings[0].shrunkSchedule).toMatch(/^kq2:kcont-ipl-order:/);
  });

  it('should state a bounded exhaustive search in words, the same everywhere', async () => {
    const s = await spec('two-sources', 'netbsd-2.0', { strategy: 'exhaustive', maxPreemptions: 1 });
    const [whole, merged] = await both(s, 3);
    expect(merged).toBe(whole);
    expect(await in_workers(s, 2)).toBe(whole);
    const j = JSON.parse(whole);
    expect(j.confidence.statement).toMatch(
      /^complete within its bounds: \d+ runs covered every interleaving of the scenario's device arrivals \(nic0 x2\)/,
    );
    expect(j.coverage.reachable).toEqual(j.coverage.pairs.map((p: { point: string; source: string }) => ({ point: p.point, source: p.source })));
  });
});

/** Made-up executions in chunks (each a fingerprint, from a few), the last chunk maybe failing at its end. */
const madeUp = fc.tuple(
  fc.array(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 10 }),
  fc.boolean(),
);

/** The chunks the explorer would report for those executions. */
function chunks_of(runs: readonly (readonly number[])[], fails: boolean): ChunkResult[] {
  return runs.map((fps, chunk) => {
    const traces = [...new Set(fps)];
    const failing = fails && chunk === runs.length - 1;
    return {
      chunk,
      executions: fps.length,
      pruned: 0,
      traces,
      firstSeen: traces.map((t) => fps.indexOf(t) + 1),
      cut: false,
      partial: false,
      failure: failing
        ? { invariant: 'x', message: 'x', step: 1, offset: fps.length, schedule: 'kq2:x:', shrunkSchedule: 'kq2:x:', race: null, raceWhy: 'x' }
        : null,
      findings: [],
      collected: {},
    };
  });
}

describe('saturation, on the order of the unsplit search', () => {
  test.prop([madeUp, fc.integer({ min: 1, max: 12 })])(
    'should end where a chunk ends with the window closed, as walking the executions one by one says',
    ([runs, fails], window) => {
      const seen = new Set<number>();
      let executions = 0;
      let lastNew = 0;
      let end = runs.length;
      let saturated = false;
      for (const [chunk, fps] of runs.entries()) {
        for (const fp of fps) {
          executions++;
          if (!seen.has(fp)) lastNew = executions;
          seen.add(fp);
        }
        if (fails && chunk === runs.length - 1) break;
        if (executions - lastNew >= window) {
          saturated = true;
          end = chunk + 1;
          break;
        }
      }
      const t = chunks_merge(chunks_of(runs, fails).reverse(), window);
      expect({
        executions: t.executions,
        lastNewTrace: t.lastNewTrace,
        distinct: t.distinctTraces,
        chunks: t.chunks,
        saturated: t.saturated,
      }).toEqual({
        executions,
        lastNewTrace: lastNew,
        distinct: seen.size,
        chunks: end,
        saturated,
      });
    },
  );

  test.prop([madeUp, fc.integer({ min: 1, max: 12 }), fc.func(fc.integer())])(
    'should let a watcher that sees chunks in any order stop the workers exactly where the merge stops',
    ([runs, fails], window, key) => {
      const chunks = chunks_of(runs, fails);
      const watch = new ChunkWatch(window);
      for (const c of [...chunks].sort((a, b) => key(a.chunk) - key(b.chunk) || a.chunk - b.chunk)) watch.add(c);
      const t = chunks_merge(chunks, window);
      expect(watch.lastNeeded()).toBe(t.saturated || t.failure ? t.chunks - 1 : Number.POSITIVE_INFINITY);
    },
  );
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
