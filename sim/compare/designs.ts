/*
 * Measuring the designs-compare workload (scenarios/lib/designs.ts) from a trace, the same
 * way for every event design:
 *
 *   syscalls     every syscall the server's threads made
 *   bytes in/out what crossed the user/kernel boundary for the event API: the designs' own
 *                `copy` events; for kqueue, sizeof(struct kevent) per change copied in and
 *                per event copied out (the datagrams' bytes are the same everywhere: not counted)
 *   wake-ups     threads made runnable by the event queue (not by a timeout)
 *   useless      wake-ups after which the thread read nothing before it slept again
 *   events       events (pointers, for Dillon) the wait calls returned
 *   duplicated   returned events whose descriptor had nothing left to read
 *   lost         datagrams never read
 *
 *   designs_measure(r)          one run -> DesignsMeasure, or null (not this workload)
 *   designs_summary(row)        per build, median and max over its runs
 *   designs_table(rows)         the text table `kqsim compare` prints
 */
import type { TraceEvent } from '../../src/trace.ts';
import type { RunResult } from '../run/runner.ts';
import { KEVENT_SIZE, log_marker, type MeasuredRow, median_max, text_table } from './compare.ts';

export interface DesignsMeasure {
  readonly design: string;
  readonly syscalls: number;
  readonly bytes_in: number;
  readonly bytes_out: number;
  readonly wakeups: number;
  readonly useless_wakeups: number;
  readonly events: number;
  readonly duplicated: number;
  readonly lost: number;
}

const WAIT_CALLS = new Set(['kevent', 'kevent_get_events', 'kevent_wait']);

function marker(ev: TraceEvent, what: string): string | undefined {
  return log_marker(ev, 'designs: ', what);
}

/* A wake-up is useful if the woken thread reads some data before it next sleeps. */
function useless_wakeups(evs: readonly TraceEvent[], queue_wakeups: readonly number[]): number {
  let useless = 0;
  for (const i of queue_wakeups) {
    const thread = (evs[i] as TraceEvent & { kind: 'wakeup' }).thread;
    let useful = false;
    for (let j = i + 1; j < evs.length; j++) {
      const e = evs[j] as TraceEvent;
      if (e.kind === 'sleep' && e.thread === thread) break;
      if (e.kind === 'sysret' && e.ctx === thread && e.name === 'read' && e.ret > 0) {
        useful = true;
        break;
      }
    }
    if (!useful) useless++;
  }
  return useless;
}

export function designs_measure(r: RunResult): DesignsMeasure | null {
  const evs = r.events;
  const head = evs.map((e) => marker(e, 'workload')).find((m) => m !== undefined);
  const done = evs.map((e) => marker(e, 'done')).find((m) => m !== undefined);
  if (head === undefined || done === undefined) return null;
  const design = head.split(' ')[0] as string;
  const total = Number(/(\d+) datagrams/.exec(head)?.[1] ?? 0);
  const kev = KEVENT_SIZE[r.header.platform] ?? 28;
  let syscalls = 0;
  let bytes_in = 0;
  let bytes_out = 0;
  let events = 0;
  let duplicated = 0;
  const wakeups: number[] = [];
  for (const [i, e] of evs.entries()) {
    if (e.kind === 'syscall') {
      syscalls++;
      if (design === 'kqueue' && e.name === 'kevent') bytes_in += kev * Number(/(\d+) change\(s\)/.exec(e.args)?.[1] ?? 0);
    } else if (e.kind === 'sysret' && WAIT_CALLS.has(e.name)) {
      const n = e.events?.length ?? 0;
      events += n;
      if (design === 'kqueue') bytes_out += kev * n;
    } else if (e.kind === 'copy') {
      if (e.dir === 'in') bytes_in += e.bytes;
      else bytes_out += e.bytes;
    } else if (e.kind === 'wakeup' && /^wakeup\((kq|kevent) /.test(e.reason)) {
      wakeups.push(i);
    } else if (marker(e, 'empty event') !== undefined) {
      duplicated++;
    }
  }
  return {
    design,
    syscalls,
    bytes_in,
    bytes_out,
    wakeups: wakeups.length,
    useless_wakeups: useless_wakeups(evs, wakeups),
    events,
    duplicated,
    lost: Math.max(0, total - Number(/(\d+) datagrams read/.exec(done)?.[1] ?? 0)),
  };
}

export type DesignsRow = MeasuredRow<DesignsMeasure>;

type Stat = { readonly median: number; readonly max: number };
const FIELDS = ['syscalls', 'bytes_in', 'bytes_out', 'wakeups', 'useless_wakeups', 'events', 'duplicated', 'lost'] as const;

export type DesignsSummary = {
  readonly build: string;
  readonly design: string;
  readonly runs: number;
  readonly measured: number;
  readonly failed: number;
} & {
  readonly [F in (typeof FIELDS)[number]]: Stat;
};

export function designs_summary(row: DesignsRow): DesignsSummary {
  const m = row.measured;
  const stats = Object.fromEntries(FIELDS.map((f) => [f, median_max(m.map((x) => x[f]))])) as { [F in (typeof FIELDS)[number]]: Stat };
  return {
    build: row.build,
    design: [...new Set(m.map((x) => x.design))].join('/') || '?',
    runs: row.runs,
    measured: m.length,
    failed: row.failed,
    ...stats,
  };
}

const HEADS: Readonly<Record<(typeof FIELDS)[number], string>> = {
  syscalls: 'syscalls',
  bytes_in: 'bytes in',
  bytes_out: 'bytes out',
  wakeups: 'wake-ups',
  useless_wakeups: 'useless',
  events: 'events',
  duplicated: 'duplicated',
  lost: 'lost',
};

export function designs_table(rows: readonly DesignsRow[]): string {
  const head = ['build', 'design', ...FIELDS.map((f) => HEADS[f])];
  const body = rows.map((row) => {
    const s = designs_summary(row);
    return [s.build, s.design, ...FIELDS.map((f) => `${s[f].median} (max ${s[f].max})`)];
  });
  return text_table(head, body);
}
