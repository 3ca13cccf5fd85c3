/*
 * Progress for long explorations, on stderr only (stdout stays byte-deterministic). On a
 * terminal: one status line, redrawn at most every 100 ms, with the rate and, when the
 * number of executions is known, an ETA. Elsewhere (a pipe, CI logs): a plain line every
 * five seconds. This is the one place in sim/ that reads the wall clock.
 *
 *   progress_reporter(stream)   -> { update(p), finish() } for an exploration
 *   status_line(stream)         -> { show(text), finish() }, what it draws with
 */
import type { ExploreProgress } from '../explore/explorer.ts';

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5000;

export interface ProgressReporter {
  update(p: ExploreProgress): void;
  finish(): void;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A status line on stderr: redrawn on a terminal, a plain line every few seconds elsewhere. */
export interface StatusLine {
  show(text: string): void;
  finish(): void;
}

export function status_line(stream: NodeJS.WriteStream): StatusLine {
  const tty = stream.isTTY === true;
  let last = Date.now();
  let drawn = false;
  return {
    show(text) {
      const now = Date.now();
      if (now - last < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
      last = now;
      if (tty) {
        stream.write(`\r\x1b[K${text}`);
        drawn = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

export function progress_reporter(stream: NodeJS.WriteStream): ProgressReporter {
  const started = Date.now();
  const status = status_line(stream);
  return {
    update(p) {
      const elapsed = Date.now() - started;
      const rate = (p.executions + p.pruned) / Math.max(elapsed / 1000, 0.001);
      let line = `explore: ${p.executions} executions, ${p.distinctTraces} distinct traces, ${p.pruned} pruned, ${rate.toFixed(0)}/s`;
      if (p.planned !== undefined && p.executions > 0) {
        const eta = ((p.planned - p.executions) / p.executions) * elapsed;
        line += `, ${Math.floor((100 * p.executions) / p.planned)}%, ETA ${seconds(eta)}`;
      }
      status.show(line);
    },
    finish: () => status.finish(),
  };
}
