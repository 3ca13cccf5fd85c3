/*
 * State snapshots on the trace bus: opt-in, they never change the run itself, and each one
 * says what the kernel objects held right after the event before it.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { TraceEvent } from '../src/trace.ts';
import { FOUNDATION_SCENARIOS, runNamed } from './helpers/run.ts';

const without_seq = (evs: readonly TraceEvent[]) => evs.filter((e) => e.kind !== 'state').map(({ seq: _s, ...rest }) => JSON.stringify(rest));

describe('snapshot_watch', () => {
  const scenario = fc.constantFrom(...FOUNDATION_SCENARIOS);
  const seed = fc.integer({ min: 0, max: 0xffffffff });

  test.prop([scenario, seed], { numRuns: 30 })('should leave the run unchanged and be off by default', async (name, seed) => {
    const plain = await runNamed(name, { seed });
    const snap = await runNamed(name, { seed, snapshots: true });
    expect(plain.events.some((e) => e.kind === 'state')).toBe(false);
    expect(without_seq(snap.events)).toEqual(without_seq(plain.events));
    expect(snap.schedule).toBe(plain.schedule);
  });

  test.prop([scenario, seed], { numRuns: 30 })('should emit a snapshot only when it changed, agreeing with the knote events', async (name, seed) => {
    const r = await runNamed(name, { seed, snapshots: true });
    const states = r.events.filter((e) => e.kind === 'state');
    expect(states.length).toBeGreaterThan(0);
    for (let i = 1; i < states.length; i++) expect(JSON.stringify(states[i])).not.toBe(JSON.stringify(states[i - 1]));
    r.events.forEach((ev, i) => {
      if (ev.kind !== 'knote' || (ev.op !== 'enqueue' && ev.op !== 'dequeue')) return;
      // The first snapshot after a queue operation shows the count the operation reported.
      const next = r.events.slice(i + 1).find((e) => e.kind === 'state');
      const count = /kq_count is now (\d+)/.exec(ev.why)?.[1];
      if (next?.kind === 'state') expect(next.sections[`kq ${ev.kq}`]?.[0]).toBe(`kq_count ${count}`);
    });
  });
});
