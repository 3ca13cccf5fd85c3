/*
 * The runner: boot a kernel for a scenario on a build and platform, drive it with a chooser,
 * check every invariant on every step, and return the trace with the schedule that replays
 * it. With `record: false` (exploration) the run keeps no trace and builds only the events
 * an invariant reads; it can still fold a fingerprint of what happened (TraceFingerprint),
 * and a failing one is replayed from its schedule to get the trace.
 *
 *   run_scenario(spec)   one execution -> RunResult
 *   run_limits(spec)     the machine bounds a run uses (the scenario's busy-tick budget)
 *   RunInputError        bad input or a scenario that misbehaves: the CLI's exit 2
 */
import type { Build } from '../../src/builds.ts';
import { kcont_listener_attach } from '../../src/kern/kcont_listener.ts';
import { type Kernel, kernel_boot } from '../../src/kern/kernel.ts';
import { type Chooser, firstChooser } from '../../src/machine/chooser.ts';
import {
  BudgetExceeded,
  DEFAULT_LIMITS,
  KernelPanic,
  type MachineLimits,
  type Outcome,
  RunStopped,
  type StepObserver,
} from '../../src/machine/machine.ts';
import type { Platform } from '../../src/machine/platform.ts';
import { TraceBus, type TraceEvent, TraceFingerprint, type TraceKind } from '../../src/trace.ts';
import { INVARIANTS, type Invariant } from '../check/invariants.ts';
import { type Scenario, scenario_check_build } from '../scenario.ts';
import { snapshot_watch } from '../view/snapshot.ts';
import { RecordingChooser, ReplayChooser, SeededChooser } from './choosers.ts';
import { ScheduleError, schedule_decode, schedule_encode } from './schedule.ts';
import { type SourceLocation, thrown_location } from './source_location.ts';
import { KQSIM_VERSION } from './version.ts';

export interface RunSpec {
  readonly scenario: Scenario;
  readonly build: Build;
  readonly platform: Platform;
  /** Pseudo-random decisions from this seed. */
  readonly seed?: number;
  /** Replay these decisions (a schedule string). Takes precedence over seed. */
  readonly schedule?: string;
  /** Any other decision maker (exploration strategies). */
  readonly chooser?: Chooser;
  /** How the header describes `chooser` (default `custom`). */
  readonly chooserDescription?: string;
  /** The machine's bounds; by default DEFAULT_LIMITS with the scenario's busy_ticks_max (run_limits). */
  readonly limits?: MachineLimits;
  readonly invariants?: readonly Invariant[];
  /** Called for every trace event as it happens (progress, live views). */
  readonly onEvent?: (ev: TraceEvent) => void;
  /** Also put `state` snapshots on the trace (sim/view/snapshot.ts), for the HTML and Perfetto views. */
  readonly snapshots?: boolean;
  /** Sees every transition's footprint (partial-order reduction in sim/explore). */
  readonly observer?: StepObserver;
  /** Keep the trace (default true). Off, `events` is empty and nothing is stamped. */
  readonly record?: boolean;
  /** Fold a fingerprint of the run (RunResult.fingerprint), for counting distinct traces. */
  readonly fingerprint?: boolean;
  /** Called with the booted kernel before any process runs (collectors, watchdogs). */
  readonly boot?: (k: Kernel) => void;
}

/** Replayable identity of a run: put on top of every trace so two traces can be compared. */
export interface RunHeader {
  readonly kqsim: string;
  readonly scenario: string;
  readonly build: string;
  readonly platform: string;
  readonly chooser: string;
  /** Clock ticks that may land while the cpu is busy (a schedule replays only with the same bound). */
  readonly busy_ticks_max: number;
}

/** A finding a run made (an invariant marked `finding` failed; the run went on). */
export interface Finding {
  readonly invariant: string;
  readonly message: string;
  readonly step: number;
}

export interface RunResult {
  readonly header: RunHeader;
  readonly outcome: Outcome;
  /** Findings, the first of each invariant, in the order they were made. */
  readonly findings: readonly Finding[];
  readonly events: readonly TraceEvent[];
  /** The schedule that replays this run exactly. */
  readonly schedule: string;
  readonly steps: number;
  readonly ticks: number;
  /** With RunSpec.fingerprint: the hash of the run's choices and the numeric footprint of its events. */
  readonly fingerprint?: number;
}

/** Bad input or a scenario that misbehaves; `where` points into the scenario's source when known. */
export class RunInputError extends Error {
  override readonly name = 'RunInputError';
  constructor(
    message: string,
    readonly where?: SourceLocation,
  ) {
    super(message);
  }
}

function chooser_for(spec: RunSpec): { chooser: Chooser; describe: string; replay?: ReplayChooser } {
  if (spec.schedule !== undefined) {
    const decoded = schedule_decode(spec.schedule);
    if (decoded.scenario !== spec.scenario.name) {
      throw new ScheduleError(`schedule is for scenario '${decoded.scenario}', not '${spec.scenario.name}'`);
    }
    const replay = new ReplayChooser(decoded.choices);
    return { chooser: replay, describe: `replay ${spec.schedule}`, replay };
  }
  if (spec.chooser) return { chooser: spec.chooser, describe: spec.chooserDescription ?? 'custom' };
  if (spec.seed !== undefined) return { chooser: new SeededChooser(spec.seed), describe: `seed ${spec.seed}` };
  return { chooser: firstChooser, describe: 'default (no disturbance)' };
}

