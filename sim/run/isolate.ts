/*
 * Isolation: scenario code runs in worker threads (a piscina pool) where a watchdog can
 * stop it. The thread that started them keeps its event loop free, so it polls each
 * worker's control block (control.ts): a worker that takes no step for `watchdog_s`
 * seconds (`while (true) {}` in a process) is terminated, and so is one that goes past
 * `memory_mb` of heap (resourceLimits; a process that logs without yielding); either is
 * one clear line naming the scenario, the process and the step (IsolationError, exit 2),
 * never a hang or a native stack. Ctrl-C asks every worker to stop between two runs and
 * ends those that do not within GRACE_MS, so the caller can print what was covered. A task
 * can also tell the watching thread things as it goes (onMessage: the task gets a `port`).
 *
 * piscina because it is the maintained pool of the Node.js project (engines >= 20), does
 * resourceLimits and per-task AbortSignals, and turns an out-of-memory worker into a
 * rejected task instead of a dead process.
 *
 *   isolate(tasks, opts)      run each task in a worker -> Isolated: results, interrupted
 *   IsolateOptions            worker module, threads, watchdog, memory, who to name
 *   IsolationError            the watchdog or the memory limit stopped a worker
 *   TaskError / task_error_of the errors a worker reports as data, and back to classes
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { BuildError } from '../../src/builds.ts';
import { ScenarioError } from '../scenario.ts';
import { ControlBlock, control_buffer } from './control.ts';
import { RunInputError } from './runner.ts';
import { ScheduleError } from './schedule.ts';
import type { SourceLocation } from './source_location.ts';

export interface IsolateOptions {
  /** The task module (its default export takes a task, with `control`, and returns a result). */
  readonly module: URL;
  readonly threads: number;
  /** Seconds a worker may go without a step before it is stopped. */
  readonly watchdog_s: number;
  /** Heap limit of each worker, in MB. */
  readonly memory_mb: number;
  /** The scenario's name, for messages. */
  readonly scenario: string;
  /** Called every POLL_MS with the workers' control blocks (progress, spreading a failure). */
  readonly onPoll?: (blocks: readonly ControlBlock[]) => void;
  /** Called with what a task posts on the MessagePort it is given as `port`. */
  readonly onMessage?: (message: unknown, blocks: readonly ControlBlock[]) => void;
}

/** The watchdog or the memory limit ended a worker: bad input (a scenario that never yields or exhausts memory). */
export class IsolationError extends Error {
  override readonly name = 'IsolationError';
}

/** An error a task reports back as data (errors do not keep their class across threads). */
export interface TaskError {
  readonly error: { readonly name: string; readonly message: string; readonly where?: SourceLocation };
}

export interface Isolated<R> {
  /** Each task's result; undefined for one that Ctrl-C ended before it returned. */
  readonly results: readonly (R | undefined)[];
  readonly interrupted: boolean;
  /** The tasks' control blocks as they were left (what each was doing when stopped). */
  readonly blocks: readonly ControlBlock[];
}

const POLL_MS = 100;
const GRACE_MS = 300;

/** The errors that are bad input, with the place in the scenario some of them point at. */
const CLASSES: Record<string, new (message: string, where?: SourceLocation) => Error> = { RunInputError, ScheduleError, ScenarioError, BuildError };

/** Inside a worker: an error as data for the other side. */
export function task_error_of(e: unknown): TaskError {
  if (e instanceof Error && CLASSES[e.name]) {
    const where = (e as { where?: SourceLocation }).where;
    return { error: { name: e.name, message: e.message, ...(where ? { where } : {}) } };
  }
  throw e;
}

function is_task_error(r: unknown): r is TaskError {
  return typeof r === 'object' && r !== null && 'error' in r;
}

function where(c: ControlBlock): string {
  const w = c.where();
  return w.context.startsWith('(') ? w.context.slice(1, -1) : `process ${w.context} at step ${w.step}`;
}

export async function isolate<T extends object, R>(tasks: readonly T[], opts: IsolateOptions): Promise<Isolated<R>> {
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    workerData: { module: opts.module.href },
    minThreads: Math.min(opts.threads, tasks.length),
    maxThreads: Math.min(opts.threads, tasks.length),
    resourceLimits: { maxOldGenerationSizeMb: opts.memory_mb },
  });
  const blocks = tasks.map(() => new ControlBlock(control_buffer()));
  const aborts = tasks.map(() => new AbortController());
  const onMessage = opts.onMessage;
  const channels = tasks.map(() => {
    if (!onMessage) return undefined;
    const ch = new MessageChannel();
    ch.port1.on('message', (m: unknown) => onMessage(m, blocks));
    return ch;
  });
  const results: (R | undefined)[] = tasks.map(() => undefined);
  const done = tasks.map(() => false);
  let interrupted = false;
  let failure: Error | undefined;
  const stopAll = (why: Error | undefined) => {
    failure ??= why;
    for (const a of aborts) a.abort();
  };
  const onSigint = () => {
    interrupted = true;
    for (const b of blocks) b.stop();
    setTimeout(() => stopAll(undefined), GRACE_MS).unref();
  };
  process.on('SIGINT', onSigint);
  const last = blocks.map(() => ({ beats: 0, at: Date.now() }));
  const timer = setInterval(() => {
    const now = Date.now();
    blocks.forEach((b, i) => {
      const l = last[i] as { beats: number; at: number };
      // A worker is watched from its first beat: starting a thread is kqsim's, not the scenario's.
      if (done[i] || b.beats() === 0) return;
      if (b.beats() !== l.beats) {
        l.beats = b.beats();
        l.at = now;
      } else if (now - l.at > opts.watchdog_s * 1000) {
        stopAll(
          new IsolationError(
            `scenario '${opts.scenario}' made no progress for ${opts.watchdog_s} s: ${where(b)}; stopped by the watchdog (--watchdog-s)`,
          ),
        );
      }
    });
    opts.onPoll?.(blocks);
  }, POLL_MS);
  try {
    await Promise.all(
      tasks.map(async (t, i) => {
        try {
          const port = channels[i]?.port2;
          const r = await pool.run(
            { ...t, control: (blocks[i] as ControlBlock).buffer, ...(port ? { port } : {}) },
            { signal: (aborts[i] as AbortController).signal, ...(port ? { transferList: [port] } : {}) },
          );
          if (is_task_error(r)) {
            const Cls = CLASSES[r.error.name] ?? Error;
            stopAll(new Cls(r.error.message, r.error.where));
          } else results[i] = r as R;
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
            stopAll(
              new IsolationError(
                `scenario '${opts.scenario}' ran past the memory limit of ${opts.memory_mb} MB: ${where(blocks[i] as ControlBlock)}; stopped (--max-memory-mb)`,
              ),
            );
          } else if ((e as Error).name !== 'AbortError') stopAll(e as Error);
        } finally {
          done[i] = true;
        }
      }),
    );
  } finally {
    clearInterval(timer);
    for (const ch of channels) ch?.port1.close();
    process.off('SIGINT', onSigint);
    await pool.destroy();
  }
  if (failure) throw failure;
  return { results, interrupted, blocks };
}
