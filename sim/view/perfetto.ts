/*
 * Perfetto / chrome://tracing export: the Chrome JSON trace event format, object form
 * (`{"traceEvents": [...]}`), which ui.perfetto.dev opens without conversion. Built from the
 * recorded trace only (with `state` snapshots for the kq_count counters).
 *
 * Time: the simulator has steps (one resume of kernel code) and ticks (hardclock). The
 * timeline is in steps: an event at step s is at s * STEP_US microseconds, and events within
 * one step are spread 1 µs apart after it, so order is kept and every track is monotonic.
 * Ticks are a counter track (`tick`), since the clock stands still while the cpu runs.
 *
 * Tracks (pid 1 is the simulated cpu):
 *   one thread track per process thread: syscalls as slices, sleeps as slices inside them
 *   one track per interrupt level: each handler run as a slice ("intr net")
 *   an `idle` track for what happens while the cpu idles
 *   counters: `cpl` (the IPL's rank in spl(9) order, none = 0), `kq_count kq N`, `tick`
 *   instants: knote state changes, devices, soft interrupts scheduled, signals, callouts
 *   flows (arrows): a deferral to its later run (soft interrupt scheduled -> taken; any
 *   event with op `defer*` -> the same kind's `run` of the same id, e.g. kcont), and a
 *   wakeup -> the thread running again
 *
 *   perfetto_run(result)    the JSON text
 *   STEP_US                 microseconds per simulator step
 */
import { IPL_NAMES } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import type { RunResult } from '../run/runner.ts';
import { deferral_key, deferral_run_key } from './deferral.ts';
import { safe_json } from './safe_text.ts';

export const STEP_US = 10;

const PID = 1;
const IDLE_TID = 900;
const INTR_TID_BASE = 1000;

type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };
type Record_ = { [k: string]: Json };

/** A loose view of an event, for kinds later issues add (kcont). */
type Loose = TraceEvent & Readonly<Record<string, unknown>>;

/** A flow: an arrow from one event's track to a later event's track, matched by key. */
interface FlowRule {
  readonly name: string;
  start(ev: Loose): string | null;
  /** The key this event finishes, and on which context's track. */
  finish(ev: Loose): { key: string; ctx: string } | null;
}

const FLOWS: readonly FlowRule[] = [
  {
    name: 'wakeup',
    start: (ev) => (ev.kind === 'wakeup' ? `run ${ev.thread}` : null),
    finish: (ev) => (ev.kind === 'switch' ? { key: `run ${ev.to}`, ctx: ev.to } : null),
  },
  {
    // A soft interrupt scheduled -> taken (on its level's track); a kcont deferred -> run.
    name: 'deferral',
    start: (ev) => deferral_key(ev),
    finish: (ev) => {
      const key = deferral_run_key(ev);
      return key === null ? null : { key, ctx: ev.kind === 'intr' ? `intr ${ev.src}` : ev.ctx };
    },
  },
];

class Tracks {
  private readonly threads = new Map<string, number>();
  private readonly stacks = new Map<number, string[]>();
  readonly meta: Record_[] = [];

  tid(ctx: string): number {
    if (ctx.startsWith('intr ')) return this.intr(ctx.slice(5));
    if (ctx === 'idle' || ctx === 'boot') return this.named(IDLE_TID, 'idle', 0);
    let t = this.threads.get(ctx);
    if (t === undefined) {
      t = this.threads.size + 1;
      this.threads.set(ctx, t);
      this.named(t, ctx, t);
    }
    return t;
  }

  intr(src: string): number {
    const rank = IPL_NAMES.indexOf(src as (typeof IPL_NAMES)[number]);
    const tid = INTR_TID_BASE + (rank < 0 ? IPL_NAMES.length : rank);
    // Higher levels sort first, above the threads, as an interrupt stack reads.
    return this.named(tid, `intr ${src} (IPL_${src.toUpperCase()})`, -100 - rank);
  }

  private named(tid: number, name: string, sort: number): number {
    if (!this.stacks.has(tid)) {
      this.stacks.set(tid, []);
      this.meta.push({ name: 'thread_name', ph: 'M', pid: PID, tid, args: { name } });
      this.meta.push({ name: 'thread_sort_index', ph: 'M', pid: PID, tid, args: { sort_index: sort } });
    }
    return tid;
  }

  stack(tid: number): string[] {
    return this.stacks.get(tid) as string[];
  }

  open(): [number, string[]][] {
    return [...this.stacks.entries()];
  }
}

/** The kq_count of every kqueue in a state snapshot (`kq N` sections, `kq_count C` line). */
function kq_counts(ev: TraceEvent & { kind: 'state' }): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, lines] of Object.entries(ev.sections)) {
    if (!/^kq \d+$/.test(name)) continue;
    const m = /^kq_count (\d+)$/.exec(lines[0] ?? '');
    if (m) out.set(name, Number(m[1]));
  }
  return out;
}

