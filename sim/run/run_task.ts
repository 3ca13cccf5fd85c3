/*
 * One run of a scenario in a worker thread, under the watchdog (isolate.ts): what `kqsim
 * run` and `kqsim replay` do, so that a scenario that never yields or eats all memory ends
 * with one line and exit 2, and Ctrl-C stops it within a second.
 *
 *   run_isolated(task, opts)   this side: -> RunResult, or null when Ctrl-C stopped it
 *   default export             the worker's side: load the scenario and run it
 */
import { build_parse } from '../../src/builds.ts';
import type { MachineLimits } from '../../src/machine/machine.ts';
import { platform_get } from '../../src/machine/platform.ts';
import { scenario_load } from '../scenario.ts';
import { ControlBlock } from './control.ts';
import { type IsolateOptions, isolate, type TaskError, task_error_of } from './isolate.ts';
import { type RunResult, run_scenario } from './runner.ts';

export interface RunTask {
  /** The scenario's file (Scenario.file). */
  readonly scenario: string;
  readonly build: string;
  readonly platform: string;
  readonly seed?: number;
  readonly schedule?: string;
  /** The machine's bounds (`--max-ticks-per-run`); by default the scenario's. */
  readonly limits?: MachineLimits;
  readonly snapshots?: boolean;
}

export type RunLimits = Pick<IsolateOptions, 'watchdog_s' | 'memory_mb' | 'scenario'>;

export async function run_isolated(task: RunTask, opts: RunLimits): Promise<{ readonly result: RunResult | undefined; readonly stoppedAt: string }> {
  const r = await isolate<RunTask, RunResult>([task], { ...opts, module: new URL(import.meta.url), threads: 1 });
  const w = (r.blocks[0] as ControlBlock).where();
  return { result: r.results[0], stoppedAt: `step ${w.step} (${w.context})` };
}

export default async function handle(t: RunTask & { readonly control: SharedArrayBuffer }): Promise<RunResult | TaskError> {
  const control = new ControlBlock(t.control);
  try {
    control.alive('(loading the scenario)');
    const scenario = await scenario_load(t.scenario);
    const platform = platform_get(t.platform);
    if (!platform) throw new Error(`no platform ${t.platform}`);
    return run_scenario({
      scenario,
      build: build_parse(t.build),
      platform,
      ...(t.seed !== undefined ? { seed: t.seed } : {}),
      ...(t.schedule !== undefined ? { schedule: t.schedule } : {}),
      ...(t.limits ? { limits: t.limits } : {}),
      ...(t.snapshots ? { snapshots: true } : {}),
      boot: (k) => {
        k.m.heartbeat = control;
      },
    });
  } catch (e) {
    return task_error_of(e);
  }
}
