/*
 * The progress line: cut to the terminal's width, its rate and ETA from the recent past,
 * a plain line every few seconds off a terminal.
 */
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProgressStream, progress_reporter } from '../sim/cli/progress.ts';

function fake(tty: boolean, columns?: number) {
  const writes: string[] = [];
  let now = 0;
  const stream: ProgressStream = { isTTY: tty, ...(columns !== undefined ? { columns } : {}), write: (s) => writes.push(s) };
  return { writes, stream, clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('progress_reporter', () => {
  test.prop([fc.integer({ min: 2, max: 200 }), fc.integer({ min: 0, max: 10_000_000 })])(
    'should never draw a line wider than the terminal leaves room for',
    (columns, executions) => {
      const f = fake(true, columns);
      const r = progress_reporter(f.stream, f.clock);
      f.advance(500);
      r.update({ executions, pruned: executions, planned: executions * 3 + 1, fraction: undefined });
      for (const w of f.writes) expect(w.replace('\r\x1b[K', '').length).toBeLessThan(columns);
    },
  );

  it('should take the rate and the ETA from the last few seconds, not from the start', () => {
    const f = fake(true, 200);
    const r = progress_reporter(f.stream, f.clock);
    let executions = 0;
    // 20 s at 1000 executions/s, then 10 s at 10/s: the recent rate is what the ETA must use.
    for (let t = 0; t < 20_000; t += 100) {
      f.advance(100);
      executions += 100;
      r.update({ executions, pruned: 0, planned: 100_000, fraction: undefined });
    }
    for (let t = 0; t < 10_000; t += 100) {
      f.advance(100);
      executions += 1;
      r.update({ executions, pruned: 0, planned: 100_000, fraction: undefined });
    }
    const last = f.writes.at(-1) ?? '';
    expect(last).toMatch(/, 10\/s, 20%, ETA /);
    // (100000 - 20100) left at 10/s is about 2 h 13 min; the average since the start would say about 1 min 40 s.
    expect(last).toMatch(/ETA 2h1[23]m$/);
    r.finish();
    expect(f.writes.at(-1)).toBe('\r\x1b[K');
  });

  it('should write a plain line every five seconds when not on a terminal', () => {
    const f = fake(false);
    const r = progress_reporter(f.stream, f.clock);
    for (let t = 0; t < 12_000; t += 100) {
      f.advance(100);
      r.update({ executions: t, pruned: 0, planned: undefined, fraction: undefined });
    }
    expect(f.writes).toHaveLength(2);
    for (const w of f.writes) expect(w).toMatch(/^explore: \d+ executions, 0 pruned, \d+\/s\n$/);
    r.finish();
    expect(f.writes).toHaveLength(2);
  });

  it("should estimate an exhaustive search's ETA from its share of the tree", () => {
    const f = fake(true, 200);
    const r = progress_reporter(f.stream, f.clock);
    // 1% of the tree a second: 50% done leaves about 50 s.
    for (let t = 1; t <= 50; t++) {
      f.advance(1000);
      r.update({ executions: t * 10, pruned: 0, planned: undefined, fraction: t / 100 });
    }
    expect(f.writes.at(-1)).toMatch(/, 50% of the tree \(estimated\), ETA 5[01]s$/);
  });
});
