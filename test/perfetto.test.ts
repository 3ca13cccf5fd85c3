/*
 * The Perfetto export against the Chrome JSON trace event format: every record has the
 * fields its phase requires, slices nest strictly per track, and the tracks the issue names
 * are there (a thread per process thread, a track per interrupt level, the cpl and kq_count
 * counters, flow arrows from a deferral to its run).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { perfetto_run, STEP_US } from '../sim/view/perfetto.ts';
import { FOUNDATION_SCENARIOS, runNamed } from './helpers/run.ts';

type Rec = Record<string, unknown>;

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'M', 's', 't', 'f']);

/** Problems with a trace file, as messages (empty = valid). */
function validate(text: string): string[] {
  const errs: string[] = [];
  let doc: { traceEvents?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  if (!Array.isArray(doc.traceEvents)) return ['no traceEvents array'];
  const stacks = new Map<string, string[]>();
  const lastTs = new Map<string, number>();
  const flowStarts = new Set<unknown>();
  const flowEnds = new Set<unknown>();
  for (const [i, r] of (doc.traceEvents as Rec[]).entries()) {
    const at = `record ${i} (${JSON.stringify(r).slice(0, 80)})`;
    if (typeof r.ph !== 'string' || !PHASES.has(r.ph)) {
      errs.push(`${at}: bad ph`);
      continue;
    }
    if (typeof r.name !== 'string') errs.push(`${at}: no name`);
    if (!Number.isInteger(r.pid)) errs.push(`${at}: pid is not an integer`);
    if (r.ph === 'M') {
      if (!['process_name', 'thread_name', 'thread_sort_index', 'process_sort_index'].includes(r.name as string))
        errs.push(`${at}: unknown metadata`);
      if (typeof r.args !== 'object') errs.push(`${at}: metadata without args`);
      continue;
    }
    if (typeof r.ts !== 'number' || !Number.isFinite(r.ts) || r.ts < 0) errs.push(`${at}: bad ts`);
    if (r.ph === 'C') {
      const args = r.args as Rec | undefined;
      if (!args || Object.keys(args).length === 0 || !Object.values(args).every((v) => typeof v === 'number'))
        errs.push(`${at}: counter args must be numbers`);
      continue;
    }
    if (!Number.isInteger(r.tid)) errs.push(`${at}: tid is not an integer`);
    const track = `${r.pid}/${r.tid}`;
    if ((lastTs.get(track) ?? 0) > (r.ts as number)) errs.push(`${at}: ts goes backwards on track ${track}`);
    lastTs.set(track, r.ts as number);
    const st = stacks.get(track) ?? [];
    stacks.set(track, st);
    if (r.ph === 'B') st.push(r.name as string);
    if (r.ph === 'E') {
      const top = st.pop();
      if (top === undefined) errs.push(`${at}: E without B on track ${track}`);
      else if (r.name && r.name !== top) errs.push(`${at}: E '${r.name}' closes '${top}' on track ${track}`);
    }
    if (r.ph === 'i' && !['g', 'p', 't'].includes(r.s as string)) errs.push(`${at}: instant scope must be g, p or t`);
    if (r.ph === 's' || r.ph === 'f') {
      if (r.id === undefined) errs.push(`${at}: flow without id`);
      (r.ph === 's' ? flowStarts : flowEnds).add(r.id);
      if (r.ph === 'f' && r.bp !== 'e') errs.push(`${at}: flow end should bind to its enclosing slice (bp e)`);
    }
  }
  for (const [track, st] of stacks) if (st.length > 0) errs.push(`track ${track}: ${st.length} slice(s) never ended (${st.join(', ')})`);
  for (const id of flowStarts) if (!flowEnds.has(id)) errs.push(`flow ${String(id)} starts but never ends`);
  for (const id of flowEnds) if (!flowStarts.has(id)) errs.push(`flow ${String(id)} ends but never starts`);
  return errs;
}

const records = (text: string) => (JSON.parse(text) as { traceEvents: Rec[] }).traceEvents;
const trackNames = (text: string) =>
  records(text)
    .filter((r) => r.name === 'thread_name')
    .map((r) => (r.args as { name: string }).name);

describe('perfetto_run', () => {
  it('should hold the tracks the format promises: threads, interrupt levels, cpl and kq_count counters, flows', async () => {
    const r = await runNamed('nic-softnet', { snapshots: true });
    const text = perfetto_run(r);
    expect(validate(text)).toEqual([]);
    const names = trackNames(text);
    expect(names).toContain('server[1]');
    expect(names).toContain('intr net (IPL_NET)');
    expect(names).toContain('intr softnet (IPL_SOFTNET)');
    const recs = records(text);
    expect(recs.some((x) => x.ph === 'C' && x.name === 'cpl')).toBe(true);
    expect(recs.some((x) => x.ph === 'C' && x.name === 'kq_count kq 1' && (x.args as { kq_count: number }).kq_count === 1)).toBe(true);
    expect(recs.some((x) => x.ph === 'B' && x.name === 'kevent')).toBe(true);
    expect(recs.some((x) => x.ph === 'i' && String(x.name).startsWith('knote 1 activate'))).toBe(true);
    // The soft interrupt scheduled by the NIC handler is linked to its later run.
    const softStart = recs.find((x) => x.ph === 's' && x.name === 'deferral');
    expect(softStart).toBeDefined();
    const softEnd = recs.find((x) => x.ph === 'f' && x.id === softStart?.id);
    expect(softEnd?.tid).toBe(recs.find((x) => x.name === 'thread_name' && (x.args as { name: string }).name === 'intr softnet (IPL_SOFTNET)')?.tid);
    // A wakeup is linked to the thread running again.
    expect(recs.some((x) => x.ph === 's' && x.name === 'wakeup')).toBe(true);
  });

  it('should map steps to microseconds consistently and keep ticks as a counter', async () => {
    const r = await runNamed('timer', { snapshots: true });
    const recs = records(perfetto_run(r)).filter((x) => x.ph !== 'M');
    const byStep = r.events.filter((e) => e.kind === 'intr' && e.src === 'clock');
    const slices = recs.filter((x) => x.ph === 'B' && x.name === 'intr clock');
    expect(slices).toHaveLength(byStep.length);
    slices.forEach((s, i) => {
      const step = (byStep[i] as { step: number }).step;
      expect(s.ts as number).toBeGreaterThanOrEqual(step * STEP_US);
      expect(s.ts as number).toBeLessThan((step + 1) * STEP_US);
    });
    const ticks = recs.filter((x) => x.ph === 'C' && x.name === 'tick').map((x) => (x.args as { tick: number }).tick);
    expect(ticks).toEqual(r.events.filter((e) => e.kind === 'tick').map((e) => (e as { tick: number }).tick));
  });

  it('should report a broken file (the validator itself can fail)', () => {
    const bad = JSON.stringify({
      traceEvents: [
        { name: 'a', ph: 'B', ts: 0, pid: 1, tid: 1 },
        { name: 'b', ph: 'E', ts: 1, pid: 1, tid: 1 },
        { name: 'c', ph: 'Q', ts: 2, pid: 1, tid: 1 },
        { name: 'f', ph: 's', ts: 3, pid: 1, tid: 1, id: 9 },
      ],
    });
    expect(validate(bad)).toEqual([
      expect.stringMatching(/E 'b' closes 'a'/),
      expect.stringMatching(/bad ph/),
      expect.stringMatching(/flow 9 starts but never ends/),
    ]);
  });

  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 30 })(
    'should validate every record on any scenario and seed, and be byte-identical when run again',
    async (name, seed) => {
      const text = perfetto_run(await runNamed(name, { seed, snapshots: true }));
      expect(validate(text)).toEqual([]);
      expect(perfetto_run(await runNamed(name, { seed, snapshots: true }))).toBe(text);
    },
  );
});
