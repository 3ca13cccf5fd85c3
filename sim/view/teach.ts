/*
 * Teaching mode: predict, then check (OSTEP's simulators ask first and answer with -c).
 * Before each interesting step of a recorded run (an interrupt taken, a soft interrupt or
 * other deferral scheduled, a knote activated, a sleep, a wakeup; a Linux kevent marked,
 * skipped or turned down, a Dillon copyout) a question asks what
 * happens next, from a few choices; the answer is revealed with an explanation of why,
 * built from the trace itself (what was pending, at which cpl, what happened later).
 *
 *   teach_points(events, platform)   the questions for one run, in trace order
 *   TeachPoint               { index, question, options, answer, explain }
 *
 * Deferrals are recognised generically (sim/view/deferral.ts): a `softintr`, or e.g. a kcont
 * event with op `defer`, is asked about, and its later run is found in the trace.
 */
import { IPL_NAMES, type IplName, type IrqSource, type Platform } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { deferral_key, deferral_run_key, is_deferral } from './deferral.ts';

export interface TeachPoint {
  /** Index in the events array of the event the question is about. */
  readonly index: number;
  readonly question: string;
  readonly options: readonly string[];
  /** Index into `options` of what actually happened. */
  readonly answer: number;
  /** Why it happened, in plain words. */
  readonly explain: string;
}

/** A loose view of an event, for kinds later issues add (kcont). */
type Loose = TraceEvent & Readonly<Record<string, unknown>>;

const IPL_WORD = (src: string) => `IPL_${src.toUpperCase()}`;

/** The first later event matching `pred`, with its index. */
function find_after(events: readonly TraceEvent[], from: number, pred: (e: TraceEvent) => boolean): { ev: TraceEvent; i: number } | null {
  for (let i = from + 1; i < events.length; i++) {
    const ev = events[i] as TraceEvent;
    if (pred(ev)) return { ev, i };
  }
  return null;
}

/** The last earlier event matching `pred`. */
function find_before(events: readonly TraceEvent[], from: number, pred: (e: TraceEvent) => boolean): TraceEvent | null {
  for (let i = from - 1; i >= 0; i--) {
    const ev = events[i] as TraceEvent;
    if (pred(ev)) return ev;
  }
  return null;
}

/** The cpl just before event `i` happened (the stamp of the event before it). */
function cpl_before(events: readonly TraceEvent[], i: number): string {
  return find_before(events, i, (e) => e.kind !== 'state')?.ipl ?? 'none';
}

/** Rotate the options by a number derived from the event, so the answer is not always first. */
function arrange(truth: string, others: readonly string[], seq: number): { options: string[]; answer: number } {
  const all = [truth, ...others];
  const r = seq % all.length;
  const options = [...all.slice(r), ...all.slice(0, r)];
  return { options, answer: options.indexOf(truth) };
}

/** `who` runs at `cpl` just before the event: the question is asked from there. */
function point(index: number, ev: TraceEvent, truth: string, others: readonly string[], explain: string, who = ev.ctx, cpl = ev.ipl): TeachPoint {
  const { options, answer } = arrange(truth, others, ev.seq);
  const now = who === 'idle' ? `The cpu is idle (cpl ${cpl}).` : `${who} is running at cpl ${cpl}.`;
  return { index, question: `${now} What happens next?`, options, answer, explain };
}

function intr_point(events: readonly TraceEvent[], i: number, ev: TraceEvent & { kind: 'intr' }): TeachPoint {
  const before = cpl_before(events, i);
  const raised = find_before(
    events,
    i,
    (e) => ((e.kind === 'softintr' || e.kind === 'device') && e.src === ev.src) || (e.kind === 'tick' && ev.src === 'clock'),
  );
  const how =
    raised?.kind === 'device' ? `${raised.device} raised its line` : raised?.kind === 'tick' ? 'the clock ticked' : `scheduled by ${raised?.ctx}`;
  const waited =
    raised && raised.step < ev.step
      ? ` It had been pending since step ${raised.step} (${how}); until now the cpl masked ${IPL_WORD(ev.src)} or no preemption point came.`
      : '';
  return point(
    i,
    ev,
    `the cpu takes the ${ev.src} interrupt over ${ev.over}`,
    [`nothing: the ${ev.src} interrupt is lost`, `${ev.over} goes on first; ${ev.src} waits until it sleeps or returns to user mode`],
    `${ev.src} was pending and the cpl (${before}) does not mask ${IPL_WORD(ev.src)}, so the cpu takes it at the first preemption point and raises the cpl to ${ev.ipl}; ${ev.over} resumes where it was when the handler returns.${waited}`,
    ev.over,
    before,
  );
}

