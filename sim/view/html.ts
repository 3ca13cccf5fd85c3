/*
 * HTML export: one self-contained page (inline CSS and JS, a CSP that forbids any load) to
 * look at a recorded run the way a trace viewer does: a timeline on a time axis in simulator
 * steps (with the virtual clock's ticks), the cpl with its levels labelled and one lane per
 * interrupt level and thread, zoom and pan, hover for an event's narration; a stepper over the
 * narrated events with the narration around the current one and the state after it; a
 * teaching mode that asks before interesting events and shows nothing that comes after. A
 * diff page shows both builds on one scale, the divergence marked, the narration aligned.
 * The page's behaviour is in html/page.js, its layout in html/page.css.
 *
 * Everything the page shows comes from the trace (narration, `state` snapshots, teaching
 * questions): the page runs no simulation. Every text is made safe here (sim/view/safe_text.ts);
 * the data goes in as JSON inside a `<script type="application/json">` with `<`, `>`, `&` and
 * line separators escaped, and the page puts all text in as text nodes, so scenario text can
 * never become markup.
 *
 *   html_run(result, scenario, coverage?)   the page for one run, with the coverage map of
 *                                 the search it came from (kqsim explore --html)
 *   html_diff(report, scenario)   the page for a build diff
 *   html_side(result)             the page data of one run (exported for tests)
 */
import { readFileSync } from 'node:fs';
import { IPL_NAMES, platform_get } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { type DiffReport, diff_decision_lines } from '../compare/diff.ts';
import type { RunResult } from '../run/runner.ts';
import type { Scenario } from '../scenario.ts';
import { narrate_text, narrate_where, outcome_line } from './narrate.ts';
import { safe_json, safe_text } from './safe_text.ts';
import { teach_points } from './teach.ts';

/** One position of the stepper: a narrated event. */
export interface PagePosition {
  /** The simulator step it happened at (what `outcome: ... (N steps)` counts) and the virtual tick. */
  readonly step: number;
  readonly tick: number;
  /** Where it sits on the time axis: its step, plus a fraction for the events that share the step. */
  readonly x: number;
  readonly ctx: string;
  readonly kind: string;
  /** The narration's context column (`server[1] @none`) and what happened, made safe. */
  readonly where: string;
  readonly text: string;
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
  /** Simulator steps and ticks of the whole run. */
  readonly steps: number;
  readonly ticks: number;
  /** The time axis ends here (after the last event's step). */
  readonly end: number;
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
  readonly summary: string;
  readonly description: string;
  /** The cpl levels the page's timelines reach, by rank, for the cpl chart's labels (shared by both sides of a diff). */
  readonly levels: readonly { rank: number; name: string }[];
  readonly sides: readonly PageSide[];
  /** Diff only: aligned rows of position indices, the first row that differs, and what B made of A's decisions. */
  readonly rows?: readonly { a: number | null; b: number | null }[];
  readonly divergence?: number | null;
  readonly visible?: readonly string[];
  readonly decisions?: readonly string[];
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
  const positions: Omit<PagePosition, 'x'>[] = [];
  const states: Record<string, readonly string[]>[] = [{}];
  const posOf = new Map<number, number>();
  const eventOf: number[] = [];
  r.events.forEach((ev, i) => {
    if (ev.kind === 'state') {
      // A snapshot follows the event that caused it: it is the state after that position.
      states.push(Object.fromEntries(Object.entries(ev.sections).map(([name, lines]) => [safe_text(name), lines.map(safe_text)])));
      const last = positions.at(-1);
      if (last) positions[positions.length - 1] = { ...last, state: states.length - 1 };
      return;
    }
    const text = narrate_text(ev, { verbose: ev.kind === 'spl', ...(platform ? { platform } : {}) });
    if (text === null) return;
    posOf.set(i, positions.length);
    eventOf.push(i);
    positions.push({ step: ev.step, tick: ev.tick, ctx: safe_text(ev.ctx), kind: ev.kind, where: narrate_where(ev), text, state: states.length - 1 });
  });
  // Events of one step share its unit of the axis, in order.
  const placed = positions.map((p, i) => {
    let first = i;
    while (first > 0 && (positions[first - 1] as PagePosition).step === p.step) first--;
    let after = i + 1;
    while (after < positions.length && (positions[after] as PagePosition).step === p.step) after++;
    return { ...p, x: p.step + (i - first) / (after - first) };
  });
  return { positions: placed, states, posOf, eventOf };
}

