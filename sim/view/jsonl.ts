/*
 * JSON-lines trace: a header line, one line per event, a result line. Field order is fixed
 * by construction, so equal runs give byte-identical files.
 */
import type { RunResult } from '../run/runner.ts';

export function jsonl_run(r: RunResult): string {
  const lines = [JSON.stringify({ kind: 'header', ...r.header })];
  for (const ev of r.events) lines.push(JSON.stringify(ev));
  lines.push(JSON.stringify({ kind: 'result', outcome: r.outcome, findings: r.findings, steps: r.steps, ticks: r.ticks, schedule: r.schedule }));
  return `${lines.join('\n')}\n`;
}
