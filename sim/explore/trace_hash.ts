/*
 * Trace identity for counting distinct behaviours: a deterministic 64-bit hash (two FNV-1a
 * lanes) of the JSON of a run's events, leaving out what only numbers or narrates the
 * schedule (`seq`, `step`, and `choice` events). Two executions that did the same things
 * in the same order in the same contexts hash alike even if they took different numbers of
 * idle scheduling steps to get there.
 *
 *   trace_hash(events)   16 hex digits
 */
import type { TraceEvent } from '../../src/trace.ts';

export function trace_hash(events: readonly TraceEvent[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (const ev of events) {
    if (ev.kind === 'choice') continue;
    const { seq: _seq, step: _step, ...rest } = ev;
    const text = JSON.stringify(rest);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x01000193 + 0x200) >>> 0;
    }
    a = Math.imul(a ^ 0x0a, 0x01000193) >>> 0;
    b = Math.imul(b ^ 0x0a, 0x01000193 + 0x200) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
