/*
 * A run, transition by transition, with what each one touched. Replays a run with a step
 * observer (Machine's StepObserver: boundary + touch) and a chooser wrapper, and records
 * for every transition (the machine's work from one scheduling boundary to the next, as in
 * sim/explore/exhaustive.ts) who ran, at which cpl, from which preemption point, which
 * decision the chooser took there, the objects it touched, and the trace events it emitted.
 * The racing-pair explanation (race.ts) reads these.
 *
 *   record_run(spec, chooser)    -> { result, transitions }
 *   Transition                   one transition; `to` is filled in from the next one
 *   point_function(label)        the kernel function a preemption point's label names
 */
import type { ChoiceOption, ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import type { Machine, StepObserver } from '../../src/machine/machine.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { type RunResult, run_scenario } from '../run/runner.ts';
import type { BaseSpec } from './replay.ts';

export interface TransitionChoice {
  /** Position in the run's list of decisions (its schedule), from 0. */
  readonly index: number;
  readonly at: string;
  readonly options: readonly ChoiceOption[];
  readonly chosen: number;
}

export interface Transition {
  readonly index: number;
  /** Machine.contextKey(): `thread:1`, `intr:softnet`; null for the idle loop. */
  readonly ctx: string | null;
  /** The context as the trace names it: `server[1]`, `intr softnet`, `idle`. */
  readonly context: string;
  /** The cpl when the transition started. */
  readonly ipl: string;
  /** The preemption point it resumed from (`start` before a handler's first step). */
  from: string | null;
  /** Where it stopped: the next point of the same context, or what ended it (`ltsleep`, `return`, `exit`). */
  to: string;
  /** Simulator steps taken before it. */
  readonly step: number;
  /** True if it ran a step of its context (false: only a decision, such as a device raising its line). */
  stepped: boolean;
  /** The decision taken at this boundary, when the chooser was asked. */
  choice: TransitionChoice | undefined;
  /** The objects it read or wrote (Machine.touch names), sorted. */
  footprint: readonly string[];
  /** Its trace events (seq numbers from, to), to narrate what it did. */
  readonly seqFrom: number;
  seqTo: number;
}

/** The kernel function a label names: `knote_enqueue:splx` -> knote_enqueue; `user:kevent` -> user mode. */
export function point_function(label: string): string {
  if (label.startsWith('user:')) return `user mode (${label.slice(5)})`;
  const i = label.indexOf(':');
  return i < 0 ? label : label.slice(0, i);
}

class Recorder implements StepObserver, Chooser {
  readonly transitions: Transition[] = [];
  private cur: Transition | undefined;
  private touched = new Set<string>();
  private seq = 0;
  private decisions = 0;

  constructor(private readonly inner: Chooser) {}

  onEvent(): void {
    this.seq++;
  }

  boundary(m: Machine): void {
    this.close(m.steps);
    this.cur = {
      index: this.transitions.length,
      ctx: m.contextKey(),
      context: m.contextName(),
      ipl: m.iplName(),
      from: m.contextPoint(),
      to: '',
      step: m.steps,
      stepped: false,
      choice: undefined,
      footprint: [],
      seqFrom: this.seq,
      seqTo: this.seq,
    };
  }

  touch(kind: string, id: string | number): void {
    this.touched.add(id === '' ? kind : `${kind} ${id}`);
  }

  choose(point: ChoicePoint): number {
    const chosen = this.inner.choose(point);
    if (this.cur) this.cur.choice = { index: this.decisions, at: point.at, options: point.options, chosen };
    this.decisions++;
    return chosen;
  }

  /** End the current transition at `steps` (the run's step count now). */
  close(steps: number): void {
    const c = this.cur;
    if (!c) return;
    c.stepped = steps > c.step;
    c.footprint = [...this.touched].sort();
    c.seqTo = this.seq;
    this.touched = new Set();
    this.transitions.push(c);
    this.cur = undefined;
  }
}

/*
 * Where each transition stopped: the point its context next resumes from. A thread that
 * slept stopped in ltsleep (the machine keeps its last label across the sleep, so its next
 * transition is said to resume from ltsleep too); a handler that finished returned.
 */
function link_points(ts: readonly Transition[], events: readonly TraceEvent[]): void {
  const next = new Map<string, Transition>();
  for (let i = ts.length - 1; i >= 0; i--) {
    const t = ts[i] as Transition;
    if (t.ctx === null || !t.stepped) continue;
    const evs = events.slice(t.seqFrom, t.seqTo);
    const later = next.get(t.ctx);
    if (evs.some((e) => e.kind === 'sleep' && e.thread === t.context)) {
      t.to = 'ltsleep';
      if (later) later.from = 'ltsleep';
    } else if (later) {
      t.to = later.from ?? '';
    } else if (t.ctx.startsWith('intr:')) {
      t.to = 'return';
    } else {
      t.to = evs.some((e) => e.kind === 'switch' && e.why === 'exited') ? 'exit' : 'end of the run';
    }
    next.set(t.ctx, t);
  }
}

/** Run `spec` under `chooser`, recording every transition. */
export function record_run(spec: BaseSpec, chooser: Chooser): { result: RunResult; transitions: readonly Transition[] } {
  const rec = new Recorder(chooser);
  const result = run_scenario({ ...spec, chooser: rec, observer: rec, onEvent: () => rec.onEvent() });
  rec.close(result.steps);
  link_points(rec.transitions, result.events);
  return { result, transitions: rec.transitions };
}
