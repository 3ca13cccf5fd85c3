/*
 * HTML export: one self-contained page (inline CSS and JS, no network) to step through a
 * recorded run: a timeline of threads and interrupt levels, step forward/back with the
 * keyboard, the narration of the current step, a state pane, and a teaching toggle that asks
 * before interesting steps. A diff page shows two builds side by side with the divergence
 * marked.
 *
 * Everything the page shows comes from the trace (narration lines, `state` snapshots,
 * teaching questions): the page runs no simulation. The data goes in as JSON inside a
 * `<script type="application/json">` with `<`, `>`, `&` and line separators escaped, and the
 * page puts all text in with textContent, so scenario text can never become markup.
 *
 *   html_run(result, scenario, coverage?)   the page for one run, with the coverage map of
 *                                 the search it came from (kqsim explore --html)
 *   html_diff(report, scenario)   the page for a build diff
 *   html_side(result)             the page data of one run (exported for tests)
 */
import { readFileSync } from 'node:fs';
import { IPL_NAMES, platform_get } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import type { DiffReport } from '../compare/diff.ts';
import type { RunResult } from '../run/runner.ts';
import type { Scenario } from '../scenario.ts';
import { narrate_event, outcome_line } from './narrate.ts';
import { teach_points } from './teach.ts';

/** One step of the stepper: a narrated event. */
export interface PagePosition {
  readonly step: number;
  readonly tick: number;
  readonly ctx: string;
  readonly ipl: string;
  readonly kind: string;
  readonly line: string;
  /** Index into `states` of the state after this event. */
  readonly state: number;
}

/** A timeline row: one character per position ('R' running, 'I' interrupted, 'S' asleep, '.' nothing). */
export interface PageLane {
  readonly name: string;
  readonly cells: string;
}

export interface PageSide {
  readonly build: string;
  readonly header: string;
  readonly outcome: string;
  readonly schedule: string;
  readonly positions: readonly PagePosition[];
  readonly states: readonly Readonly<Record<string, readonly string[]>>[];
  readonly lanes: readonly PageLane[];
  /** The cpl at each position as its rank in spl(9) order (none = 0). */
  readonly cpl: readonly number[];
  readonly teach: readonly { pos: number; question: string; options: readonly string[]; answer: number; explain: string }[];
}

/** The coverage map of a search (sim/explore/coverage.ts), as a run's page shows it. */
export interface PageCoverage {
  readonly title: string;
  readonly pairs: readonly { point: string; source: string; offered: number; taken: number; exercised: boolean }[];
  readonly neverInterrupted: readonly string[];
}

export interface PageData {
  readonly mode: 'run' | 'diff';
  readonly title: string;
  readonly description: string;
  readonly sides: readonly PageSide[];
  /** Diff only: aligned rows of position indices, and the first row that differs. */
  readonly rows?: readonly { a: number | null; b: number | null }[];
  readonly divergence?: number | null;
  readonly visible?: readonly string[];
  readonly coverage?: PageCoverage;
}

const ipl_rank = (ipl: string) => Math.max(0, IPL_NAMES.indexOf(ipl as (typeof IPL_NAMES)[number]));

/** The stepper's positions (narrated events) of a run, with the trace index of each. */
interface Stepped {
  readonly positions: PagePosition[];
  readonly states: Record<string, readonly string[]>[];
  /** Trace index -> position index (events that are not narrated map to none). */
  readonly posOf: Map<number, number>;
  /** Position index -> trace index. */
  readonly eventOf: number[];
}

function stepped(r: RunResult): Stepped {
  const platform = platform_get(r.header.platform);
  const positions: PagePosition[] = [];
  const states: Record<string, readonly string[]>[] = [{}];
  const posOf = new Map<number, number>();
  const eventOf: number[] = [];
  r.events.forEach((ev, i) => {
    if (ev.kind === 'state') {
      // A snapshot follows the event that caused it: it is the state after that position.
      states.push({ ...ev.sections });
      const last = positions.at(-1);
      if (last) positions[positions.length - 1] = { ...last, state: states.length - 1 };
      return;
    }
    const line = narrate_event(ev, { verbose: ev.kind === 'spl', ...(platform ? { platform } : {}) });
    if (line === null) return;
    posOf.set(i, positions.length);
    eventOf.push(i);
    positions.push({ step: ev.step, tick: ev.tick, ctx: ev.ctx, ipl: ev.ipl, kind: ev.kind, line, state: states.length - 1 });
  });
  return { positions, states, posOf, eventOf };
}

