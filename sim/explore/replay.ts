/*
 * Lenient replay: the decisions of a choice list that need not fit the run exactly, as
 * shrinking and fast-check produce them. A value too large for a point's options wraps
 * around (v mod n); once the list runs out every point takes its default. The run's own
 * recorded schedule (RunResult.schedule) is exact, so `kqsim replay` (the strict
 * ReplayChooser of sim/run/choosers.ts) reproduces it byte for byte.
 *
 *   LenientReplayChooser(choices)
 *   run_choices(spec, choices)      run_scenario driven by a lenient replay
 *   failure_of(outcome)             'done', or the name of what failed
 *   schedule_choices(schedule)      the choice list of a schedule string
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import type { Outcome } from '../../src/machine/machine.ts';
import { type RunResult, type RunSpec, run_scenario } from '../run/runner.ts';
import { schedule_decode } from '../run/schedule.ts';

export class LenientReplayChooser implements Chooser {
  private i = 0;

  constructor(private readonly choices: readonly number[]) {}

  choose(point: ChoicePoint): number {
    const v = this.choices[this.i++] ?? 0;
    return v % point.options.length;
  }
}

export type BaseSpec = Omit<RunSpec, 'seed' | 'schedule' | 'chooser' | 'observer'>;

export function run_choices(spec: BaseSpec, choices: readonly number[]): RunResult {
  return run_scenario({ ...spec, chooser: new LenientReplayChooser(choices) });
}

/** What a run's outcome says failed: an invariant's name, `expectation`, `panic` or `deadlock`. */
export function failure_of(o: Outcome): string {
  return o.kind === 'violation' ? o.invariant : o.kind;
}

export function schedule_choices(schedule: string): number[] {
  return [...schedule_decode(schedule).choices];
}
