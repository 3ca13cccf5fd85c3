/*
 * Invariants of sleep and wakeup (kern_synch.c) and the callouts that end timed sleeps.
 *
 *   timeout-only-when-asked   a sleep ends by timeout only if it asked for one
 *
 * test/mutants.test.ts shows it firing on the mutant written for it.
 */
import type { Invariant } from './invariant.ts';

const timeoutOnlyWhenAsked: Invariant = {
  name: 'timeout-only-when-asked',
  description: 'endtsleep ends only a sleep that asked for a timeout (none that asked for none)',
  watch: () => {
    // The timeout each thread's current sleep asked for, in ticks (0 = none).
    const asked = new Map<string, number>();
    return {
      on: {
        sleep(ev) {
          asked.set(ev.thread, ev.timo);
          return null;
        },
        wakeup(ev) {
          if (!ev.reason.startsWith('timeout of') || asked.get(ev.thread) !== 0) return null;
          return `${ev.thread} asked to sleep with no timeout but ${ev.reason} ended its sleep: a stale endtsleep callout`;
        },
      },
    };
  },
};

export const SYNCH_INVARIANTS: readonly Invariant[] = [timeoutOnlyWhenAsked];
