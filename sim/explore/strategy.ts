/*
 * The common shape of an exploration strategy: a source of choosers, one per execution.
 * The explorer (explorer.ts) asks for the next execution's plan, runs it through
 * run_scenario, and tells the strategy what happened.
 *
 *   Strategy            next() -> Execution | undefined; complete; pruned
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

export interface Strategy {
  readonly name: StrategyName;
  /** The next execution to run, or undefined when the strategy has nothing left. */
  next(): Execution | undefined;
  /** True once every execution within the bounds has been covered (exhaustive only). */
  readonly complete: boolean;
  /** Executions cut short because an equivalent one was already explored. */
  readonly pruned: number;
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
