/*
 * JSON-lines trace: a header line, one line per event, a result line. Field order is fixed
 * by construction, so equal runs give byte-identical files.
 */
import type { RunResult } from '../run/runner.ts';
import { safe_json } from './safe_text.ts';

export function jsonl_run(r: RunResult): string {
  const lines = [safe_json({ kind: 'header', ...r.header })];
  for (const ev of r.events) lines.push(safe_json(ev));
  lines.push(safe_json({ kind: 'result', outcome: r.outcome, findings: r.findings, steps: r.steps, ticks: r.ticks, schedule: r.schedule }));
  return `${lines.join('\n')}\n`;
}
