/*
 * The ktickle race written for fast-check's scheduler (fc.scheduler()), to time against
 * kqsim in the same process: a server thread in a kevent loop on a kqueue with two
 * sockets, a datagram that arrives through an interrupt and a soft interrupt, and a
 * second thread that tickles the kqueue once. Each awaited `s.schedule(...)` is one step
 * (a point where fast-check's scheduler picks what runs next), as a kqsim step is one
 * resume of kernel code to its next preemption point. The model checks the v2 rule
 * (EINTR for a tickle only while nothing is queued).
 *
 *   fc_race(runs)   -> { runs, steps, ms }
 */
import fc from 'fast-check';

interface Kq {
  queued: number;
  tickled: boolean;
  sleeping: (() => void) | null;
}

function wakeup(kq: Kq): void {
  const w = kq.sleeping;
  kq.sleeping = null;
  w?.();
}

export async function fc_race(runs: number): Promise<{ runs: number; steps: number; ms: number }> {
  let steps = 0;
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const kq: Kq = { queued: 0, tickled: false, sleeping: null };
      const step = async (what: string) => {
        steps++;
        await s.schedule(Promise.resolve(what));
      };
      const server = async () => {
        let got = 0;
        for (let calls = 0; got === 0 && calls < 4; calls++) {
          await step('kevent: enter');
          await step('kqueue_scan: splsched');
          if (kq.queued > 0) {
            got = kq.queued;
            kq.queued = 0;
            kq.tickled = false;
            await step('kqueue_scan: copyout');
          } else if (kq.tickled) {
            if (kq.queued !== 0) throw new Error('EINTR for a tickle while an event is queued');
            kq.tickled = false;
            await step('kqueue_scan: EINTR');
          } else {
            await new Promise<void>((resolve) => {
              kq.sleeping = resolve;
              if (kq.queued > 0 || kq.tickled) wakeup(kq);
            });
            await step('kqueue_scan: woken');
          }
          await step('kevent: return');
        }
      };
      const nic = async () => {
        await step('nic0: interrupt');
        await step('ipintr: dequeue');
        await step('udp_input: sbappend');
        kq.queued++;
        await step('sorwakeup: knote');
        wakeup(kq);
      };
      const tickler = async () => {
        await step('ioctl: enter');
        kq.tickled = true;
        await step('ioctl: KTICKLE');
        wakeup(kq);
        await step('ioctl: return');
      };
      // waitFor, not waitAll: a continuation may schedule its next step only after a microtask.
      await s.waitFor(Promise.all([server(), nic(), tickler()]));
    }),
    { numRuns: runs },
  );
  return { runs, steps, ms: performance.now() - t0 };
}
