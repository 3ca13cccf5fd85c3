/*
 * Invariants of the ktickle patch (netbsd-4.0+ktickle-v1/v2, tech-kern 2007): what a tickle
 * may stand in for, that it wakes a sleeper, and that one return consumes it.
 *
 *   tickle-eintr-only-when-idle  no-lost-tickle  tickle-not-sticky
 */
import { KQ_TICKLED } from '../../src/kern/kern_event.ts';
import type { Invariant } from './invariant.ts';

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
    on: {
      ktickle(ev) {
        if (ev.op !== 'eintr') return null;
        const kq = k.kqueue_pool.items().find((q) => q.kq_serial === ev.kq);
        if (!kq || kq.kq_count === 0) return null;
        return `kq ${ev.kq}: kevent returns a tickle as EINTR although ${kq.kq_count} real event(s) are queued`;
      },
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
      for (const kq of k.kqueue_pool.live) {
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
      on: {
        ktickle(ev) {
          if (ev.op === 'tickle') fresh.add(ev.kq);
          if (ev.op === 'eintr' || ev.op === 'clear') fresh.delete(ev.kq);
          if (ev.op !== 'return') return null;
          const kq = k.kqueue_pool.items().find((q) => q.kq_serial === ev.kq);
          const sticky = kq !== undefined && (kq.kq_state & KQ_TICKLED) !== 0 && !fresh.has(ev.kq);
          fresh.delete(ev.kq);
          if (!sticky) return null;
          return `kq ${ev.kq}: kevent returns (${ev.why}) with KQ_TICKLED still set from a tickle already consumed`;
        },
      },
    };
  },
};

export const KTICKLE_INVARIANTS: readonly Invariant[] = [tickleEintrOnlyWhenIdle, noLostTickle, tickleNotSticky];
