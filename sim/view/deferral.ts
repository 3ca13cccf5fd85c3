/*
 * Deferrals, recognised generically so the views (teaching, Perfetto flows, the tour) work
 * for kinds later issues add: a soft interrupt scheduled (`softintr`, run by the `intr` of
 * the same source), or any event whose `op` starts with `defer` (e.g. a kcont deferred), run
 * by an event of the same kind with op `run` and the same id (`id`, `kc` or `name`).
 *
 *   is_deferral(ev)          does this event put work off for later?
 *   deferral_key(ev)         what links a deferral to its run, or null
 *   deferral_run_key(ev)     the key this event runs, or null
 */
import type { TraceEvent } from '../../src/trace.ts';

/** A loose view of an event, for kinds this module does not know by type. */
type Loose = TraceEvent & Readonly<Record<string, unknown>>;

const loose_id = (ev: Loose): string => String(ev.id ?? ev.kc ?? ev.name ?? '');

export function is_deferral(ev: TraceEvent): boolean {
  return deferral_key(ev) !== null;
}

export function deferral_key(ev: TraceEvent): string | null {
  const l = ev as Loose;
  if (ev.kind === 'softintr') return `softintr ${ev.src}`;
  if (ev.kind !== 'knote' && typeof l.op === 'string' && l.op.startsWith('defer')) return `${ev.kind} ${loose_id(l)}`;
  return null;
}

export function deferral_run_key(ev: TraceEvent): string | null {
  const l = ev as Loose;
  if (ev.kind === 'intr') return `softintr ${ev.src}`;
  if (l.op === 'run') return `${ev.kind} ${loose_id(l)}`;
  return null;
}
