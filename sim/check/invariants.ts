/*
 * Named invariants, checked on every step of every run. Each one watches a booted kernel:
 * `afterStep` is the paired consistency check (the kernel's kq_check()), run at every
 * preemption point; `onEvent` looks at trace events as they happen. Either returns a
 * message when the invariant fails.
 *
 * Every invariant has a mutant build that breaks it (src/builds.ts); the tests show each
 * one firing.
 */
import { type Knote, KQ_TICKLED } from '../../src/kern/kern_event.ts';
import type { Kernel } from '../../src/kern/kernel.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { KCONT_INVARIANTS } from './kcont.ts';

export interface InvariantWatch {
  afterStep?(): string | null;
  onEvent?(ev: TraceEvent): string | null;
  /** Once a run has finished normally and the kernel's teardown checks passed. */
  atEnd?(): string | null;
}

export interface Invariant {
  readonly name: string;
  readonly description: string;
  watch(k: Kernel): InvariantWatch;
}

const knoteQueuedOnce: Invariant = {
  name: 'knote-queued-once',
  description: "a knote is on its kqueue's queue at most once",
  watch: (k) => ({
    afterStep() {
      for (const kq of k.kqueue_pool.items()) {
        const seen = new Set<Knote>();
        for (const kn of kq.kq_head) {
          if (kn.isMarker) continue;
          if (seen.has(kn)) return `knote ${kn.kn_serial} (ident ${kn.kn_kevent.ident}) is on kq ${kq.kq_serial}'s queue twice`;
          seen.add(kn);
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
      for (const kq of k.kqueue_pool.items()) {
        const n = kq.kq_head.filter((kn) => !kn.isMarker).length;
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
    onEvent(ev) {
      if (ev.kind === 'knote' && ev.op === 'deliver' && ev.status.includes('DISABLED')) {
        return `knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) was returned while disabled`;
      }
      return null;
    },
  }),
};

const oneshotReturnedOnce: Invariant = {
  name: 'oneshot-returned-once',
  description: 'an EV_ONESHOT knote is returned at most once',
  watch: () => {
    const delivered = new Set<number>();
    return {
      onEvent(ev) {
        if (ev.kind !== 'knote' || ev.op !== 'deliver' || !ev.flags.includes('EV_ONESHOT')) return null;
        if (delivered.has(ev.kn)) return `EV_ONESHOT knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) was returned a second time`;
        delivered.add(ev.kn);
        return null;
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
      for (const kq of k.kqueue_pool.items()) {
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
 * ktickle (netbsd-4.0+ktickle-v1/v2). The tickle is out of band: it may only stand in for
 * "nothing happened". When kqueue_scan decides to return a tickle as EINTR (under splsched,
 * so nothing can change kq_count at that moment), no real event may be queued. An event
 * that arrives after the decision, on the way out, is no more "pending" than one arriving
 * after a timeout.
 */
const tickleEintrOnlyWhenIdle: Invariant = {
  name: 'tickle-eintr-only-when-idle',
  description: 'with ktickle, kevent never returns EINTR for a tickle while a real event is pending',
  watch: (k) => ({
    onEvent(ev) {
      if (ev.kind !== 'ktickle' || ev.op !== 'eintr') return null;
      const kq = k.kqueue_pool.items().find((q) => q.kq_serial === ev.kq);
      if (!kq || kq.kq_count === 0) return null;
      return `kq ${ev.kq}: kevent returns a tickle as EINTR although ${kq.kq_count} real event(s) are queued`;
    },
  }),
};

/* Like no-lost-wakeup, for the tickle: once the cpu is idle, nobody sleeps on a tickled kqueue. */
const noLostTickle: Invariant = {
  name: 'no-lost-tickle',
  description: 'a tickle sent while a thread sleeps in kevent wakes that thread',
  watch: (k) => ({
    afterStep() {
      if (!k.m.isIdle()) return null;
      for (const kq of k.kqueue_pool.items()) {
        if ((kq.kq_state & KQ_TICKLED) === 0) continue;
        const sleeper = k.sleepq.find((l) => l.l_wchan === kq);
        if (sleeper) return `${sleeper.thread.name} sleeps in kevent on tickled kq ${kq.kq_serial} and the cpu is idle`;
      }
      return null;
    },
  }),
};

/*
 * A tickle is consumed by the kevent return that follows it: by the EINTR decision, or by
 * the clear on the way out. When kqueue_scan returns, KQ_TICKLED may be set only by a tickle
 * that came after that (from another thread, while this one was past its clear).
 */
const tickleNotSticky: Invariant = {
  name: 'tickle-not-sticky',
  description: 'a tickle does not stick past the kevent return that consumed it',
  watch: (k) => {
    const fresh = new Set<number>();
    return {
      onEvent(ev) {
        if (ev.kind !== 'ktickle') return null;
        if (ev.op === 'tickle') fresh.add(ev.kq);
        if (ev.op === 'eintr' || ev.op === 'clear') fresh.delete(ev.kq);
        if (ev.op !== 'return') return null;
        const kq = k.kqueue_pool.items().find((q) => q.kq_serial === ev.kq);
        const sticky = kq !== undefined && (kq.kq_state & KQ_TICKLED) !== 0 && !fresh.has(ev.kq);
        fresh.delete(ev.kq);
        if (!sticky) return null;
        return `kq ${ev.kq}: kevent returns (${ev.why}) with KQ_TICKLED still set from a tickle already consumed`;
      },
    };
  },
};

export const INVARIANTS: readonly Invariant[] = [
  knoteQueuedOnce,
  kqCountMatchesQueue,
  disabledNeverReturned,
  oneshotReturnedOnce,
  noLostWakeup,
  // kcont(9), on builds with options KCONT (sim/check/kcont.ts)
  ...KCONT_INVARIANTS,
  tickleEintrOnlyWhenIdle,
  noLostTickle,
  tickleNotSticky,
];
