/*
 * Measuring a wake-up from a trace. A wake-up scenario (scenarios/lib/wakeup.ts) logs
 * markers; everything else is read off the trace events between them:
 *
 *   `wakeup: mechanism M`        which mechanism the server set up (or found by probing)
 *   `wakeup: request via M`      the waker is about to make its wake syscall
 *   `wakeup: observed via HOW`   the server noticed: `event`, `EINTR`, or `mailbox` (a
 *                                tickle that a return with real events consumed)
 *   `wakeup: handled`            the server has the message
 *
 *   wakeup_measure(r)            one run -> WakeupMeasure (or null: the run has no markers)
 *   compare_summary(rows)        per build, over its runs -> CompareRow
 *   compare_table(rows, header)  the text table `kqsim compare` prints
 *   text_table(head, body)       columns padded to their widest cell (shared with designs.ts)
 */
import type { TraceEvent, TraceEventOf } from '../../src/trace.ts';
import type { RunResult } from '../run/runner.ts';

/** sizeof(struct kevent) per platform: i386 aligns the int64 data on 4 bytes, powerpc on 8. */
export const KEVENT_SIZE: Readonly<Record<string, number>> = { i386: 28, macppc: 32, 'macppc-softintr': 32 };

export interface WakeupMeasure {
  readonly mechanism: string;
  /** From the waker's request (just before its wake syscall) to the server noticing. */
  readonly latency_ticks: number;
  readonly latency_steps: number;
  /** Syscalls made only for the wake-up (see the README). */
  readonly syscalls: number;
  /** Bytes through copyin/copyout for the wake-up: messages and struct kevents. */
  readonly bytes: number;
  /** `event` (in band), `EINTR` (out of band) or `mailbox` (the tickle was consumed unseen). */
  readonly observed_via: string;
  /** Server kevent returns with only real events between the request and the one that saw it. */
  readonly delayed_calls: number;
}

/** What follows marker `prefix what` in a scenario's log line, if `ev` is one. */
export function log_marker(ev: TraceEvent, prefix: string, what: string): string | undefined {
  if (ev.kind !== 'log') return undefined;
  const i = ev.text.indexOf(prefix + what);
  return i < 0 ? undefined : ev.text.slice(i + prefix.length + what.length).trim();
}

function marker(ev: TraceEvent, what: string): string | undefined {
  return log_marker(ev, 'wakeup: ', what);
}

function find(events: readonly TraceEvent[], from: number, pred: (ev: TraceEvent) => boolean): number {
  for (let i = from; i < events.length; i++) if (pred(events[i] as TraceEvent)) return i;
  return -1;
}

export function wakeup_measure(r: RunResult): WakeupMeasure | null {
  const evs = r.events;
  const iMech = find(evs, 0, (e) => marker(e, 'mechanism') !== undefined);
  const iReq = find(evs, 0, (e) => marker(e, 'request via') !== undefined);
  const iObs = find(evs, 0, (e) => marker(e, 'observed via') !== undefined);
  const iDone = find(evs, 0, (e) => marker(e, 'handled') !== undefined);
  if (iMech < 0 || iReq < 0 || iObs < 0 || iDone < 0) return null;
  const req = evs[iReq] as TraceEventOf<'log'>;
  const obs = evs[iObs] as TraceEventOf<'log'>;
  const waker = req.ctx;
  const server = obs.ctx;

  // The waker's wake syscall and its return (with ktickle the server may find the mailbox
  // full before the syscall is even made).
  const iCall = find(evs, iReq, (e) => e.kind === 'syscall' && e.ctx === waker);
  const iCallRet = find(evs, iCall, (e) => e.kind === 'sysret' && e.ctx === waker);
  const call = evs[iCall] as TraceEventOf<'syscall'> | undefined;
  const callRet = evs[iCallRet] as TraceEventOf<'sysret'> | undefined;
  if (!call || !callRet) return null;

  // The server's kevent returns between the request and `observed`: the last one saw it.
  const returns: TraceEventOf<'sysret'>[] = [];
  for (let i = iReq; i < iObs; i++) {
    const e = evs[i] as TraceEvent;
    if (e.kind === 'sysret' && e.ctx === server && e.name === 'kevent') returns.push(e);
  }
  const seen = returns.at(-1);
  const via = marker(obs, 'observed via') as string;
  const wakeOnly = via === 'EINTR' || (via === 'event' && (seen?.events?.length ?? 0) === 1);
  const delayed = returns.slice(0, -1).filter((x) => (x.events?.length ?? 0) > 0).length;

  // Syscalls: the wake syscall, the server's between observed and handled, and the
  // observing kevent if it returned nothing but the wake-up.
  let syscalls = 1 + (wakeOnly ? 1 : 0);
  let bytes = 0;
  const kev = KEVENT_SIZE[r.header.platform] ?? 28;
  if (call.name === 'write') bytes += Math.max(0, callRet.ret);
  if (call.name === 'kevent') bytes += kev * Number(/(\d+) change\(s\)/.exec(call.args)?.[1] ?? 0);
  if (via === 'event') bytes += kev;
  for (let i = iObs; i < iDone; i++) {
    const e = evs[i] as TraceEvent;
    if (e.kind === 'syscall' && e.ctx === server) syscalls++;
    if (e.kind === 'sysret' && e.ctx === server && e.name === 'read') bytes += Math.max(0, e.ret);
  }
  return {
    mechanism: marker(evs[iMech] as TraceEvent, 'mechanism') as string,
    latency_ticks: obs.tick - req.tick,
    latency_steps: obs.step - req.step,
    syscalls,
    bytes,
    observed_via: via,
    delayed_calls: delayed,
  };
}

