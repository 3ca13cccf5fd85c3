/*
 * Exploration on every core: a search (or one shard of it) split into one slice per worker
 * thread (slice.ts), each worker running explore_slice under the watchdog of
 * sim/run/isolate.ts. The slices' chunks merge in chunk order, so the report is the same
 * for any number of workers: the same executions, counts and counterexample (the lowest
 * failing execution, not the first to arrive). A failure found by one worker tells the
 * others, through their control blocks, that no later chunk is needed; so does the
 * saturation window closing, which this thread sees from the chunks the workers post as
 * they finish them (ChunkWatch: decided on whole chunks in order, so stopping there
 * changes nothing in the merged report).
 *
 *   explore_workers(spec, shard, opts)   -> { report, slice }: the report, and the shard's
 *                                           union of slices (for its --shard JSON)
 *   slices_union(reports)                several slices' reports as one
 *   default export                       the worker's side: load the scenario, run a slice
 */
import type { MessagePort } from 'node:worker_threads';
import { build_parse } from '../../src/builds.ts';
import { platform_get } from '../../src/machine/platform.ts';
import { invariants_named } from '../check/invariants.ts';
import { ControlBlock } from '../run/control.ts';
import { type IsolateOptions, isolate, type TaskError, task_error_of } from '../run/isolate.ts';
import { scenario_load } from '../scenario.ts';
import { type ChunkResult, ChunkWatch } from './chunk.ts';
import { type ExploreProgress, type ExploreReport, type ExploreSpec, explore_header, explore_report, explore_slice } from './explorer.ts';
import { type Slice, slice_within } from './slice.ts';
import { type SliceReport, saturation_window } from './summary.ts';

/** A slice to run, as data a worker can receive: the spec's options, the rest by name. */
type SliceTask = Omit<ExploreSpec, 'scenario' | 'build' | 'platform' | 'invariants' | 'onProgress' | 'stop'> & {
  readonly scenario: string;
  readonly build: string;
  readonly platform: string;
  /** The names of the invariants to check (sim/check/invariants.ts), if not all. */
  readonly invariants?: readonly string[];
  readonly slice: Slice;
};

export interface WorkerOptions extends Pick<IsolateOptions, 'watchdog_s' | 'memory_mb'> {
  readonly workers: number;
  readonly onProgress?: (p: ExploreProgress) => void;
}

export function slices_union(reports: readonly SliceReport[]): SliceReport {
  const totals = reports.map((r) => r.chunksTotal);
  const first = totals[0] ?? null;
  return {
    chunks: reports.flatMap((r) => r.chunks).sort((a, b) => a.chunk - b.chunk),
    chunksTotal: totals.every((t) => t !== null && t === first) ? first : null,
    capped: reports.some((r) => r.capped),
    interrupted: reports.some((r) => r.interrupted),
  };
}

export async function explore_workers(spec: ExploreSpec, shard: Slice, opts: WorkerOptions): Promise<{ report: ExploreReport; slice: SliceReport }> {
  const { scenario, build, platform, invariants, onProgress: _p, stop: _s, ...rest } = spec;
  const tasks: SliceTask[] = Array.from({ length: opts.workers }, (_, j) => ({
    ...rest,
    scenario: scenario.file,
    build: build.name,
    platform: platform.name,
    ...(invariants ? { invariants: invariants.map((i) => i.name) } : {}),
    slice: slice_within(shard, j, opts.workers),
  }));
  const planned = spec.strategy === 'exhaustive' ? undefined : spec.runs;
  const watch = new ChunkWatch(saturation_window(explore_header(spec)));
  const run = await isolate<SliceTask, SliceReport>(tasks, {
    module: new URL(import.meta.url),
    threads: opts.workers,
    watchdog_s: opts.watchdog_s,
    memory_mb: opts.memory_mb,
    scenario: scenario.name,
    onMessage: (chunk, blocks) => {
      watch.add(chunk as ChunkResult);
      const last = watch.lastNeeded();
      if (last !== Number.POSITIVE_INFINITY) for (const b of blocks) b.need(last);
    },
    onPoll: (blocks) => {
      const failed = Math.min(...blocks.map((b) => b.failedChunk() ?? Number.POSITIVE_INFINITY));
      if (failed !== Number.POSITIVE_INFINITY) for (const b of blocks) b.need(failed);
      const fractions = blocks.map((b) => b.fraction()).filter((f) => f !== undefined);
      opts.onProgress?.({
        executions: blocks.reduce((n, b) => n + b.executions(), 0),
        pruned: blocks.reduce((n, b) => n + b.pruned(), 0),
        planned: planned === undefined ? undefined : Math.ceil(planned / shard.count),
        fraction: fractions.length > 0 ? Math.min(...fractions) : undefined,
      });
    },
  });
  // A worker that Ctrl-C ended before it returned covered nothing we can vouch for.
  const reports = run.results.map((r) => r ?? { chunks: [], chunksTotal: null, capped: false, interrupted: true });
  const slice = slices_union(run.interrupted ? reports.map((r) => ({ ...r, interrupted: true })) : reports);
  return { report: explore_report(spec, [slice]), slice };
}

export default async function handle(
  t: SliceTask & { readonly control: SharedArrayBuffer; readonly port: MessagePort },
): Promise<SliceReport | TaskError> {
  const control = new ControlBlock(t.control);
  try {
    control.alive('(loading the scenario)');
    const { slice, scenario: file, build, platform: name, invariants, control: _c, port, ...rest } = t;
    const platform = platform_get(name);
    if (!platform) throw new Error(`no platform ${name}`);
    const spec: ExploreSpec = {
      ...rest,
      scenario: await scenario_load(file),
      build: build_parse(build),
      platform,
      ...(invariants ? { invariants: invariants_named(invariants) } : {}),
    };
    return await explore_slice(spec, slice, {
      stopped: () => control.stopped(),
      lastNeeded: () => control.lastNeeded(),
      progress: (p) => control.progress(p.executions, p.pruned, p.fraction),
      failed: (chunk) => control.failed(chunk),
      closed: (chunk) => port.postMessage(chunk),
      boot: (k) => {
        k.m.heartbeat = control;
      },
    });
  } catch (e) {
    return task_error_of(e);
  }
}
