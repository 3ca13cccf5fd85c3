/*
 * Invariants of kqueue itself (kern_event.c): the active queue, kq_count, what kqueue_scan
 * may return, and wakeups. Each has a mutant build that breaks it (src/builds.ts) and a test
 * that shows it firing (test/invariants.test.ts).
 *
 *   knote-queued-once  kq-count-matches-queue  disabled-never-returned
 *   oneshot-returned-once  kevent-returns-knote-once  no-lost-wakeup
 *   timeout-over-queued-event   (a finding: latency)
 */
import type { Knote } from '../../src/kern/kern_event.ts';
import type { Invariant } from './invariant.ts';

const knoteQueuedOnce: Invariant = {
  name: 'knote-queued-once',
  description: "a knote is on its kqueue's queue at most once",
  watch: (k) => ({
    afterStep() {
      // Queues are short: compare pairs rather than build a set at every step.
      for (const kq of k.kqueue_pool.live) {
        const q = kq.kq_head;
        for (let i = 0; i < q.length; i++) {
          const kn = q[i] as Knote;
          if (kn.isMarker) continue;
          if (q.indexOf(kn, i + 1) >= 0) return `knote ${kn.kn_serial} (ident ${kn.kn_kevent.ident}) is on kq ${kq.kq_serial}'s queue twice`;
        }
      }
      return null;
    },
  }),
};

const kqCountMatchesQueue: Invariant = {
  name: 'kq-count-matches-queue',
  description: 'kq_count equals the number of knotes on the queue (scan markers not counted)',
  watch: (k) => ({
    afterStep() {
      for (const kq of k.kqueue_pool.live) {
        let n = 0;
        for (const kn of kq.kq_head) if (!kn.isMarker) n++;
        if (n !== kq.kq_count) return `kq ${kq.kq_serial}: kq_count is ${kq.kq_count} but ${n} knote(s) are queued`;
      }
      return null;
    },
  }),
};

const disabledNeverReturned: Invariant = {
  name: 'disabled-never-returned',
  description: 'kevent never returns an event for a knote that is disabled (EV_DISABLE)',
  watch: () => ({
    on: {
      knote(ev) {
        if (ev.op === 'deliver' && ev.status.includes('DISABLED')) {
          return `knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) was returned while disabled`;
        }
        return null;
      },
    },
  }),
};

const oneshotReturnedOnce: Invariant = {
  name: 'oneshot-returned-once',
  description: 'an EV_ONESHOT knote is returned at most once',
  watch: () => {
    const delivered = new Set<number>();
    return {
      on: {
        knote(ev) {
          if (ev.op !== 'deliver' || !ev.flags.includes('EV_ONESHOT')) return null;
          if (delivered.has(ev.kn)) return `EV_ONESHOT knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) was returned a second time`;
          delivered.add(ev.kn);
          return null;
        },
      },
    };
  },
};

/*
 * One kevent call returns each knote at most once: kqueue_scan's marker ends the scan
 * before the level-triggered knotes it put back on the tail come round again.
 */
const keventReturnsKnoteOnce: Invariant = {
  name: 'kevent-returns-knote-once',
  description: 'one kevent call returns at most one event per knote',
  watch: (k) => {
    // By context (what the trace stamps as ctx): the knotes its current kevent call returned.
    const returned = new Map<string, Set<string>>();
    return {
      on: {
        syscall(ev) {
          if (ev.name === 'kevent') returned.set(k.m.contextName(), new Set());
          return null;
        },
        knote(ev) {
          if (ev.op !== 'deliver') return null;
          const ctx = k.m.contextName();
          const seen = returned.get(ctx) ?? new Set<string>();
          returned.set(ctx, seen);
          const key = `${ev.kq}:${ev.kn}`;
          if (seen.has(key)) return `one kevent call of ${ctx} returned knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) of kq ${ev.kq} twice`;
          seen.add(key);
          return null;
        },
      },
    };
  },
};

/*
 * No lost wakeup. A kernel path that queues a knote wakes the kqueue's sleepers before it
 * gives up the cpu, so by the time the cpu goes idle nobody may still sleep on a kqueue
 * that has events queued. (Checked at idle, not at every step, because knote_enqueue
 * lowers the spl, a preemption point, before it calls kqueue_wakeup.)
 */
const noLostWakeup: Invariant = {
  name: 'no-lost-wakeup',
  description: 'an event that becomes active while a thread sleeps in kevent wakes that thread',
  watch: (k) => ({
    afterStep() {
      if (!k.m.isIdle()) return null;
      for (const kq of k.kqueue_pool.live) {
        if (kq.kq_count === 0) continue;
        const sleeper = k.sleepq.find((l) => l.l_wchan === kq);
        if (sleeper) {
          return `${sleeper.thread.name} sleeps in kevent on kq ${kq.kq_serial} although ${kq.kq_count} event(s) are queued, and the cpu is idle`;
        }
      }
      return null;
    },
  }),
};

/*
 * A finding, not a failure: kevent(2) with a timeout may return 0 although an event is
 * queued on its kqueue, when the deadline passes as the event arrives (kern_event.c 1.19:
 * the retry after a wakeup tests hzto() before the queue; a timed-out sleep returns without
 * looking). The event is not lost, only left for the next call: a latency.
 */
const timeoutOverQueuedEvent: Invariant = {
  name: 'timeout-over-queued-event',
  description: 'finding (latency): kevent times out (returns 0) while an event is queued on its kqueue',
  finding: true,
  watch: (k) => ({
    on: {
      knote(ev) {
        if (ev.op !== 'timed-out') return null;
        return `${k.m.contextName()}'s kevent on kq ${ev.kq} returns 0 at its deadline although knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) is queued: ${ev.why}`;
      },
    },
  }),
};

export const KQUEUE_INVARIANTS: readonly Invariant[] = [
  knoteQueuedOnce,
  kqCountMatchesQueue,
  disabledNeverReturned,
  oneshotReturnedOnce,
  keventReturnsKnoteOnce,
  noLostWakeup,
  timeoutOverQueuedEvent,
];
