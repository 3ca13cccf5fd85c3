/*
 * The guided tour's content (`kqsim demo`, `npm start`): one narrated run of nic-softnet cut
 * into chapters, a heading before each idea as it first appears in the trace (the server's
 * setup, a sleep in kevent, an interrupt, a deferral, a knote activated, the event returned,
 * what comes after) with the
 * reason it happened (teaching mode's explanations), and a note on each piece of notation
 * the first time a line uses it. sim/cli/demo.ts shows it: chapter by chapter on a
 * terminal, all at once into a pipe.
 *
 *   tour_pages(run, platform)   the tour as pages of typed lines (first the introduction, last the end)
 *   TourLine                    one line: what it is (for styling) and its text
 *   NOTATIONS                   each notation the tour explains, and how it is recognised
 */
import type { Platform } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import type { RunResult } from '../run/runner.ts';
import { is_deferral } from './deferral.ts';
import { narrate_columns, outcome_line } from './narrate.ts';
import { teach_points } from './teach.ts';

export type TourLine =
  | { readonly kind: 'title' | 'text' | 'heading' | 'why' | 'note' | 'next' | 'outcome' | 'schedule' | 'blank'; readonly text: string }
  | { readonly kind: 'event'; readonly text: string; readonly cols: readonly [string, string, string, string]; readonly ev: TraceEvent };

export type TourPage = readonly TourLine[];

interface Chapter {
  readonly title: string;
  match(ev: TraceEvent): boolean;
}

const CHAPTERS: readonly Chapter[] = [
  {
    title: 'The server starts: a UDP socket bound to port 7, an event queue (kqueue(2)), and kevent(2) to watch the socket (EVFILT_READ).',
    match: () => true,
  },
  {
    title: 'Nothing is readable yet, so kqueue_scan puts the server to sleep on the kqueue.',
    match: (ev) => ev.kind === 'sleep',
  },
  {
    title: 'An interrupt: a datagram reaches nic0, which raises its line at IPL_NET.',
    match: (ev) => ev.kind === 'device',
  },
  {
    title: 'A deferral: the hardware handler only queues the packet; the rest waits for a soft interrupt.',
    match: is_deferral,
  },
  {
    title: 'The knote: udp_input -> sorwakeup -> knote() runs the filter, which finds the socket readable.',
    match: (ev) => ev.kind === 'knote' && ev.op === 'activate',
  },
  {
    title: 'kevent returns the event to the server, which reads the datagram.',
    match: (ev) => ev.kind === 'sysret' && ev.name === 'kevent' && ev.ret > 0,
  },
  {
    title: 'Afterwards: the server, done with its kqueue and socket, exits; a second datagram comes a tick later.',
    match: (ev) => ev.kind === 'exit',
  },
];

/** A notation, explained once, just before the first line that uses it. */
interface Notation {
  readonly name: string;
  uses(ev: TraceEvent): boolean;
  readonly note: string;
}

export const NOTATIONS: readonly Notation[] = [
  {
    name: 'knote status',
    uses: (ev) => ev.kind === 'knote',
    note: "knote N (ident, filter) OP on kq K [BITS]: a knote is one registration on a kqueue; [BITS] is its kn_status after OP: 0 none, ACTIVE (KN_ACTIVE: its event is true), QUEUED (KN_QUEUED: on the kqueue's queue, waiting to be returned), DISABLED; ACTIVE|QUEUED means both.",
  },
  {
    name: '@clock',
    uses: (ev) => ev.ipl === 'clock',
    note: '@clock: this context raised the cpl with splsched(), on i386 the same level as IPL_CLOCK (0xc, shown as clock; only IPL_SERIAL = IPL_HIGH is above it): kqueue_scan tests kq_count and goes to sleep with nothing able to come in between, and knote_enqueue changes the queue the same way. A thread keeps its cpl while it sleeps and has it back when it runs; the lines after it are other contexts, each at its own level (idle at none).',
  },
  {
    name: 'interrupt context',
    uses: (ev) => ev.ctx.startsWith('intr '),
    note: 'intr net @net: an interrupt handler runs as a context of its own, on top of whatever it interrupted (here idle, or the server), with the cpl raised to its level; "handler returns" gives the cpu back to what it interrupted.',
  },
  {
    name: 'returned event',
    uses: (ev) => ev.kind === 'sysret' && (ev.events?.length ?? 0) > 0,
    note: "{ident 0, EVFILT_READ, EV_ADD, fflags 0, data 5, udata 0}: the struct kevent copied out: the descriptor, the filter, flags, filter flags, data (for a socket, the bytes readable) and the caller's udata. EV_ADD is still set because NetBSD 2.0 keeps a knote's flags as they were registered and copies them back out as they are; in a returned event it means nothing.",
  },
  {
    name: 'tick',
    uses: (ev) => ev.kind === 'tick',
    note: 't2: the virtual clock moved on, to tick 2 (hz = 100; the tick before, with nothing due, was skipped). Time moves while the cpu idles (and at most one tick a run while it works), so everything so far happened in tick 0; hardclock runs at each tick, at IPL_CLOCK.',
  },
  {
    name: 'dropped',
    uses: (ev) => ev.kind === 'log' && ev.text.includes(' dropped'),
    note: "dropped: udp_input throws away a datagram that no socket is bound to, or that does not fit the socket's receive buffer (and counts it); here the server had closed its socket before the second datagram came.",
  },
];