export function html_side(r: RunResult): PageSide {
  const { positions, states, posOf, eventOf } = stepped(r);
  const platform = platform_get(r.header.platform);
  const teach = teach_points(r.events, platform).flatMap((t) => {
    const pos = posOf.get(t.index);
    return pos === undefined
      ? []
      : [{ pos, question: safe_text(t.question), options: t.options.map(safe_text), answer: t.answer, explain: safe_text(t.explain) }];
  });
  const h = r.header;
  return {
    build: h.build,
    header: safe_text(`kqsim ${h.kqsim}: scenario ${h.scenario} on build ${h.build}, platform ${h.platform}, chooser ${h.chooser}`),
    outcome: outcome_line(r.outcome, r.steps, r.ticks),
    schedule: safe_text(r.schedule),
    steps: r.steps,
    ticks: r.ticks,
    end: (positions.at(-1)?.step ?? 0) + 1,
    positions,
    states,
    lanes: lanes_of(r.events, positions, eventOf),
    cpl: r.events.flatMap((ev, i) => (posOf.has(i) ? [ipl_rank(ev.ipl)] : [])),
    teach,
  };
}

/** The cpl levels any of the sides reaches, and none, for the chart's labels. */
function levels_of(sides: readonly PageSide[]): { rank: number; name: string }[] {
  const ranks = new Set([0, ...sides.flatMap((s) => s.cpl)]);
  return [...ranks].sort((a, b) => a - b).map((rank) => ({ rank, name: IPL_NAMES[rank] ?? String(rank) }));
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
  positions.forEach((_pos, p) => {
    for (; ei <= (eventOf[p] as number); ei++) {
      const ev = events[ei] as TraceEvent;
      if (ev.kind === 'intr') frames.push({ src: `intr ${ev.src}`, over: ev.over });
      else if (ev.kind === 'intr-done') frames.splice(frames.map((f) => f.src).lastIndexOf(`intr ${ev.src}`), 1);
      else if (ev.kind === 'sleep') asleep.add(ev.thread);
      else if (ev.kind === 'wakeup') asleep.delete(ev.thread);
    }
    const held = new Set(frames.flatMap((f) => [f.src, f.over]));
    const running = (events[eventOf[p] as number] as TraceEvent).ctx;
    rows.forEach((row, i) => {
      const c = row === running ? 'R' : held.has(row) ? 'I' : asleep.has(row) ? 'S' : '.';
      (cells[i] as string[]).push(c);
    });
  });
  return rows.map((name, i) => ({ name: safe_text(name), cells: (cells[i] as string[]).join('') }));
}

/* ---------------------------------------------------------------- the page */

const asset = (name: string) => readFileSync(new URL(`./html/${name}`, import.meta.url), 'utf8');

/** Text for an HTML text node or attribute. */
export function html_escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`, no line separators. */
function script_json(data: unknown): string {
  return safe_json(data).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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

/** The scenario's words for the page: its summary, and its description (each line made safe). */
function about(scenario: Scenario): { summary: string; description: string } {
  return {
    summary: safe_text(scenario.summary),
    description: (scenario.description ?? '')
      .trim()
      .split('\n')
      .map((l) => safe_text(l.trim()))
      .join('\n'),
  };
}

export function html_run(r: RunResult, scenario: Scenario, coverage?: PageCoverage): string {
  const side = html_side(r);
  return page({
    mode: 'run',
    title: safe_text(`kqsim: ${r.header.scenario} on ${r.header.build}`),
    ...about(scenario),
    levels: levels_of([side]),
    sides: [side],
    ...(coverage ? { coverage: coverage_safe(coverage) } : {}),
  });
}

/* Point labels and sources are the kernel's own words, but every text on the page is made safe. */
function coverage_safe(c: PageCoverage): PageCoverage {
  return {
    title: safe_text(c.title),
    pairs: c.pairs.map((p) => ({ ...p, point: safe_text(p.point), source: safe_text(p.source) })),
    neverInterrupted: c.neverInterrupted.map(safe_text),
  };
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
    title: safe_text(`kqsim diff: ${d.a.header.scenario}: ${d.a.header.build} vs ${d.b.header.build}`),
    ...about(scenario),
    levels: levels_of([a, b]),
    sides: [a, b],
    rows,
    divergence,
    visible: d.visible.map(safe_text),
    decisions: d.decisions ? diff_decision_lines(d.decisions).map(safe_text) : [],
  });
}
