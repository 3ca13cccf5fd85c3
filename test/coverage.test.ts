/*
 * Coverage records: what a search's runs could interrupt where, and what they took. They
 * merge in any grouping (workers, shards, `kqsim merge`) to the same data.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type Coverage, CoverageCollector, coverage_merge, coverage_summary, EMPTY_COVERAGE } from '../sim/explore/coverage.ts';
import { LenientReplayChooser, schedule_choices } from '../sim/explore/replay.ts';
import { SeededChooser } from '../sim/run/choosers.ts';
import { runNamed } from './helpers/run.ts';

const name = fc.constantFrom('kqueue_scan:splx', 'knote_enqueue:splx', 'user:kevent', 'ipintr:splx');
const coverage: fc.Arbitrary<Coverage> = fc
  .record({
    runs: fc.nat(50),
    choicePointsMax: fc.nat(200),
    agents: fc.uniqueArray(fc.constantFrom('thread:1', 'thread:2', 'irq:nic0', 'irq:clock')),
    pairs: fc.uniqueArray(fc.record({ point: name, source: fc.constantFrom('nic0', 'com0', 'clock'), offered: fc.nat(9), taken: fc.nat(9) }), {
      selector: (p) => `${p.point} ${p.source}`,
    }),
  })
  .map((c) => coverage_merge(EMPTY_COVERAGE, c));

describe('coverage_merge', () => {
  test.prop([coverage, coverage])('should not care about the order of its arguments', (a, b) => {
    expect(coverage_merge(a, b)).toEqual(coverage_merge(b, a));
  });

  test.prop([coverage, coverage, coverage])('should not care how records are grouped', (a, b, c) => {
    expect(coverage_merge(coverage_merge(a, b), c)).toEqual(coverage_merge(a, coverage_merge(b, c)));
  });

  test.prop([coverage])('should leave a record alone when merged with nothing', (a) => {
    expect(coverage_merge(a, EMPTY_COVERAGE)).toEqual(a);
  });

  test.prop([coverage, coverage])('should add the counts and keep the largest run', (a, b) => {
    const m = coverage_merge(a, b);
    expect(m.runs).toBe(a.runs + b.runs);
    expect(m.choicePointsMax).toBe(Math.max(a.choicePointsMax, b.choicePointsMax));
    const total = (c: Coverage) => c.pairs.reduce((s, p) => s + p.offered + p.taken, 0);
    expect(total(m)).toBe(total(a) + total(b));
  });
});

describe('CoverageCollector', () => {
  it('should record the interrupt a failing schedule took where it took it', async () => {
    const collector = new CoverageCollector();
    const r = await runNamed('nic-softnet', {
      build: 'netbsd-2.0+mutant-lost-wakeup',
      chooser: collector.wrap(new LenientReplayChooser(schedule_choices('kq2:nic-softnet:0*10.1'))),
    });
    collector.end_run();
    const c = collector.record();
    expect(c.runs).toBe(1);
    // Every point with a choice, the defaults after the last disturbance too.
    expect(c.choicePointsMax).toBe(r.events.filter((e) => e.kind === 'choice').length);
    // Handlers go on at their own points, where the clock may also tick.
    expect(c.agents).toEqual(['intr:net', 'intr:softnet', 'irq:clock', 'irq:nic0', 'thread:1']);
    const s = coverage_summary(c);
    expect(s.exercised).toEqual([{ point: 'kqueue_scan:count-tested', source: 'nic0' }]);
    expect(s.reachable.length).toBeGreaterThan(5);
    expect(s.neverInterrupted).not.toContain('kqueue_scan:count-tested');
    expect(s.neverInterrupted).toContain('user:socket');
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 6 })], { numRuns: 10 })(
    'should give one record for many runs that equals the merge of one record per run',
    async (seeds) => {
      const all = new CoverageCollector();
      let merged = EMPTY_COVERAGE;
      for (const seed of seeds) {
        const one = new CoverageCollector();
        await runNamed('nic-softnet', { chooser: all.wrap(new SeededChooser(seed)) });
        all.end_run();
        await runNamed('nic-softnet', { chooser: one.wrap(new SeededChooser(seed)) });
        one.end_run();
        merged = coverage_merge(merged, one.record());
      }
      expect(all.record()).toEqual(merged);
      for (const p of merged.pairs) expect(p.taken).toBeLessThanOrEqual(p.offered);
    },
  );
});
