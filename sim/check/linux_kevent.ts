/*
 * Invariants of Linux kevent (build linux-kevent, src/designs/linux_kevent.ts): what the
 * take24 document promises, each broken by a mutant, and two hazards the document itself
 * names, reported as findings when an interleaving produces them.
 *
 *   lkevent-wakeup-one            lkevent-oneshot-once          lkevent-last-check
 *   lkevent-removed-not-copied    lkevent-no-loss-on-cancel
 *   lkevent-ring-torn-read        lkevent-thundering-herd       (hazards: findings)
 */
import { KEVENT_REQ_ONESHOT, type KernelKevent, type KeventRing, kevent_ready_now, lkevent_queues } from '../../src/designs/linux_kevent.ts';
import { uvm_of } from '../../src/designs/uvm.ts';
import type { Kernel } from '../../src/kern/kernel.ts';
import type { Invariant } from './invariant.ts';

function kevent_by_serial(k: Kernel, serial: number): KernelKevent | undefined {
  for (const u of lkevent_queues(k)) {
    const kv = u.kevents.find((x) => x.serial === serial) ?? u.ready_list.find((x) => x.serial === serial);
    if (kv) return kv;
  }
  return undefined;
}

/*
 * "Events which have this flag set will not be marked as ready (and appropriate threads will
 * not be awakened) if at least one event has been already marked": within one notification of
 * a storage, a WAKEUP_ONE kevent is marked only if nothing was marked before it.
 */
const wakeupOne: Invariant = {
  name: 'lkevent-wakeup-one',
  description: 'Linux kevent: one readiness of an origin marks a KEVENT_REQ_WAKEUP_ONE kevent only if no other kevent was marked for it',
  watch: () => {
    const marked = new Map<number, number>();
    return {
      on: {
        lkevent(ev) {
          if (ev.op !== 'mark' && ev.op !== 'mark-again') return null;
          const before = marked.get(ev.note) ?? 0;
          marked.set(ev.note, before + 1);
          if (!ev.flags.split('|').includes('WAKEUP_ONE') || before === 0) return null;
          return `kevent ${ev.kev} (${ev.id}) has KEVENT_REQ_WAKEUP_ONE but is marked ready after ${before} other kevent(s) of the same notification: more than one waiter is woken`;
        },
      },
    };
  },
};

/* A ONESHOT kevent is delivered once, and is gone by the time the syscall that delivered it returns. */
const oneshotOnce: Invariant = {
  name: 'lkevent-oneshot-once',
  description: 'Linux kevent: a KEVENT_REQ_ONESHOT kevent is delivered once and removed',
  watch: (k) => ({
    on: {
      sysret(ev) {
        for (const u of lkevent_queues(k)) {
          for (const kv of u.kevents) {
            if ((kv.event.req_flags & KEVENT_REQ_ONESHOT) === 0 || kv.delivered === 0) continue;
            if (kv.delivered > 1) return `ONESHOT kevent ${kv.serial} was delivered ${kv.delivered} times`;
            const ctx = k.m.contextName();
            if (kv.delivered_by === ctx)
              return `ONESHOT kevent ${kv.serial} was delivered by ${ctx}'s ${ev.name} and is still on kevent queue ${u.serial}`;
          }
        }
        return null;
      },
    },
  }),
};

/* LAST_CHECK: whatever is copied out passed the re-check, so the callback must say ready then. */
const lastCheck: Invariant = {
  name: 'lkevent-last-check',
  description: 'Linux kevent: a KEVENT_REQ_LAST_CHECK kevent is never copied out while its callback says not ready',
  watch: (k) => ({
    on: {
      lkevent(ev) {
        if ((ev.op !== 'copy' && ev.op !== 'ring-copy') || !ev.flags.split('|').includes('LAST_CHECK')) return null;
        const kv = kevent_by_serial(k, ev.kev);
        if (!kv || kevent_ready_now(k, kv)) return null;
        return `kevent ${ev.kev} (${ev.id}) has KEVENT_REQ_LAST_CHECK and is copied out (${ev.op}) although its callback says it is not ready`;
      },
    },
  }),
};

