/*
 * Progress for long explorations, on stderr only (stdout stays byte-deterministic). On a
 * terminal: one status line, redrawn at most every 100 ms and cut to the terminal's width
 * (a narrow pane must not fill its scrollback), with the rate and an ETA, both from the last
 * few seconds (an exploration slows down as its executions grow longer, so the average
 * since the start would promise too much): the ETA of random and PCT from the executions
 * planned, that of an exhaustive search from its share of the tree, estimated from the
 * shape of the tree explored so far.
 * Elsewhere (a pipe, CI logs): a plain line every five seconds. This is the one place in
 * sim/ that reads the wall clock.
 *
 *   progress_reporter(stream, clock)   -> { update(p), finish() }
 *   progress_line(p, rate, eta_ms)     the status text
 *   status_line(stream, clock)         -> { due(), show(text), finish() }: the line itself,
 *                                      for any command (kqsim score draws its own text)
 */
import type { ExploreProgress } from '../explore/explorer.ts';

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 5000;
/** The rate and ETA come from this much of the recent past. */
const WINDOW_MS = 5000;
/** How often a point of the window is kept (so the window stays small). */
const SAMPLE_MS = 100;

export interface ProgressReporter {
  update(p: ExploreProgress): void;
  finish(): void;
}

/** What the reporter needs of a stream: whether it is a terminal, how wide, and writing. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

export function progress_line(p: ExploreProgress, per_s: number, eta_ms: number | undefined): string {
  let line = `explore: ${p.executions} executions, ${p.pruned} pruned, ${per_s.toFixed(0)}/s`;
  if (p.planned !== undefined && p.planned > 0) line += `, ${Math.floor((100 * p.executions) / p.planned)}%`;
  else if (p.fraction !== undefined) line += `, ${Math.floor(100 * p.fraction)}% of the tree (estimated)`;
  if (eta_ms !== undefined) line += `, ETA ${seconds(eta_ms)}`;
  return line;
}

/** Cut `line` to fit `columns` (leaving the last column free, so the terminal does not wrap). */
function fit_width(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 1 || line.length < columns) return line;
  return `${line.slice(0, Math.max(0, columns - 2))}\u2026`;
}

interface Sample {
  readonly t: number;
  readonly executions: number;
  readonly done: number;
  readonly fraction: number;
}

/** A status line: redrawn in place on a terminal, a plain line every few seconds elsewhere. */
export interface StatusLine {
  /** Whether a line shown now would be drawn (so a caller can skip building it). */
  due(): boolean;
  show(text: string): void;
  finish(): void;
}

export function status_line(stream: ProgressStream, clock: () => number = Date.now): StatusLine {
  const tty = stream.isTTY === true;
  let lastDraw = clock();
  let drawn = false;
  return {
    due: () => clock() - lastDraw >= (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS),
    show(text) {
      const now = clock();
      if (now - lastDraw < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
      lastDraw = now;
      if (tty) {
        stream.write(`\r\x1b[K${fit_width(text, stream.columns)}`);
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

export function progress_reporter(stream: ProgressStream, clock: () => number = Date.now): ProgressReporter {
  const status = status_line(stream, clock);
  const window: Sample[] = [{ t: clock(), executions: 0, done: 0, fraction: 0 }];
  return {
    update(p) {
      const now = clock();
      const done = p.executions + p.pruned;
      const fraction = p.fraction ?? 0;
      if (now - (window.at(-1) as Sample).t >= SAMPLE_MS) window.push({ t: now, executions: p.executions, done, fraction });
      while (window.length > 2 && now - (window[1] as Sample).t >= WINDOW_MS) window.shift();
      if (!status.due()) return;
      const first = window[0] as Sample;
      const span_s = Math.max((now - first.t) / 1000, 0.001);
      const per_s = (done - first.done) / span_s;
      const exec_per_s = (p.executions - first.executions) / span_s;
      const share_per_s = (fraction - first.fraction) / span_s;
      const eta =
        p.planned !== undefined
          ? exec_per_s > 0
            ? ((p.planned - p.executions) / exec_per_s) * 1000
            : undefined
          : p.fraction !== undefined && share_per_s > 0
            ? ((1 - fraction) / share_per_s) * 1000
            : undefined;
      status.show(progress_line(p, per_s, eta));
    },
    finish: () => status.finish(),
  };
}