/** Where a deferred piece of work later ran: the soft interrupt taken, or its run event. */
function deferral_run(events: readonly TraceEvent[], i: number, ev: TraceEvent): { ev: TraceEvent; i: number } | null {
  const key = deferral_key(ev);
  return find_after(events, i, (e) => deferral_run_key(e) === key);
}

/** Does the platform's cpl named `ipl` hold off `src`? Undefined when it cannot tell. */
function masks(p: Platform | undefined, ipl: string, src: string): boolean | undefined {
  if (!p || !(IPL_NAMES as readonly string[]).includes(ipl)) return undefined;
  return p.masks(p.cplOf(ipl as IplName), src as IrqSource);
}

function deferral_point(events: readonly TraceEvent[], i: number, ev: Loose, p: Platform | undefined): TeachPoint {
  const what = ev.kind === 'softintr' ? `the ${ev.src} soft interrupt` : `${ev.kind} ${String(ev.id ?? ev.kc ?? ev.name ?? '')}`.trim();
  const later = deferral_run(events, i, ev);
  const where = later
    ? ` It runs at step ${later.ev.step}${later.ev.kind === 'intr' ? `, over ${later.ev.over}` : ` in ${later.ev.ctx}`}.`
    : ' It had not run yet when the run ended.';
  const masked = ev.kind === 'softintr' ? masks(p, ev.ipl, String(ev.src)) : undefined;
  const level = ev.kind === 'softintr' ? IPL_WORD(String(ev.src)) : 'its level';
  const explain =
    masked === true
      ? `The cpl is ${ev.ipl}, and IPL_${ev.ipl.toUpperCase()} masks ${level}, so ${what} cannot run here: it stays pending until the cpl drops. Deferring keeps the slow work out of the higher-priority handler.${where}`
      : masked === false
        ? `The cpl (${ev.ipl}) does not mask ${level}, so ${what} is taken at the next preemption point.${where}`
        : `${what} is deferred: it runs later, where its level is no longer masked.${where}`;
  return point(
    i,
    ev,
    `${ev.ctx} schedules ${what} to run later`,
    [`${what} runs at once, nested inside ${ev.ctx}`, `${ev.ctx} does the work itself at cpl ${ev.ipl}`],
    explain,
  );
}

function knote_point(events: readonly TraceEvent[], i: number, ev: TraceEvent & { kind: 'knote' }): TeachPoint {
  const disabled = ev.status.includes('DISABLED');
  const queued = find_after(events, i, (e) => e.kind === 'knote' && e.kn === ev.kn && e.op !== 'activate');
  const enqueue = queued?.ev.kind === 'knote' && queued.ev.op === 'enqueue';
  const truth = disabled
    ? `knote ${ev.kn} becomes active but stays off kq ${ev.kq}'s queue`
    : enqueue
      ? `knote ${ev.kn} becomes active and is queued on kq ${ev.kq}`
      : `knote ${ev.kn} becomes active; it is already on kq ${ev.kq}'s queue`;
  const others = [
    disabled ? `knote ${ev.kn} becomes active and is queued on kq ${ev.kq}` : `knote ${ev.kn} becomes active but stays off kq ${ev.kq}'s queue`,
    `nothing: nobody sleeps in kevent on kq ${ev.kq}, so the event is dropped`,
  ];
  const why = disabled
    ? 'it is disabled (EV_DISABLE), so KNOTE_ACTIVATE sets KN_ACTIVE but does not queue it; EV_ENABLE will queue it later because it stays active.'
    : enqueue
      ? `KNOTE_ACTIVATE sets KN_ACTIVE and, since it is neither KN_QUEUED nor KN_DISABLED, knote_enqueue puts it on kq ${ev.kq}'s queue and wakes anyone sleeping in kevent on it.`
      : 'KNOTE_ACTIVATE sets KN_ACTIVE; it is not queued again, so a knote is on its queue at most once.';
  return point(i, ev, truth, others, `The filter of knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) reported the event as true: ${why}`);
}

