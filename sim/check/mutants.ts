/*
 * Test the tester: every mutant build (src/builds.ts, `mutant: true`), what was written to
 * catch it, and the scenarios that exercise it. On the clean build (the mutant taken off)
 * those scenarios pass on every interleaving (checking what a search for the mutant
 * checks), so a failure there is the mutant's.
 *
 *   MUTANT_CASES        one row per mutant
 *   mutant_clean(c)     the build the mutant breaks
 *   mutant_invariants(c)   what a search for it checks
 *
 * `caughtBy` is an invariant's name, or what the run itself reports: `panic` (a KASSERT
 * the kernel has) or `deadlock` (a process waits forever for an event that was lost).
 * test/mutants.test.ts checks every row; `kqsim score` measures each strategy on them.
 */
import { PATCHES, type PatchName, patch_build } from '../../src/builds.ts';
import { INVARIANTS, type Invariant } from './invariants.ts';

export interface MutantCase {
  readonly mutant: PatchName;
  /** The build that carries it (its base and the patches it requires). */
  readonly build: string;
  readonly scenarios: readonly string[];
  readonly caughtBy: string;
  /**
   * A seeded race: the undisturbed run passes, only some interleavings fail, and the racing
   * pair of a counterexample is confirmed by replay.
   */
  readonly race: boolean;
  /**
   * The scenario also shows hazards of the clean design (the Linux kevent scenarios find the
   * thundering herd and torn ring reads on the stock build, kcont-defer-softnet the patch's
   * kcont-fifo), so searches for this mutant
   * check `caughtBy` alone.
   */
  readonly alone: boolean;
  /**
   * A bound on preemptions for the exhaustive search that must find it (test/mutants.test.ts),
   * where depth-first search alone reaches the failing interleavings too late: the bug needs
   * the busy clock tick early in the run, and depth-first search varies a run's first choices last.
   */
  readonly maxPreemptions?: number;
}

interface RowOptions {
  readonly race?: boolean;
  readonly alone?: boolean;
  readonly maxPreemptions?: number;
}

function row(mutant: PatchName, caughtBy: string, scenario: string, opts: RowOptions = {}): MutantCase {
  return {
    mutant,
    build: patch_build(mutant),
    scenarios: [scenario],
    caughtBy,
    race: opts.race ?? false,
    alone: opts.alone ?? false,
    ...(opts.maxPreemptions !== undefined ? { maxPreemptions: opts.maxPreemptions } : {}),
  };
}

const RACE = { race: true };

export const MUTANT_CASES: readonly MutantCase[] = [
  row('mutant-lost-wakeup', 'no-lost-wakeup', 'nic-softnet', RACE),
  row('mutant-double-enqueue', 'knote-queued-once', 'pipe-read'),
  row('mutant-count-skew', 'kq-count-matches-queue', 'close-removes-knotes'),
  row('mutant-return-disabled', 'disabled-never-returned', 'oneshot-clear-disable'),
  row('mutant-oneshot-requeue', 'oneshot-returned-once', 'oneshot-clear-disable'),
  row('mutant-enqueue-nospl', 'kq-count-matches-queue', 'two-sources', RACE),
  row('mutant-dequeue-nospl', 'kq-count-matches-queue', 'two-sources', RACE),
  row('mutant-register-nospl', 'panic', 'two-sources', RACE),
  row('mutant-wakeup-before-sleep', 'no-lost-wakeup', 'nic-softnet', RACE),
  row('mutant-scan-recheck-window', 'deadlock', 'two-sources', RACE),
  row('mutant-marker-early', 'kevent-returns-knote-once', 'oneshot-clear-disable'),
  row('mutant-soreceive-nospl', 'sockbuf-count-matches-data', 'two-sources', RACE),
  row('mutant-sbwait-unlocked', 'no-sleep-on-ready-socket', 'two-sources', RACE),
  row('mutant-ipintr-nospl', 'deadlock', 'two-sources', RACE),
  row('mutant-timeout-left-armed', 'timeout-only-when-asked', 'timeout-cancelled'),
  row('mutant-ttread-nospl', 'deadlock', 'tty-read', RACE),
  row('mutant-kc-autofree', 'kcont-not-after-free', 'pipe-read'),
  // kcont-defer-softnet also shows the patch's own kcont-fifo hazard on the clean build (a
  // NIC interrupt nested in softnet's drain activates the deferred kc again).
  row('mutant-kcont-inverted-ipl', 'kcont-ipl-no-higher', 'kcont-defer-softnet', { alone: true }),
  row('mutant-kc-leak', 'kcont-freed-with-knote', 'signal-eintr'),
  row('mutant-tickle-no-wakeup', 'no-lost-tickle', 'ktickle-idle'),
  row('mutant-tickle-sticky', 'tickle-not-sticky', 'ktickle-idle'),
  row('mutant-wakeup-all', 'lkevent-wakeup-one', 'linux-kevent-herd', { alone: true }),
  row('mutant-oneshot-kept', 'lkevent-oneshot-once', 'linux-kevent-basic'),
  row('mutant-no-last-check', 'lkevent-last-check', 'linux-kevent-basic'),
  row('mutant-remove-stays-ready', 'lkevent-removed-not-copied', 'linux-kevent-basic'),
  // The cancel meets the datagrams only with the busy tick early in the run.
  row('mutant-ring-skipped', 'lkevent-no-loss-on-cancel', 'linux-kevent-ring', { alone: true, maxPreemptions: 2 }),
  row('mutant-copy-whole-event', 'dillon-copyout-data-only', 'dillon-basic'),
];

/** The invariants a search for this mutant checks: all, or its own alone. */
export function mutant_invariants(c: MutantCase): readonly Invariant[] {
  return c.alone ? INVARIANTS.filter((i) => i.name === c.caughtBy) : INVARIANTS;
}

/** The build the mutant breaks: the same build without it. */
export function mutant_clean(c: MutantCase): string {
  const p = PATCHES.find((x) => x.name === c.mutant);
  return [p?.bases[0], ...(p?.requires ?? [])].join('+');
}
