/*
 * Test the tester: every mutant build (src/builds.ts, `mutant: true`), what was written to
 * catch it, and the scenarios that exercise it. On the clean build (the mutant taken off)
 * those scenarios pass on every interleaving, so a failure there is the mutant's.
 *
 *   MUTANT_CASES        one row per mutant
 *   mutant_clean(c)     the build the mutant breaks
 *
 * `caughtBy` is an invariant's name, or what the run itself reports: `panic` (a KASSERT
 * the kernel has) or `deadlock` (a process waits forever for an event that was lost).
 * test/mutants.test.ts checks every row; `kqsim score` measures each strategy on them.
 */
import { PATCHES, type PatchName, patch_build } from '../../src/builds.ts';

export interface MutantCase {
  readonly mutant: PatchName;
  /** The build that carries it (its base and the patches it requires). */
  readonly build: string;
  readonly scenarios: readonly string[];
  readonly caughtBy: string;
}

function row(mutant: PatchName, caughtBy: string, ...scenarios: string[]): MutantCase {
  return { mutant, build: patch_build(mutant), scenarios, caughtBy };
}

export const MUTANT_CASES: readonly MutantCase[] = [
  row('mutant-lost-wakeup', 'no-lost-wakeup', 'nic-softnet'),
  row('mutant-double-enqueue', 'knote-queued-once', 'pipe-read'),
  row('mutant-count-skew', 'kq-count-matches-queue', 'close-removes-knotes'),
  row('mutant-return-disabled', 'disabled-never-returned', 'oneshot-clear-disable'),
  row('mutant-oneshot-requeue', 'oneshot-returned-once', 'oneshot-clear-disable'),
  row('mutant-enqueue-nospl', 'kq-count-matches-queue', 'two-sources'),
  row('mutant-dequeue-nospl', 'kq-count-matches-queue', 'two-sources'),
  row('mutant-register-nospl', 'panic', 'two-sources'),
  row('mutant-wakeup-before-sleep', 'no-lost-wakeup', 'nic-softnet'),
  row('mutant-scan-recheck-window', 'deadlock', 'two-sources'),
  row('mutant-marker-early', 'kevent-returns-knote-once', 'oneshot-clear-disable'),
  row('mutant-soreceive-nospl', 'sockbuf-count-matches-data', 'two-sources'),
  row('mutant-sbwait-unlocked', 'no-sleep-on-ready-socket', 'two-sources'),
  row('mutant-ipintr-nospl', 'deadlock', 'two-sources'),
  row('mutant-timeout-left-armed', 'timeout-only-when-asked', 'timeout-cancelled'),
  row('mutant-ttread-nospl', 'deadlock', 'tty-read'),
  row('mutant-kc-autofree', 'kcont-not-after-free', 'pipe-read'),
  row('mutant-kcont-inverted-ipl', 'kcont-ipl-no-higher', 'kcont-defer-softnet'),
  row('mutant-kc-leak', 'kcont-freed-with-knote', 'signal-eintr'),
  row('mutant-tickle-no-wakeup', 'no-lost-tickle', 'ktickle-idle'),
  row('mutant-tickle-sticky', 'tickle-not-sticky', 'ktickle-idle'),
];

/** The build the mutant breaks: the same build without it. */
export function mutant_clean(c: MutantCase): string {
  const p = PATCHES.find((x) => x.name === c.mutant);
  return [p?.bases[0], ...(p?.requires ?? [])].join('+');
}
