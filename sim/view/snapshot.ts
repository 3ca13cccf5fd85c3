/*
 * State snapshots: what the HTML state pane, teaching mode and the Perfetto counters show,
 * read from the kernel objects and put on the trace bus as `state` events. The viewers read
 * only the trace; nothing re-runs or re-derives kernel state.
 *
 * A snapshot is emitted after any event that changed it (compared as text), so a trace holds
 * one `state` event per change, not one per event. Enabled per run (RunSpec.snapshots):
 * exploration runs do not pay for it.
 *
 *   SNAPSHOT_SECTIONS        the section providers, in display order (append one for a new
 *                            subsystem, e.g. kcont queues, and every viewer shows it)
 *   kernel_snapshot(k)       the sections of one kernel, now
 *   snapshot_watch(k)        subscribe: emit `state` whenever the snapshot changes
 */

import { lkevent_queues, req_flags_name, ret_flags_name } from '../../src/designs/linux_kevent.ts';
import { type Block, uvm_peek } from '../../src/designs/uvm.ts';
import { filter_name, flags_name, status_name } from '../../src/kern/event_h.ts';
import type { Knote } from '../../src/kern/kern_event.ts';
import type { Kernel } from '../../src/kern/kernel.ts';
import type { Lwp } from '../../src/kern/proc.ts';
import type { TraceEvent } from '../../src/trace.ts';

export type SnapshotSection = readonly [name: string, lines: readonly string[]];
export type SnapshotProvider = (k: Kernel) => readonly SnapshotSection[];

function knote_line(kn: Knote): string {
  const e = kn.kn_kevent;
  return `kn ${kn.kn_serial}: ident ${e.ident} ${filter_name(e.filter)} ${flags_name(e.flags)} [${status_name(kn.kn_status)}]`;
}

const cpu: SnapshotProvider = (k) => {
  const m = k.m;
  const stack = m.intrStack();
  return [
    [
      'cpu',
      [
        `cpl ${m.iplName()}`,
        `running ${m.contextName()}`,
        `interrupt frames: ${stack.length > 0 ? stack.join(' > ') : 'none'}`,
        `pending interrupts: ${m.pendingSources().join(', ') || 'none'}`,
      ],
    ],
  ];
};

const threads: SnapshotProvider = (k) => [
  [
    'threads',
    k.m.threads.map((t) => {
      if (t.state !== 'sleeping') return `${t.name}: ${t.state}${t.userMode ? ' (user mode)' : ''}`;
      const l = t.owner as Lwp;
      return `${t.name}: sleeping on ${l.l_wchan?.chanName ?? '?'} ("${l.l_wmesg}")`;
    }),
  ],
];

const kqueues: SnapshotProvider = (k) =>
  k.kqueue_pool.items().map((kq): SnapshotSection => {
    const queue = kq.kq_head.map((kn) => (kn.isMarker ? 'marker' : `kn ${kn.kn_serial}`));
    const knotes = k.knote_pool
      .items()
      .filter((kn) => kn.kn_kq === kq)
      .map(knote_line);
    return [`kq ${kq.kq_serial}`, [`kq_count ${kq.kq_count}`, `queue: ${queue.length > 0 ? queue.join(', ') : 'empty'}`, ...knotes]];
  });

/* Linux kevent queues: the kevents with their flags, the ready queue, the ring's kernel index. */
const kevent_queues: SnapshotProvider = (k) =>
  lkevent_queues(k).map(
    (u): SnapshotSection => [
      `kevent queue ${u.serial}`,
      [
        `ready_num ${u.ready_num}: ${u.ready_list.map((kv) => `kevent ${kv.serial}`).join(', ') || 'empty'}`,
        u.pring ? `ring at 0x${u.pring.toString(16)}: ${u.ring_size} slots, kidx ${u.kidx}` : 'no ring',
        ...u.kevents.map(
          (kv) =>
            `kevent ${kv.serial}: id ${kv.event.id[0]}:${kv.event.id[1]} user ${kv.event.user[0]} ${req_flags_name(kv.event.req_flags)} [${ret_flags_name(kv.event.ret_flags)}]`,
        ),
      ],
    ],
  );

/* Simulated user memory (Dillon's struct events, Linux kevent rings), per process that has some. */
const user_memory: SnapshotProvider = (k) =>
  k.procs.flatMap((p): SnapshotSection[] => {
    const blocks = uvm_peek(p)?.list() ?? [];
    if (blocks.length === 0) return [];
    const line = (b: Block) => {
      const data = 'data' in b.fields ? `, data ${String(b.fields.data)}` : '';
      return `0x${b.addr.toString(16)}: ${b.size} bytes, ${b.live ? 'allocated' : 'freed'} (allocation ${b.serial})${data}`;
    };
    return [[`user memory pid ${p.p_pid}`, blocks.map(line)]];
  });

export const SNAPSHOT_SECTIONS: SnapshotProvider[] = [cpu, threads, kqueues, kevent_queues, user_memory];

export function kernel_snapshot(k: Kernel): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const provider of SNAPSHOT_SECTIONS) {
    for (const [name, lines] of provider(k)) out[name] = lines;
  }
  return out;
}

/** Emit a `state` event after every event that changed the snapshot. Subscribe it last. */
export function snapshot_watch(k: Kernel): void {
  let last = '';
  const listener = (ev: TraceEvent) => {
    if (ev.kind === 'state' || ev.kind === 'violation' || ev.kind === 'panic') return;
    const sections = kernel_snapshot(k);
    const text = JSON.stringify(sections);
    if (text === last) return;
    last = text;
    k.bus.emit('state', { sections });
  };
  k.bus.on(listener);
}
