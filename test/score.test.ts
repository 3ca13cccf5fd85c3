/*
 * `kqsim score`, on a small budget: every mutant is caught by at least one strategy, by
 * what it was written for, and the score is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { MUTANT_CASES } from '../sim/check/mutants.ts';
import { median_runs, type ScoreReport } from '../sim/explore/score.ts';
import { expectInputErrors, kqsim } from './helpers/cli.ts';

describe('median_runs', () => {
  it('should count a search that found nothing as more than any budget', () => {
    expect(median_runs([12, null, 40])).toBe(40);
    expect(median_runs([null, 3, null])).toBeNull();
    expect(median_runs([5])).toBe(5);
  });
});

describe('kqsim score', () => {
  it('should list every mutant with per-strategy detection, each caught by what it was written for', () => {
    const r = kqsim('score', '--runs', '400', '--seeds', '1', '--json');
    // Only progress, every few seconds, goes to stderr.
    for (const line of r.err.split('\n').filter((l) => l !== '')) expect(line).toMatch(/^score: \d+ of \d+ searches done, \d+ runs$/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as ScoreReport;
    expect(report.mutants.length).toBeGreaterThanOrEqual(14);
    expect(new Set(report.mutants.map((m) => m.mutant))).toEqual(new Set(MUTANT_CASES.map((c) => c.mutant)));
    for (const m of report.mutants) {
      expect(m.strategies.map((s) => s.strategy)).toEqual(['random', 'pct', 'exhaustive']);
      expect(m.detected, m.mutant).toBe(true);
      expect(
        m.strategies.some((s) => s.fired.includes(m.caughtBy)),
        m.mutant,
      ).toBe(true);
    }
  });

  it('should print the same table twice, and exit 1 when the budget is too small to catch a mutant', () => {
    const args = ['score', '--runs', '1', '--seeds', '2', '--mutant', 'mutant-lost-wakeup,mutant-kc-leak'];
    const a = kqsim(...args);
    expect(kqsim(...args).out).toBe(a.out);
    expect(a.out).toMatch(/^mutant-kc-leak +signal-eintr +kcont-freed-with-knote +2\/2 at 1 \(0\/\d+\)/m);
    // One run is too few for any strategy to put the interrupt inside the lost wakeup's window.
    expect(a.out).toMatch(/^mutant-lost-wakeup +nic-softnet +no-lost-wakeup +0\/2 +0\/2 +0\/1$/m);
    expect(a.out).toMatch(/not caught within the budget by what it was written for: mutant-lost-wakeup on nic-softnet/);
    expect(a.code).toBe(1);
  });

  it('should refuse a mutant it does not know', () => {
    expectInputErrors([[['score', '--mutant', 'mutant-nope'], /^kqsim: error: unknown mutant 'mutant-nope': mutants are mutant-lost-wakeup, /]]);
  });
});
