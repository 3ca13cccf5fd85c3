/*
 * What a clean search proves: PCT's bound and the runs it takes, checked as properties over
 * the whole range of inputs, and the sentences for exhaustive and random searches.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  exhaustive_statement,
  found_probability,
  found_words,
  pct_bound,
  pct_confidence,
  percent,
  random_statement,
  runs_for,
  saturated,
} from '../sim/explore/confidence.ts';

const prob = fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true });
const conf = fc.double({ min: 0.01, max: 0.999999, noNaN: true });

describe('pct_bound', () => {
  it('should be 1/(n k^(d-1)), the figure of Burckhardt et al.', () => {
    expect(pct_bound(2, 10, 3)).toBe(1 / 200);
    expect(pct_bound(3, 24, 1)).toBe(1 / 3);
  });

  test.prop([fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 5 })])(
    'should be a probability that falls as agents, points or depth grow',
    (n, k, d) => {
      const p = pct_bound(n, k, d);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(pct_bound(n + 1, k, d)).toBeLessThan(p);
      expect(pct_bound(n, k + 1, d)).toBeLessThanOrEqual(p);
      expect(pct_bound(n, k, d + 1)).toBeLessThanOrEqual(p);
    },
  );

  it('should refuse what is not a count', () => {
    expect(() => pct_bound(0, 3, 2)).toThrow(RangeError);
  });
});

describe('runs_for', () => {
  test.prop([prob, conf])('should give the fewest runs that reach the confidence', (p, c) => {
    const r = runs_for(p, c);
    expect(Number.isInteger(r)).toBe(true);
    expect(found_probability(p, r)).toBeGreaterThanOrEqual(c);
    if (r > 1) expect(found_probability(p, r - 1)).toBeLessThan(c);
  });

  test.prop([prob, fc.integer({ min: 0, max: 1_000_000 })])('should make found_probability grow with the runs and stay a probability', (p, runs) => {
    const f = found_probability(p, runs);
    expect(f).toBeGreaterThanOrEqual(0);
    expect(f).toBeLessThanOrEqual(1);
    expect(found_probability(p, runs + 1)).toBeGreaterThanOrEqual(f);
  });

  it('should need about 4.6/p runs for 99% when p is small', () => {
    expect(runs_for(1 / 1000, 0.99)).toBe(4603);
    expect(runs_for(0, 0.99)).toBe(Number.POSITIVE_INFINITY);
    expect(runs_for(1, 0.99)).toBe(1);
  });
});

describe('percent', () => {
  test.prop([fc.double({ min: 0, max: 1 - 1e-12, noNaN: true })])('should never round a clean search up to certainty', (p) => {
    expect(percent(p)).not.toBe('100%');
  });

  it('should say a near-certainty as one minus what was missed, never as 100%', () => {
    expect(found_words(0.005, 10_000)).toMatch(/^1 - 1\.\de-22$/);
    expect(found_words(0.05, 100)).toBe('99.4%');
    expect(found_words(1, 3)).toBe('100%');
  });

  it('should show as few digits as the value has', () => {
    expect(percent(0.5)).toBe('50%');
    expect(percent(0.997)).toBe('99.7%');
    expect(percent(0.99999)).toBe('99.999%');
  });
});

describe('pct_confidence', () => {
  it('should state n, k, the bound, the runs for 99% and what the search achieved', () => {
    const c = pct_confidence({ threads: 1, devices: 1, k: 10, depth: 2, runs: 100 });
    expect(c.n).toBe(2);
    expect(c.perRun).toBe(1 / 20);
    expect(c.runsFor99).toBe(runs_for(1 / 20, 0.99));
    expect(c.found).toBeCloseTo(1 - 0.95 ** 100, 12);
    expect(c.statement).toMatchInlineSnapshot(
      `"PCT at depth 2: n = 2 agents (1 thread, 1 device), k = 10 choice points in the longest run: one run finds a given bug of depth 2 with probability at least 1/(2*10) = 0.0500, and 90 runs reach 99%; this search of 100 runs would have found any one such bug with probability at least 99.4%"`,
    );
  });
});

describe('exhaustive_statement', () => {
  const bounds = {
    exhausted: true,
    cut: false,
    executions: 37,
    pruned: 12,
    reduce: true,
    maxPreemptions: 2,
    depth: undefined,
    arrivals: ['nic0 x2'],
    busyTicks: 0,
    interrupted: false,
  };

  it('should say in words what a complete search covered: every interleaving, when its bounds cut nothing', () => {
    expect(exhaustive_statement(bounds)).toMatchInlineSnapshot(
      `"complete: 37 runs covered every interleaving of the scenario's device arrivals (nic0 x2) and the clock ticking only while the cpu is idle, with any number of interrupts and preemptions per run (up to the order of independent steps: 12 runs pruned as equivalent)"`,
    );
  });

  it('should state the bounds of a search they cut', () => {
    expect(exhaustive_statement({ ...bounds, cut: true, depth: 10 })).toMatchInlineSnapshot(
      `"complete within its bounds: 37 runs covered every interleaving of the scenario's device arrivals (nic0 x2) and the clock ticking only while the cpu is idle, with at most 2 non-default choices (interrupts or preemptions) per run, branching only at the first 10 choice points of each run (up to the order of independent steps: 12 runs pruned as equivalent); nothing is claimed beyond the bounds"`,
    );
  });

  it('should claim nothing beyond a search that was stopped', () => {
    expect(exhaustive_statement({ ...bounds, exhausted: false, maxPreemptions: undefined, busyTicks: 3 })).toMatch(
      /^not complete \(it stopped at its --runs cap\): .*at most 3 clock ticks while the cpu is busy, with any number of interrupts and preemptions .*nothing is claimed for the rest$/,
    );
  });
});

describe('random_statement', () => {
  it('should call a search saturated once a whole window passed without a new trace', () => {
    const s = { executions: 1812, distinctTraces: 9, lastNewTrace: 812, window: 1000 };
    expect(saturated(s)).toBe(true);
    expect(saturated({ ...s, executions: 1811 })).toBe(false);
    expect(random_statement(s)).toBe(
      '9 distinct traces in 1,812 runs, the last new one at run 812: saturated (no new trace in the 1,000 runs after it, window 1,000)',
    );
    expect(random_statement({ ...s, executions: 1000 })).toBe(
      '9 distinct traces in 1,000 runs, the last new one at run 812: not saturated (188 runs since it, fewer than the window of 1,000)',
    );
  });
});
