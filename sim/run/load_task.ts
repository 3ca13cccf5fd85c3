/*
 * Loading a scenario file the CLI did not ship, first in a worker thread under the watchdog
 * (isolate.ts): every command imports the scenario's module on its own thread to read what
 * it needs (name, build, description, the processes for runs it makes there), and a module
 * whose top-level code never finishes (`while (true) {}`, a long computation, a top-level
 * await that never settles) or eats all memory would hang it or kill it without a word.
 * The trial load turns that into one line naming the file, exit 2; what else goes wrong in
 * it (a syntax error, a throw, a bad defineScenario) comes back as the same ScenarioError,
 * FILE:LINE:COL, that loading it here would give.
 *
 * The bundled scenarios skip the trial: they are kqsim's own code, and a worker costs every
 * command about a second. A file that passed is then imported here, so its top-level code
 * runs twice: a scenario's module only defines it, so that is harmless (XXX: a module body
 * whose running time depends on the wall clock could pass the trial and still hang here).
 *
 *   scenario_load_watched(ref, limits)   -> Scenario, what scenario_load gives
 *   LoadLimits                          --watchdog-s and --max-memory-mb
 *   LoadInterrupted                     Ctrl-C stopped the trial (exit 130)
 *   default export                      the worker's side: import the module, nothing more
 */
import { type Scenario, scenario_bundled, scenario_file, scenario_load } from '../scenario.ts';
import { ControlBlock } from './control.ts';
import { type IsolateOptions, isolate, type TaskError, task_error_of } from './isolate.ts';
import { path_text } from './source_location.ts';

export type LoadLimits = Pick<IsolateOptions, 'watchdog_s' | 'memory_mb'>;

/** Ctrl-C during the trial load: the module is not known to finish, so it is not imported here. */
export class LoadInterrupted extends Error {
  override readonly name = 'LoadInterrupted';
}

interface LoadTask {
  readonly file: string;
}

/** scenario_load(ref), after a trial load in a worker for a file outside the bundled set. */
export async function scenario_load_watched(ref: string, limits: LoadLimits): Promise<Scenario> {
  const file = scenario_file(ref);
  if (!scenario_bundled(file)) {
    const shown = path_text(file);
    const trial = await isolate<LoadTask, true>([{ file }], { ...limits, module: new URL(import.meta.url), threads: 1, scenario: shown });
    if (trial.interrupted) throw new LoadInterrupted(`interrupted while loading ${shown}`);
  }
  return scenario_load(ref);
}

export default async function handle(t: LoadTask & { readonly control: SharedArrayBuffer }): Promise<true | TaskError> {
  // One beat and no more: the watchdog counts from here, and names what never ended.
  new ControlBlock(t.control).alive("(running its module's top-level code)");
  try {
    await scenario_load(t.file);
    return true;
  } catch (e) {
    return task_error_of(e);
  }
}
