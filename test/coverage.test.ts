/*
 * Coverage records: what a search's runs could interrupt where, and what they took. They
 * are plain data that merge in any grouping (chunks, workers, shards, `kqsim merge`) to the
 * record of all the runs; test/shard.test.ts shows the search's coverage field the same
 * with any number of workers and merged shards.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type CoverageData, coverage_chooser, coverage_empty, coverage_merge, coverage_view } from '../sim/explore/coverage.ts';
import { LenientReplayChooser, schedule_choices } from '../sim/explore/replay.ts';
import { SeededChooser } from '../sim/run/choosers.ts';
import type { ChoiceOption } from '../src/machine/chooser.ts';
import { runNamed } from './helpers/run.ts';

const option: fc.Arbitrary<ChoiceOption> = fc.oneof(
  fc.constantFrom('nic0', 'com0').map((device): ChoiceOption => ({ kind: 'irq', label: `${device} arrives`, device, event: 0 })),
  fc.constant<ChoiceOption>({ kind: 'tick', label: 'clock tick' }),
  fc.constantFrom(1, 2).map((tid): ChoiceOption => ({ kind: 'continue', label: 'go on', ctx: `thread:${tid}` })),
  fc.constantFrom(1, 2).map((tid): ChoiceOption => ({ kind: 'switch', label: `switch to ${tid}`, tid })),
);
const point = fc.record({
  at: fc.constantFrom('kqueue_scan:splx', 'knote_enqueue:splx', 'user:kevent', 'ipintr:splx', 'idle'),
  options: fc.array(option, { minLength: 2, maxLength: 4 }),
  chosen: fc.nat(),
});
/** Some runs, each the choice points it met and what was chosen there. */
const runs = fc.array(fc.array(point, { maxLength: 12 }), { maxLength: 5 });

/** The record of those runs, counted the way the explorer counts one (the coverage collector). */
function record(rs: readonly (readonly { at: string; options: ChoiceOption[]; chosen: number }[])[]): CoverageData {
  const data = coverage_empty();
  for (const run of rs) {
    let chosen = 0;
    const chooser = coverage_chooser({ choose: (p) => chosen % p.options.length }, data);
    for (const p of run) {
      chosen = p.chosen;
      chooser.choose({ step: 0, at: p.at, options: p.options });
    }
    data.runs++;
  }
  return data;
}

describe('coverage_merge', () => {
  test.prop([runs, runs])('should give the record of all the runs, in either order', (a, b) => {
    const whole = record([...a, ...b]);
    expect(coverage_merge(record(a), record(b))).toEqual(whole);
    expect(coverage_merge(record(b), record(a))).toEqual(whole);
  });

  test.prop([runs, runs, runs])('should not care how records are grouped', (a, b, c) => {
    const [x, y, z] = [record(a), record(b), record(c)];
    expect(coverage_merge(coverage_merge(x, y), z)).toEqual(coverage_merge(x, coverage_merge(y, z)));
  });

  test.prop([runs, runs])('should leave its arguments alone, and work on them as JSON', (a, b) => {
    const [x, y] = [record(a), record(b)];
    const before = JSON.stringify([x, y]);
    const merged = coverage_merge(x, y);
    expect(JSON.stringify([x, y])).toBe(before);
    expect(coverage_merge(JSON.parse(JSON.stringify(x)), JSON.parse(JSON.stringify(y)))).toEqual(merged);
    expect(coverage_merge(x, coverage_empty())).toEqual(x);
  });
});

describe('coverage_view', () => {
  test.prop([runs])('should list pairs in order, none taken more often than offered, and no idle point', (rs) => {
    const v = coverage_view(record(rs));
    const keys = v.pairs.map((p) => `${p.point} ${p.source}`);
    expect(keys).toEqual([...keys].sort());
    expect(v.reachable).toEqual(v.pairs.map((p) => ({ point: p.point, source: p.source })));
    for (const p of v.pairs) expect(p.taken).toBeLessThanOrEqual(p.offered);
    expect(v.pairs.some((p) => p.point === 'idle')).toBe(false);
    expect(v.choicePointsMax).toBe(Math.max(0, ...rs.map((r) => r.length)));
    expect(v.runs).toBe(rs.length);
  });
});

describe('coverage_chooser', () => {
  it('should record the interrupt a failing schedule took where it took it', async () => {
    const data = coverage_empty();
    const r = await runNamed('nic-softnet', {
      build: 'netbsd-2.0+mutant-lost-wakeup',
      chooser: coverage_chooser(new LenientReplayChooser(schedule_choices('kq2:nic-softnet:0*10.1')), data),
    });
    const c = coverage_view(data);
    // Every point with a choice, the defaults after the last disturbance too.
    expect(c.choicePointsMax).toBe(r.events.filter((e) => e.kind === 'choice').length);
    // Handlers go on at their own points, where the clock may also tick.
    expect(c.agents).toEqual(['intr:net', 'intr:softnet', 'irq:clock', 'irq:nic0', 'thread:1']);
    expect(c.exercised).toEqual([{ point: 'kqueue_scan:count-tested', source: 'nic0' }]);
    expect(c.reachable.length).toBeGreaterThan(5);
    expect(c.neverInterrupted).not.toContain('kqueue_scan:count-tested');
    expect(c.neverInterrupted).toContain('user:socket');
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 6 })], { numRuns: 10 })(
    'should give one record for many real runs that equals the merge of one record per run',
    async (seeds) => {
      const all = coverage_empty();
      let merged = coverage_empty();
      for (const seed of seeds) {
        const one = coverage_empty();
        await runNamed('nic-softnet', { chooser: coverage_chooser(new SeededChooser(seed), all) });
        await runNamed('nic-softnet', { chooser: coverage_chooser(new SeededChooser(seed), one) });
        merged = coverage_merge(merged, one);
      }
      expect(all).toEqual(merged);
    },
  );
});