export function perfetto_run(r: RunResult): string {
  const tracks = new Tracks();
  const out: Record_[] = [];
  let ts = -1;
  let cpl: string | null = null;
  let counts = new Map<string, number>();
  const flowOpen = new Map<string, Record_[]>();
  const flows: [Record_, Record_][] = [];
  let flowId = 1;

  const base = (ph: string, name: string, tid: number, cat: string): Record_ => ({ name, cat, ph, ts, pid: PID, tid });
  const begin = (tid: number, name: string, cat: string, args: Record_) => {
    tracks.stack(tid).push(name);
    out.push({ ...base('B', name, tid, cat), args });
  };
  /** End the innermost slice named `name` on `tid`, ending any left open inside it first. */
  const end = (tid: number, name: string, args: Record_ = {}) => {
    const st = tracks.stack(tid);
    if (!st.includes(name)) return;
    while (st.length > 0) {
      const top = st.pop() as string;
      out.push({ ...base('E', top, tid, ''), args: top === name ? args : {} });
      if (top === name) return;
    }
  };
  const instant = (tid: number, name: string, cat: string, args: Record_, scope = 't') => out.push({ ...base('i', name, tid, cat), s: scope, args });
  const counter = (name: string, args: Record_) => out.push({ name, ph: 'C', ts, pid: PID, args });

  for (const e of r.events) {
    const ev = e as Loose;
    ts = Math.max(ev.step * STEP_US, ts + 1);
    if (ev.ipl !== cpl) {
      cpl = ev.ipl;
      counter('cpl', { rank: Math.max(0, IPL_NAMES.indexOf(ev.ipl as (typeof IPL_NAMES)[number])) });
    }
    const here = tracks.tid(ev.ctx);
    switch (e.kind) {
      case 'syscall':
        begin(here, e.name, 'syscall', { pid: e.pid, args: e.args });
        break;
      case 'sysret':
        end(here, e.name, { ret: e.ret, errno: e.errno, events: e.events ? e.events.length : 0 });
        break;
      case 'sleep':
        begin(tracks.tid(e.thread), `sleep "${e.wmesg}"`, 'sleep', { wchan: e.wchan, timo_ticks: e.timo });
        break;
      case 'wakeup': {
        const tid = tracks.tid(e.thread);
        const top = tracks.stack(tid).at(-1);
        if (top?.startsWith('sleep ')) end(tid, top, { reason: e.reason });
        instant(here, `wakeup ${e.thread}`, 'sched', { reason: e.reason });
        break;
      }
      case 'intr':
        begin(tracks.intr(e.src), `intr ${e.src}`, 'intr', { over: e.over });
        break;
      case 'intr-done':
        end(tracks.intr(e.src), `intr ${e.src}`);
        break;
      case 'device':
        instant(tracks.intr(e.src), `${e.device} raises its line`, 'device', { what: e.what });
        break;
      case 'softintr':
        instant(here, `schedule ${e.src}`, 'intr', { by: e.by });
        break;
      case 'knote':
        instant(here, `knote ${e.kn} ${e.op}`, 'knote', {
          kq: e.kq,
          kn: e.kn,
          ident: e.ident,
          filter: e.filter,
          flags: e.flags,
          status: e.status,
          why: e.why,
        });
        break;
      case 'switch':
        instant(here, `switch to ${e.to}`, 'sched', { from: e.from, to: e.to, why: e.why });
        break;
      case 'tick':
        counter('tick', { tick: e.tick });
        break;
      case 'state': {
        const now = kq_counts(e);
        for (const [kq] of counts) if (!now.has(kq)) counter(`kq_count ${kq}`, { kq_count: 0 });
        for (const [kq, n] of now) if (counts.get(kq) !== n) counter(`kq_count ${kq}`, { kq_count: n });
        counts = now;
        break;
      }
      case 'choice':
        break;
      case 'panic':
      case 'violation':
        instant(here, e.kind, e.kind, { message: e.message }, 'g');
        break;
      default:
        instant(here, e.kind, e.kind, body_args(ev));
    }
    for (const rule of FLOWS) {
      const fin = rule.finish(ev);
      const waiting = fin ? flowOpen.get(fin.key) : undefined;
      if (fin && waiting && waiting.length > 0) {
        const start = waiting.shift() as Record_;
        flows.push([start, { ...base('f', rule.name, tracks.tid(fin.ctx), 'flow'), id: start.id as number, bp: 'e' }]);
      }
      const key = rule.start(ev);
      if (key !== null) {
        const s = { ...base('s', rule.name, here, 'flow'), id: flowId++ };
        flowOpen.set(key, [...(flowOpen.get(key) ?? []), s]);
      }
    }
  }
  // Close what is still open (a process that exits in exit(), a sleeper at a deadlock).
  ts += 1;
  for (const [tid, st] of tracks.open()) while (st.length > 0) end(tid, st.at(-1) as string);
  // Only flows with both ends: an arrow to nowhere is dropped by viewers anyway.
  for (const [s, f] of flows) out.push(s, f);
  out.sort((x, y) => (x.ts as number) - (y.ts as number));

  const h = r.header;
  const other: Record_ = {
    kqsim: h.kqsim,
    scenario: h.scenario,
    build: h.build,
    platform: h.platform,
    chooser: h.chooser,
    schedule: r.schedule,
    outcome: r.outcome.kind,
    time: `1 simulator step = ${STEP_US} us; ticks are the 'tick' counter`,
  };
  const procName: Record_ = { name: 'process_name', ph: 'M', pid: PID, tid: 0, args: { name: `cpu0: ${h.scenario} on ${h.build} (${h.platform})` } };
  const records = [procName, ...tracks.meta, ...out].map((x) => safe_json(x));
  return `{"displayTimeUnit":"ms","otherData":${safe_json(other)},"traceEvents":[\n${records.join(',\n')}\n]}\n`;
}

/** An event's own fields as args (for kinds without a mapping of their own). */
function body_args(ev: Loose): Record_ {
  const { seq: _s, step: _st, tick: _t, ctx: _c, ipl: _i, kind: _k, ...rest } = ev;
  return JSON.parse(JSON.stringify(rest)) as Record_;
}