export function html_side(r: RunResult): PageSide {
  const { positions, states, posOf, eventOf } = stepped(r);
  const platform = platform_get(r.header.platform);
  const teach = teach_points(r.events, platform).flatMap((t) => {
    const pos = posOf.get(t.index);
    return pos === undefined ? [] : [{ pos, question: t.question, options: t.options, answer: t.answer, explain: t.explain }];
  });
  const h = r.header;
  return {
    build: h.build,
    header: `kqsim ${h.kqsim}: scenario ${h.scenario} on build ${h.build}, platform ${h.platform}, chooser ${h.chooser}`,
    outcome: outcome_line(r.outcome, r.steps, r.ticks),
    schedule: r.schedule,
    positions,
    states,
    lanes: lanes_of(r.events, positions, eventOf),
    cpl: positions.map((p) => ipl_rank(p.ipl)),
    teach,
  };
}

/** Who runs, who is interrupted and who sleeps at each position, from the trace events. */
function lanes_of(events: readonly TraceEvent[], positions: readonly PagePosition[], eventOf: readonly number[]): PageLane[] {
  const threads: string[] = [];
  const intrs = new Set<string>();
  for (const ev of events) {
    if (ev.kind === 'intr') intrs.add(ev.src);
    else if (ev.ctx !== 'idle' && ev.ctx !== 'boot' && !ev.ctx.startsWith('intr ') && !threads.includes(ev.ctx)) threads.push(ev.ctx);
  }
  const intrRows = [...intrs].sort((a, b) => ipl_rank(b) - ipl_rank(a)).map((s) => `intr ${s}`);
  const rows = [...intrRows, ...threads];
  // Follow the events' own bookkeeping (intr/intr-done, sleep/wakeup) up to each position.
  // Interrupt frames as a stack of what each one interrupted: everything under the top is held.
  const frames: { src: string; over: string }[] = [];
  const asleep = new Set<string>();
  const cells = rows.map(() => [] as string[]);
  let ei = 0;
  positions.forEach((pos, p) => {
    for (; ei <= (eventOf[p] as number); ei++) {
      const ev = events[ei] as TraceEvent;
      if (ev.kind === 'intr') frames.push({ src: `intr ${ev.src}`, over: ev.over });
      else if (ev.kind === 'intr-done') frames.splice(frames.map((f) => f.src).lastIndexOf(`intr ${ev.src}`), 1);
      else if (ev.kind === 'sleep') asleep.add(ev.thread);
      else if (ev.kind === 'wakeup') asleep.delete(ev.thread);
    }
    const held = new Set(frames.flatMap((f) => [f.src, f.over]));
    rows.forEach((row, i) => {
      const c = row === pos.ctx ? 'R' : held.has(row) ? 'I' : asleep.has(row) ? 'S' : '.';
      (cells[i] as string[]).push(c);
    });
  });
  return rows.map((name, i) => ({ name, cells: (cells[i] as string[]).join('') }));
}

/* ---------------------------------------------------------------- the page */

const asset = (name: string) => readFileSync(new URL(`./html/${name}`, import.meta.url), 'utf8');

/** Text for an HTML text node or attribute. */
export function html_escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
function script_json(data: unknown): string {
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function page(data: PageData): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network at all: the page may load nothing, so a stray URL cannot leak anywhere.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${html_escape(data.title)}</title>`,
    `<style>\n${asset('page.css')}</style>`,
    '</head>',
    '<body>',
    '<noscript>This page needs JavaScript to step through the trace.</noscript>',
    `<script id="kqsim-data" type="application/json">${script_json(data)}</script>`,
    `<script>\n${asset('page.js')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function html_run(r: RunResult, scenario: Scenario, coverage?: PageCoverage): string {
  return page({
    mode: 'run',
    title: `kqsim: ${r.header.scenario} on ${r.header.build}`,
    description: scenario.description ?? scenario.summary,
    sides: [html_side(r)],
    ...(coverage ? { coverage } : {}),
  });
}

export function html_diff(d: DiffReport, scenario: Scenario): string {
  const a = html_side(d.a);
  const b = html_side(d.b);
  // Map the diff's aligned event indices (choices and states left out) to page positions:
  // an event's seq is its index in the run's trace.
  const toPos = (r: RunResult, compared: readonly TraceEvent[]) => {
    const { posOf } = stepped(r);
    return (i: number | undefined) => (i === undefined ? null : (posOf.get((compared[i] as TraceEvent).seq) ?? null));
  };
  const pa = toPos(d.a, d.aEvents);
  const pb = toPos(d.b, d.bEvents);
  // One page row per aligned row that shows a new position on either side.
  const rows: { a: number | null; b: number | null }[] = [];
  let divergence: number | null = null;
  d.rows.forEach((row, i) => {
    const r = { a: pa(row.a), b: pb(row.b) };
    const prev = rows.at(-1);
    if (i === d.divergence) divergence = rows.length;
    if (prev && prev.a === r.a && prev.b === r.b && i !== d.divergence) return;
    rows.push(r);
  });
  return page({
    mode: 'diff',
    title: `kqsim diff: ${d.a.header.scenario}: ${d.a.header.build} vs ${d.b.header.build}`,
    description: scenario.description ?? scenario.summary,
    sides: [a, b],
    rows,
    divergence,
    visible: d.visible,
  });
}
