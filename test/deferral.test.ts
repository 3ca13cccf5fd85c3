/*
 * Deferrals as the views recognise them: a soft interrupt scheduled and taken, and (for
 * kinds later issues add, such as kcont) any `defer*` op and the `run` of the same id.
 */
import { describe, expect, it } from 'vitest';
import { deferral_key, deferral_run_key, is_deferral } from '../sim/view/deferral.ts';
import { teach_points } from '../sim/view/teach.ts';
import type { TraceEvent } from '../src/trace.ts';
import { eventsOf, runNamed } from './helpers/run.ts';

/** An event of a kind the trace vocabulary does not have yet (the shape issue 4 may use). */
const future = (seq: number, step: number, body: Record<string, unknown>) =>
  ({ seq, step, tick: 0, ctx: 'intr net', ipl: 'net', ...body }) as unknown as TraceEvent;

describe('deferral', () => {
  it('should link each soft interrupt scheduled to the interrupt of the same source', async () => {
    const r = await runNamed('nic-softnet');
    const [scheduled] = eventsOf(r, 'softintr');
    const taken = eventsOf(r, 'intr').filter((e) => e.src === 'softnet');
    expect(scheduled && deferral_key(scheduled)).toBe('softintr softnet');
    expect(taken.map(deferral_run_key)).toEqual(taken.map(() => 'softintr softnet'));
    expect(eventsOf(r, 'knote').some(is_deferral)).toBe(false);
  });

  it('should recognise a deferral of a kind it does not know, and ask about it with where it ran', () => {
    const defer = future(0, 3, { kind: 'kcont', op: 'defer', id: 7 });
    const other = future(1, 4, { kind: 'kcont', op: 'run', id: 8 });
    const run = future(2, 9, { kind: 'kcont', op: 'run', id: 7, ctx: 'intr softnet' });
    expect(deferral_key(defer)).toBe('kcont 7');
    expect(deferral_run_key(run)).toBe('kcont 7');
    expect(deferral_run_key(other)).not.toBe('kcont 7');
    const [q] = teach_points([defer, other, run]);
    expect(q?.index).toBe(0);
    expect(q?.options[q.answer]).toBe('intr net schedules kcont 7 to run later');
    expect(q?.explain).toMatch(/It runs at step 9 in intr softnet\.$/);
  });
});