function sleep_point(events: readonly TraceEvent[], i: number, ev: TraceEvent & { kind: 'sleep' }): TeachPoint {
  const woken = find_after(events, i, (e) => e.kind === 'wakeup' && e.thread === ev.thread);
  const until =
    woken && woken.ev.kind === 'wakeup' ? ` It is woken at step ${woken.ev.step} by ${woken.ev.reason}.` : ' Nothing wakes it before the run ends.';
  return point(
    i,
    ev,
    `${ev.thread} sleeps on ${ev.wchan} ("${ev.wmesg}")`,
    [`${ev.thread} returns to user mode with nothing`, `${ev.thread} spins in the kernel until something arrives`],
    `Nothing ${ev.thread} waits for is ready, so it calls ltsleep on ${ev.wchan}: the cpu goes to another thread or idles${ev.timo > 0 ? `, and a timeout of ${ev.timo} tick(s) is armed` : ''}.${until}`,
  );
}

function wakeup_point(events: readonly TraceEvent[], i: number, ev: TraceEvent & { kind: 'wakeup' }): TeachPoint {
  const runs = find_after(events, i, (e) => e.kind === 'switch' && e.to === ev.thread);
  const when = runs ? ` It runs again at step ${runs.ev.step}, when the cpu switches to it.` : '';
  return point(
    i,
    ev,
    `${ev.thread} is made runnable by ${ev.reason}`,
    [`${ev.thread} runs at once, inside ${ev.ctx}`, `${ev.thread} keeps sleeping: the event is lost`],
    `${ev.reason} takes ${ev.thread} off its sleep queue and puts it on the run queue; it does not run inside ${ev.ctx}, which finishes first.${when}`,
  );
}

/* The answers a Linux kevent step could have had, each in the document's words. */
const LKEVENT_OUTCOMES: Readonly<Record<string, string>> = {
  mark: 'the callback says ready: it goes on the ready queue with KEVENT_RET_DONE and the queue is woken',
  skip: 'it is not marked: KEVENT_REQ_WAKEUP_ONE, and another kevent of the same origin was marked first',
  'last-check-failed': 'KEVENT_REQ_LAST_CHECK re-runs the callback, which says not ready: it goes back to its storage, not copied',
  'add-ready': 'it is ready at once: kevent_ctl hands it back with KEVENT_RET_DONE and does not keep it',
};

function lkevent_point(i: number, ev: TraceEvent & { kind: 'lkevent' }): TeachPoint {
  const truth = LKEVENT_OUTCOMES[ev.op] as string;
  const others = Object.entries(LKEVENT_OUTCOMES)
    .filter(([op]) => op !== ev.op)
    .slice(0, 2)
    .map(([, text]) => text);
  return point(i, ev, truth, others, `kevent ${ev.kev} (${ev.id}, ${ev.flags}) on kevent queue ${ev.kq}: ${ev.why}.`);
}

function dillon_point(i: number, ev: TraceEvent & { kind: 'dillon' }): TeachPoint {
  const at = `0x${ev.addr.toString(16)}`;
  return point(
    i,
    ev,
    `the kernel writes ${ev.bytes} byte(s) into the user's own struct event at ${at}, then hands back the pointer`,
    [
      `the kernel copies a whole struct kevent into the caller's array, as kqueue does`,
      `the kernel copies the user's struct event in, updates it and copies it back`,
    ],
    `Dillon's kernel kept the pointer from kqueuectl and "does a copyout of *ONLY* the kernel data update for the event structure (the 'data') field"; kevent returns the pointer itself. ${ev.why}.`,
  );
}

export function teach_points(events: readonly TraceEvent[], platform?: Platform): TeachPoint[] {
  const out: TeachPoint[] = [];
  events.forEach((ev, i) => {
    if (ev.kind === 'intr') out.push(intr_point(events, i, ev));
    else if (ev.kind === 'knote' && ev.op === 'activate') out.push(knote_point(events, i, ev));
    else if (ev.kind === 'sleep') out.push(sleep_point(events, i, ev));
    else if (ev.kind === 'wakeup') out.push(wakeup_point(events, i, ev));
    else if (ev.kind === 'lkevent' && Object.hasOwn(LKEVENT_OUTCOMES, ev.op)) out.push(lkevent_point(i, ev));
    else if (ev.kind === 'dillon' && ev.op === 'copyout') out.push(dillon_point(i, ev));
    else if (is_deferral(ev)) out.push(deferral_point(events, i, ev as Loose, platform));
  });
  return out;
}