/* "When kevent is removed ... even if it was ready, it is not copied into ring buffer". */
const removedNotCopied: Invariant = {
  name: 'lkevent-removed-not-copied',
  description: 'Linux kevent: a removed kevent is on no ready queue and is never copied to the ring or a buffer',
  watch: (k) => ({
    afterStep() {
      for (const u of lkevent_queues(k)) {
        const kv = u.ready_list.find((x) => x.finished);
        if (kv) return `kevent ${kv.serial} was removed but is still on the ready queue of kevent queue ${u.serial}: it would be copied out`;
      }
      return null;
    },
    on: {
      lkevent(ev) {
        if (ev.op !== 'copy' && ev.op !== 'ring-copy') return null;
        for (const u of lkevent_queues(k)) {
          if (u.ready_list.some((x) => x.serial === ev.kev && x.finished)) return `removed kevent ${ev.kev} is copied out (${ev.op})`;
        }
        return null;
      },
    },
  }),
};

function ring_of(k: Kernel, kq: number): KeventRing | null {
  const u = lkevent_queues(k).find((x) => x.serial === kq);
  if (!u || u.pring === 0) return null;
  return (uvm_of(u.proc).at(u.pring)?.fields.ring as KeventRing | undefined) ?? null;
}

/*
 * The cancellation-point claim: "when thread has been cancelled in kevent syscall, thread can
 * be safely removed and no events will be lost, since each syscall ... will copy event into
 * special ring buffer". Whatever a cancelled thread's last call handed it is in the ring.
 */
const noLossOnCancel: Invariant = {
  name: 'lkevent-no-loss-on-cancel',
  description: "Linux kevent: an event handed to a thread cancelled at the kevent syscall is in the queue's ring",
  watch: (k) => ({
    on: {
      lkevent(ev) {
        if (ev.op !== 'lost-with-thread') return null;
        const u = lkevent_queues(k).find((x) => x.serial === ev.kq);
        if (!u || u.pring === 0) return null;
        const ring = ring_of(k, ev.kq);
        const inRing = ring?.event.some((e) => e !== null && `${e.user[0]}:${e.user[1]}` === ev.user && ev.id.endsWith(` ${e.id[0]}`)) ?? false;
        return inRing
          ? null
          : `${k.m.contextName()} was cancelled holding ${ev.id} (user ${ev.user}), which is in no slot of kevent queue ${ev.kq}'s ring: the event is lost`;
      },
    },
  }),
};

/*
 * The hazard the document warns of: "events in the ring buffer can be replaced without
 * knowledge for the thread currently reading them (when other thread calls
 * kevent_get_events() or kevent_wait())".
 */
const ringTornRead: Invariant = {
  name: 'lkevent-ring-torn-read',
  description: 'Linux kevent (hazard): a ring slot is rewritten by the kernel while another thread is reading it',
  watch: (k) => {
    const reading = new Map<string, string>();
    return {
      on: {
        lkevent(ev) {
          const ctx = k.m.contextName();
          const key = `${ev.kq}:${ev.slot}`;
          if (ev.op === 'ring-read-begin') reading.set(key, ctx);
          if (ev.op === 'ring-read-end') reading.delete(key);
          const reader = reading.get(key);
          if (ev.op !== 'ring-copy' || reader === undefined || reader === ctx) return null;
          return `slot ${ev.slot} of kevent queue ${ev.kq}'s ring is rewritten (${ev.id}, by ${ctx}) while ${reader} is still reading it: events in the ring are replaced under a reader`;
        },
      },
    };
  },
};

/* The hazard WAKEUP_ONE exists for: one readiness handed to several threads, only one of which can use it. */
const thunderingHerd: Invariant = {
  name: 'lkevent-thundering-herd',
  description: 'Linux kevent (hazard): one readiness of an origin is returned to more than one thread (no KEVENT_REQ_WAKEUP_ONE)',
  watch: (k) => {
    const takers = new Map<number, Set<string>>();
    return {
      on: {
        lkevent(ev) {
          if ((ev.op !== 'copy' && ev.op !== 'ring-copy') || ev.note === 0) return null;
          const set = takers.get(ev.note) ?? new Set<string>();
          takers.set(ev.note, set);
          set.add(k.m.contextName());
          if (set.size < 2) return null;
          return `one readiness (${ev.id}) was returned to ${set.size} threads (${[...set].join(', ')}): the thundering herd`;
        },
      },
    };
  },
};

export const LINUX_KEVENT_INVARIANTS: readonly Invariant[] = [
  wakeupOne,
  oneshotOnce,
  lastCheck,
  removedNotCopied,
  noLossOnCancel,
  ringTornRead,
  thunderingHerd,
];