/** One build's runs: what was measured on the clean ones, and how many failed. */
export interface MeasuredRow<M> {
  readonly build: string;
  readonly runs: number;
  /** Runs that ended in a violation, panic or deadlock, with the first one's verdict and schedule. */
  readonly failed: number;
  readonly first_failure?: { readonly verdict: string; readonly schedule: string };
  readonly measured: readonly M[];
}

export type CompareRow = MeasuredRow<WakeupMeasure>;

export interface CompareSummary {
  readonly build: string;
  readonly mechanism: string;
  readonly runs: number;
  readonly measured: number;
  readonly failed: number;
  readonly latency_ticks: { readonly median: number; readonly max: number };
  readonly latency_steps: { readonly median: number; readonly max: number };
  readonly syscalls: { readonly median: number; readonly max: number };
  readonly bytes: { readonly median: number; readonly max: number };
  /** How the wake-up showed up, with how many runs each. */
  readonly observed_via: Readonly<Record<string, number>>;
  /** Runs where at least one return with only real events came first, and the most such returns. */
  readonly delayed_runs: number;
  readonly delayed_calls_max: number;
}

export function median_max(xs: readonly number[]): { median: number; max: number } {
  if (xs.length === 0) return { median: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)] as number, max: s[s.length - 1] as number };
}

export function compare_summary(row: CompareRow): CompareSummary {
  const m = row.measured;
  const via: Record<string, number> = {};
  for (const x of m) via[x.observed_via] = (via[x.observed_via] ?? 0) + 1;
  const mechs = [...new Set(m.map((x) => x.mechanism))];
  return {
    build: row.build,
    mechanism: mechs.join('/') || '?',
    runs: row.runs,
    measured: m.length,
    failed: row.failed,
    latency_ticks: median_max(m.map((x) => x.latency_ticks)),
    latency_steps: median_max(m.map((x) => x.latency_steps)),
    syscalls: median_max(m.map((x) => x.syscalls)),
    bytes: median_max(m.map((x) => x.bytes)),
    observed_via: via,
    delayed_runs: m.filter((x) => x.delayed_calls > 0).length,
    delayed_calls_max: Math.max(0, ...m.map((x) => x.delayed_calls)),
  };
}

const SHOWS_UP: Readonly<Record<string, string>> = {
  event: 'event (in band)',
  EINTR: 'EINTR (out of band)',
  mailbox: 'consumed unseen',
};

export function compare_table(rows: readonly CompareRow[]): string {
  const head = ['build', 'mechanism', 'latency ticks', 'latency steps', 'syscalls', 'bytes', 'shows up as', 'delayed behind real events'];
  const mm = (x: { median: number; max: number }) => `${x.median} (max ${x.max})`;
  const body = rows.map((row) => {
    const s = compare_summary(row);
    const via = Object.entries(s.observed_via)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, n]) => `${SHOWS_UP[k] ?? k} ${n}/${s.measured}`)
      .join(', ');
    const delayed = s.measured === 0 ? '-' : `${s.delayed_runs}/${s.measured} runs, up to ${s.delayed_calls_max} call(s)`;
    return [s.build, s.mechanism, mm(s.latency_ticks), mm(s.latency_steps), mm(s.syscalls), mm(s.bytes), via || '-', delayed];
  });
  return text_table(head, body);
}

/** Columns padded to their widest cell, a rule under the head. */
export function text_table(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((x, c) => x.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