const INTRO = [
  'kqsim: a tour of the BSD kernel event subsystem, on a simulated NetBSD 2.0 (i386).',
  'A process waits in kevent(2) for a UDP datagram; the network card delivers one.',
  'Each line below is one thing the kernel did, in four columns:',
];

const COLUMNS = [
  'step     the simulator step: kernel code runs from one preemption point to the next in a step',
  'tick     the virtual clock, in ticks of hardclock',
  'context  who runs: a process as name[pid] (server[1] is pid 1), an interrupt handler as `intr LEVEL`, or idle',
  '@cpl     the interrupt priority level it runs at (spl(9)): what may not interrupt it now; @none is spl0,',
  '         where every interrupt may come in',
];

const NEXT = [
  'Try next:',
  '  npx kqsim list                                     what can be simulated',
  '  npx kqsim run nic-softnet --teach                  predict each step before it is shown',
  '  npx kqsim run nic-softnet --seed 7                 let the packet arrive somewhere else',
  '  npx kqsim run nic-softnet --format html --out run.html',
  '                                                     step through it in a browser (offline page)',
  '  npx kqsim run nic-softnet --format perfetto --out trace.json',
  '                                                     open it in ui.perfetto.dev or chrome://tracing',
  '  npx kqsim diff oneshot-clear-disable --build netbsd-2.0 --vs netbsd-2.0+mutant-oneshot-requeue',
  '                                                     two kernel builds on one schedule: where they differ',
  '  npx kqsim run nic-softnet --build netbsd-2.0+mutant-lost-wakeup --schedule kq2:nic-softnet:0*10.1',
  '                                                     a broken kernel loses the wakeup',
  '  npx kqsim new my-scenario                          write your own, from a commented start',
];

/** Width the notes and explanations are wrapped to. */
const WRAP = 100;

/** Words of `text` in lines of at most WRAP characters, the first after `first`, the rest after `rest`. */
function wrap(text: string, first: string, rest: string): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > WRAP) {
      out.push(line);
      line = rest;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  out.push(line);
  return out;
}

const lines_of = (kind: 'why' | 'note', text: string, label: string): TourLine[] =>
  wrap(text, `   ${label} `, ' '.repeat(4 + label.length)).map((t) => ({ kind, text: t }));

export function tour_pages(r: RunResult, platform: Platform): TourPage[] {
  const why = new Map(teach_points(r.events, platform).map((t) => [t.index, t.explain]));
  const intro: TourLine[] = [
    ...INTRO.map((text) => ({ kind: 'title' as const, text })),
    ...COLUMNS.map((text) => ({ kind: 'text' as const, text: `  ${text}` })),
  ];
  const pages: TourLine[][] = [intro];
  let page = intro;
  const shown = new Set<Chapter>();
  const explained = new Set<Notation>();
  for (const [i, ev] of r.events.entries()) {
    const chapter = CHAPTERS.find((c) => !shown.has(c) && c.match(ev));
    if (chapter) {
      shown.add(chapter);
      page = [{ kind: 'heading', text: `== ${shown.size}. ${chapter.title}` }];
      pages.push(page);
      const reason = why.get(i);
      if (reason) page.push(...lines_of('why', reason, 'why:'));
    }
    const cols = narrate_columns(ev, { platform });
    if (cols === null) continue;
    for (const n of NOTATIONS) {
      if (explained.has(n) || !n.uses(ev)) continue;
      explained.add(n);
      page.push(...lines_of('note', n.note, 'notation:'));
    }
    page.push({ kind: 'event', text: cols.join(' '), cols, ev });
  }
  pages.push([
    { kind: 'outcome', text: outcome_line(r.outcome, r.steps, r.ticks) },
    { kind: 'schedule', text: `schedule: ${r.schedule}   (replay it with: npx kqsim replay nic-softnet --schedule ${r.schedule})` },
    ...lines_of(
      'note',
      'schedule: every decision the run took, where more than one thing could happen next; this one is the undisturbed run, and replaying it gives this trace byte for byte.',
      'notation:',
    ),
    { kind: 'blank', text: '' },
    ...NEXT.map((text, k) => ({ kind: k === 0 ? ('heading' as const) : ('next' as const), text })),
  ]);
  return pages;
}
