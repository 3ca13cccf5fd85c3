/*
 * Progress for long explorations, on stderr only (stdout stays byte-deterministic). On a
 * terminal: one status line, redrawn at most every 100 ms, with the rate and an ETA: from
 * the number of executions planned (random, pct), or for an exhaustive search from the
 * share of the tree behind it, estimated from the shape of the tree explored so far. Elsewhere (a pipe, CI logs): a plain line every
 * five seconds. This is the one place in sim/ that reads the wall clock.
 *
 *   progress_reporter(stream)   -> { update(p), finish() }
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

export function progress_reporter(stream: NodeJS.WriteStream): ProgressReporter {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let last = started;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
      last = now;
      const elapsed = now - started;
      const rate = (p.executions + p.pruned) / Math.max(elapsed / 1000, 0.001);
      let line = `explore: ${p.executions} executions, ${p.pruned} pruned, ${rate.toFixed(0)}/s`;
      // The share done: of the executions planned, or of the tree as its shape so far suggests.
      const share = p.planned !== undefined ? p.executions / p.planned : p.fraction;
      if (share !== undefined && share > 0) {
        const eta = ((1 - share) / share) * elapsed;
        line += `, ${Math.floor(100 * share)}%${p.planned === undefined ? ' of the tree (estimated)' : ''}, ETA ${seconds(eta)}`;
      }
      if (tty) {
        stream.write(`\r\x1b[K${line}`);
        drawn = true;
      } else {
        stream.write(`${line}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
