/*
 * The common shape of an exploration strategy: a plan of executions for one slice of the
 * search (sim/explore/slice.ts), each with its chooser, grouped in chunks numbered in the
 * order an unsplit search runs them. The explorer (explorer.ts) asks for the next planned
 * execution, runs it through run_scenario, and tells the plan what happened.
 *
 *   Plan                next() -> Planned | undefined; takeCut(); fraction(); chunksSeen()
 *   Planned             the chunk an execution belongs to, whether this slice counts it,
 *                       and the Execution
 *   Execution           the chooser (and optional step observer) for one run, and
 *                       finished(result) to call once it ran
 *   STRATEGY_NAMES      random, pct, exhaustive
 *   option_key(o)       a stable name for a choice option, by meaning not by position
 */
import type { ChoiceOption, Chooser } from '../../src/machine/chooser.ts';
import type { StepObserver } from '../../src/machine/machine.ts';
import type { RunResult } from '../run/runner.ts';

export const STRATEGY_NAMES = ['random', 'pct', 'exhaustive'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface Execution {
  readonly chooser: Chooser;
  readonly observer?: StepObserver;
  /** Called once with the run's result. Returns false if the run was cut short as redundant. */
  finished(r: RunResult): boolean;
}

export interface Planned {
  /** The chunk it belongs to (see slice.ts). */
  readonly chunk: number;
  /**
   * False for an execution another slice owns, run here only because the search needs what
   * it learns (exhaustive: the footprints of the transitions above the frontier).
   */
  readonly counts: boolean;
  readonly execution: Execution;
}

export interface Plan {
  /** The next execution of this slice, or undefined when the slice has nothing left. */
  next(): Planned | undefined;
  /** Whether a bound cut part of the search since the last call (exhaustive only). */
  takeCut(): boolean;
  /** How much of the whole search is behind this slice, from 0 to 1, when it can tell (exhaustive). */
  fraction(): number | undefined;
  /** How many chunks of the whole search it has seen (every one, once next() has returned undefined). */
  chunksSeen(): number;
}

/** Who acts if this option is taken: a thread, or a device raising its line. */
export function option_key(o: ChoiceOption): string {
  switch (o.kind) {
    case 'irq':
      return `irq:${o.device}`;
    case 'tick':
      return 'irq:clock';
    case 'continue':
      return o.ctx;
    case 'switch':
    case 'run':
      return `thread:${o.tid}`;
  }
}