/** The bounds a run uses: the spec's own, else the machine's defaults with the scenario's busy-tick budget. */
export function run_limits(spec: Pick<RunSpec, 'scenario' | 'limits'>): MachineLimits {
  if (spec.limits) return spec.limits;
  const n = spec.scenario.busy_ticks_max;
  return n === undefined ? DEFAULT_LIMITS : { ...DEFAULT_LIMITS, busy_ticks_max: n };
}

export function run_scenario(spec: RunSpec): RunResult {
  scenario_check_build(spec.scenario, spec.build);
  const { chooser, describe, replay } = chooser_for(spec);
  const recorder = new RecordingChooser(chooser);
  const bus = new TraceBus();
  const events: TraceEvent[] = [];
  if (spec.record !== false) bus.on((ev) => events.push(ev));
  if (spec.onEvent) bus.on(spec.onEvent);
  if (spec.fingerprint) bus.fingerprint = new TraceFingerprint();

  const sc = spec.scenario;
  const limits = run_limits(spec);
  const k = kernel_boot({
    platform: spec.platform,
    build: spec.build,
    bus,
    chooser: recorder,
    limits,
    ...(sc.nic ? { nic: sc.nic } : {}),
    ...(sc.serial ? { serial: sc.serial } : {}),
  });
  if (spec.observer) k.m.observer = spec.observer;
  spec.boot?.(k);

  // A violation ends the run on the spot, even in the middle of a step, so the trace stops
  // at the event that broke the invariant.
  const violate = (invariant: string, message: string) => {
    if (k.m.stopped()) return;
    bus.emit('violation', { invariant, message });
    k.m.stop({ kind: 'violation', invariant, message });
    throw new RunStopped(message);
  };
  // A finding is noted once per invariant and the run goes on.
  const findings: Finding[] = [];
  const note = (invariant: string, message: string) => {
    if (k.m.stopped()?.kind !== undefined && k.m.stopped()?.kind !== 'done') return;
    if (findings.some((f) => f.invariant === invariant)) return;
    bus.emit('finding', { invariant, message });
    findings.push({ invariant, message, step: k.m.steps });
  };
  // End checks run once the machine has stopped, so they report instead of stopping it.
  const atEnd: (() => Outcome | null)[] = [];
  for (const inv of spec.invariants ?? INVARIANTS) {
    const w = inv.watch(k);
    const fail = inv.finding ? note : violate;
    if (w.atEnd) {
      const check = w.atEnd.bind(w);
      atEnd.push(() => {
        const message = check();
        if (!message) return null;
        if (inv.finding) {
          note(inv.name, message);
          return null;
        }
        bus.emit('violation', { invariant: inv.name, message });
        return { kind: 'violation', invariant: inv.name, message };
      });
    }
    if (w.afterStep) {
      const check = w.afterStep.bind(w);
      k.m.afterStep.push(() => {
        const msg = check();
        if (msg) fail(inv.name, msg);
      });
    }
    const hooks = w.on ?? {};
    for (const kind of Object.keys(hooks) as TraceKind[]) {
      const check = hooks[kind] as (ev: unknown) => string | null;
      bus.hook(kind, (ev) => {
        const msg = check(ev);
        if (msg) fail(inv.name, msg);
      });
    }
    if (w.onEvent) {
      const check = w.onEvent.bind(w);
      bus.on((ev) => {
        if (ev.kind === 'violation' || ev.kind === 'panic' || ev.kind === 'finding') return;
        const msg = check(ev);
        if (msg) fail(inv.name, msg);
      });
    }
  }

  for (const l of sc.listeners ?? []) kcont_listener_attach(k, l);
  // Last subscriber: a snapshot follows the event that caused it, after every check saw that.
  if (spec.snapshots) snapshot_watch(k);

  for (const p of sc.processes) k.proc_create(p.name, p.main, null, p.uid ?? 1000);

  let outcome: Outcome;
  try {
    outcome = k.m.run();
    if (outcome.kind === 'done') {
      // The invariants' own end checks name a leak before the pools' generic one does.
      for (const check of atEnd) if (outcome.kind === 'done') outcome = check() ?? outcome;
      try {
        if (outcome.kind === 'done') k.teardown_check();
      } catch (e) {
        if (!(e instanceof KernelPanic)) throw e;
        bus.emit('panic', { message: e.message });
        outcome = { kind: 'panic', message: e.message };
      }
    }
  } catch (e) {
    if (e instanceof ScheduleError) throw e;
    if (e instanceof BudgetExceeded) throw new RunInputError(`scenario '${sc.name}' did not finish: ${e.message}`);
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const who = k.m.contextName();
    const where = thrown_location(e, sc.file);
    const message = `${where ? 'the scenario' : `scenario '${sc.name}'`} threw at step ${k.m.steps}${who === 'idle' ? '' : ` in ${who}`}: ${what}`;
    throw where ? new RunInputError(message, where) : new RunInputError(message);
  }
  if (replay && replay.unused() > 0 && outcome.kind === 'done') {
    throw new ScheduleError(
      `schedule has ${replay.unused()} choice(s) left after the run ended: it was recorded on a different scenario, build or platform`,
    );
  }
  return {
    header: {
      kqsim: KQSIM_VERSION,
      scenario: sc.name,
      build: spec.build.name,
      platform: spec.platform.name,
      chooser: describe,
      busy_ticks_max: limits.busy_ticks_max,
    },
    outcome,
    findings,
    events,
    schedule: schedule_encode(sc.name, recorder.choices),
    steps: k.m.steps,
    ticks: k.m.ticks,
    ...(bus.fingerprint ? { fingerprint: bus.fingerprint.value() } : {}),
  };
}
