/*
 * The racing pair of a failing run: which two steps, in which order, decide the failure.
 *
 * A counterexample fails because of its disturbances: the interrupts (or clock ticks, or
 * preemptions) the schedule takes at preemption points instead of letting the running
 * context go on. For one such decision, taken at point P of context C, the handler side is
 * everything that runs from there until C runs again (the handler, what it nests, the soft
 * interrupts it schedules); C's step after it resumes, and C's step that led to P, are the
 * interrupted steps. A racing pair is a handler-side step and an interrupted step that touch
 * the same kernel object (Machine.touch: a knote, a kqueue's queue and count and sleep
 * channel, a socket buffer, a kcont queue, the sleep queue...).
 *
 * Each candidate pair is checked by replay: the same schedule with the decision moved just
 * past C's next step (or just before C's previous one), every other decision kept by
 * meaning (sim/run/meaning_chooser.ts). If that run passes, the order of the pair decides
 * the failure, and the report says so; otherwise the pair is still reported, marked as not
 * confirmed. Disturbances are tried from the last one back (the one nearest the failure).
 *
 *   find_race(spec, schedule)   -> RaceFinding: a Race, or why there is none
 *   race_lines(race)            the text explanation, a few lines
 */
import type { ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { MeaningChooser } from '../run/meaning_chooser.ts';
import { RunInputError, type RunResult, run_scenario } from '../run/runner.ts';
import { narrate_text } from '../view/narrate.ts';
import { point_function, record_run, type Transition } from './footprint.ts';
import { type BaseSpec, failure_of, LenientReplayChooser, schedule_choices } from './replay.ts';

/** One side of a racing pair. */
export interface RaceStep {
  /** The context as the trace names it: `server[1]`, `intr softnet`. */
  readonly context: string;
  /** The cpl at which the step started. */
  readonly ipl: string;
  /** The preemption point the step resumed from, and where it stopped. */
  readonly from: string;
  readonly to: string;
  /** The kernel functions of those points. */
  readonly functions: readonly string[];
  /** The simulator step at which it started. */
  readonly step: number;
  /** What it did, as the narration says it. */
  readonly did: readonly string[];
}

export interface Race {
  /** The two steps in the order the failing run took them. */
  readonly first: RaceStep;
  readonly second: RaceStep;
  /** What they both touch, in words: `kq 1 (kq_count, sleep channel)`. */
  readonly object: string;
  /** The decision whose place decides it: its option's label, the point and context it was taken at. */
  readonly decision: { readonly label: string; readonly at: string; readonly context: string; readonly index: number };
  /** How the replay moved it: past the interrupted context's next step, or before its previous one. */
  readonly moved: 'after' | 'before';
  /** The replay with the decision moved passes. */
  readonly passesWhenSwapped: boolean;
  /** That replay's schedule (it replays exactly) and how it ended (`done`, or what failed). */
  readonly swappedSchedule: string;
  readonly swappedOutcome: string;
  /** One sentence: "moving ... makes the run pass". */
  readonly summary: string;
}

export type RaceFinding = { readonly race: Race } | { readonly race: null; readonly why: string };

/* The machinery of taking an interrupt is not an object the kernel code races on. */
function racy(object: string): boolean {
  return object !== 'pending' && !object.startsWith('device ');
}

/** Kernel objects first, the most specific first; the clock and run states last. */
const OBJECT_ORDER = ['kn ', 'kc ', 'chan ', 'sleepq', 'callouts', 'net', 'com0 fifo', 'thread ', 'time'];

function object_rank(o: string): number {
  const i = OBJECT_ORDER.findIndex((p) => o.startsWith(p));
  return i < 0 ? OBJECT_ORDER.length : i;
}

function shared(a: Transition, b: Transition): string[] {
  const other = new Set(b.footprint);
  return a.footprint.filter((o) => racy(o) && other.has(o)).sort((x, y) => object_rank(x) - object_rank(y) || (x < y ? -1 : 1));
}

/** The fields of a kqueue the two steps show touching, from their trace events. */
function kq_fields(kq: string, evs: readonly TraceEvent[]): string[] {
  const fields = new Set<string>();
  for (const e of evs) {
    if (e.kind === 'knote' && `${e.kq}` === kq && ['enqueue', 'dequeue', 'deliver', 'skip'].includes(e.op)) fields.add('kq_count');
    if ((e.kind === 'sleep' && e.wchan === `kq ${kq}`) || (e.kind === 'wakeup' && e.reason === `wakeup(kq ${kq})`)) fields.add('sleep channel');
    if (e.kind === 'ktickle' && `${e.kq}` === kq) fields.add('KQ_TICKLED');
  }
  return fields.size > 0 ? [...fields].sort() : ['kq_head', 'kq_count', 'kq_state'];
}

/** A footprint name in words. */
function describe_object(o: string, evs: readonly TraceEvent[]): string {
  const [kind = '', ...rest] = o.split(' ');
  const id = rest.join(' ');
  switch (kind) {
    case 'kn':
      return `knote ${id} (kn_status)`;
    case 'kc':
      return `kc ${id}`;
    case 'sleepq':
      return 'the sleep queue';
    case 'callouts':
      return 'the callout list';
    case 'net':
      return 'ipintrq';
    case 'thread':
      return `thread ${id} (whether it is runnable)`;
    case 'time':
      return "the kernel's time";
    case 'chan': {
      if (id.startsWith('kq ')) return `kq ${id.slice(3)} (${kq_fields(id.slice(3), evs).join(', ')})`;
      if (id.startsWith('so ') && id.endsWith(' rcv')) return `socket ${id.slice(3, -4)}'s receive buffer (sb_cc, its data, sb_wait)`;
      if (id.startsWith('pipe ')) return `${id} (its buffer and sleep channel)`;
      if (id.startsWith('kcq')) return `kcont queue ${id}`;
      return id;
    }
    default:
      return o;
  }
}

function events_of(r: RunResult, t: Transition): readonly TraceEvent[] {
  return r.events.slice(t.seqFrom, t.seqTo);
}

function race_step(r: RunResult, t: Transition): RaceStep {
  const from = t.from ?? 'idle';
  const functions = [from === 'start' ? '' : point_function(from), point_function(t.to)].filter((f, i, a) => f !== '' && a.indexOf(f) === i);
  const did = events_of(r, t)
    .filter((e) => !['choice', 'spl', 'state', 'violation', 'panic'].includes(e.kind))
    .map((e) => narrate_text(e))
    .filter((x): x is string => x !== null);
  return { context: t.context, ipl: t.ipl, from: from === 'start' ? "the handler's entry" : from, to: t.to, functions, step: t.step, did };
}

/** The decisions after `after`, as a meaning chooser; the one at `reset` goes back to its default. */
function later_by_meaning(r: RunResult, after: number, reset: number): MeaningChooser {
  const choices = r.events.filter((e): e is TraceEvent & { kind: 'choice' } => e.kind === 'choice');
  return MeaningChooser.from(choices.flatMap((e, i) => (i <= after ? [] : i === reset ? [{ ...e, chosen: 0 }] : [e])));
}

/*
 * Replays `prefix` exactly, then moves one decision: 'after' takes the default at `at` and
 * the option labelled `label` at the first later point that offers it; 'before' takes that
 * option at the earlier decision `at` and the default where it used to be. Everything else
 * after follows the failing run by meaning.
 */
class MovedChooser implements Chooser {
  private i = 0;
  private pending: boolean;

  constructor(
    private readonly prefix: readonly number[],
    private readonly at: number,
    private readonly label: string,
    private readonly mode: 'after' | 'before',
    private readonly later: MeaningChooser,
  ) {
    this.pending = mode === 'after';
  }

  choose(point: ChoicePoint): number {
    const i = this.i++;
    if (i < this.at) return (this.prefix[i] ?? 0) % point.options.length;
    const wanted = point.options.findIndex((o) => o.label === this.label);
    if (i === this.at) return this.mode === 'after' ? 0 : Math.max(0, wanted);
    if (this.pending && wanted >= 0) {
      this.pending = false;
      return wanted;
    }
    return this.later.choose(point);
  }
}

function replay_moved(spec: BaseSpec, failing: RunResult, chooser: MovedChooser): { outcome: string; schedule: string } {
  try {
    const r = run_scenario({ ...spec, chooser });
    return { outcome: failure_of(r.outcome), schedule: r.schedule };
  } catch (e) {
    if (e instanceof RunInputError) return { outcome: 'did not finish', schedule: failing.schedule };
    throw e;
  }
}

interface Candidate {
  readonly first: Transition;
  readonly second: Transition;
  readonly objects: readonly string[];
  readonly moved: 'after' | 'before';
  /** The decision index the move starts from. */
  readonly at: number;
}

/** The racing pairs one disturbance (the decision taken at transition `d`) can explain. */
function candidates_of(ts: readonly Transition[], d: Transition): Candidate[] {
  const c = d.choice;
  if (!c || d.ctx === null) return [];
  let next = -1;
  for (let j = d.index + 1; j < ts.length; j++) {
    const t = ts[j] as Transition;
    if (t.ctx === d.ctx && t.stepped) {
      next = j;
      break;
    }
  }
  const end = next < 0 ? ts.length : next;
  const side = ts.slice(d.index + 1, end).filter((t) => t.stepped);
  const out: Candidate[] = [];
  const after = next < 0 ? undefined : ts[next];
  if (after) {
    const h = side.find((t) => shared(t, after).length > 0);
    if (h) out.push({ first: h, second: after, objects: shared(h, after), moved: 'after', at: c.index });
  }
  const before = ts
    .slice(0, d.index)
    .reverse()
    .find((t) => t.ctx === d.ctx && t.stepped);
  const label = c.options[c.chosen]?.label;
  const bc = before?.choice;
  if (before && bc?.options.some((o) => o.label === label)) {
    const h = side.find((t) => shared(before, t).length > 0);
    if (h) out.push({ first: before, second: h, objects: shared(before, h), moved: 'before', at: bc.index });
  }
  return out;
}

function summary_of(race: Omit<Race, 'summary'>, moved: Transition): string {
  const where =
    race.moved === 'after'
      ? `to just after ${moved.context}'s next step (${race.second.from} -> ${race.second.to})`
      : `to just before ${moved.context}'s step ${race.first.from} -> ${race.first.to}`;
  const verdict = race.passesWhenSwapped ? 'makes the run pass' : `does not make the run pass (it ends in ${race.swappedOutcome})`;
  return `moving "${race.decision.label}" from ${race.decision.at} ${where} ${verdict}`;
}

/** The racing pair of the failing run that `schedule` replays (choices replayed leniently). */
export function find_race(spec: BaseSpec, schedule: string): RaceFinding {
  const choices = schedule_choices(schedule);
  const { result, transitions } = record_run(spec, new LenientReplayChooser(choices));
  if (result.outcome.kind === 'done') return { race: null, why: 'the run passes: there is no failure to explain' };
  const disturbances = transitions.filter((t) => t.ctx !== null && t.choice && t.choice.options[t.choice.chosen]?.kind !== 'continue');
  if (disturbances.length === 0) {
    return { race: null, why: 'the run fails without any interrupt or preemption taken by choice: a deterministic failure, not a race' };
  }
  const recorded = schedule_choices(result.schedule);
  let fallback: Race | undefined;
  for (const d of [...disturbances].reverse()) {
    const c = d.choice as NonNullable<Transition['choice']>;
    const label = c.options[c.chosen]?.label ?? '';
    for (const cand of candidates_of(transitions, d)) {
      const later = later_by_meaning(result, cand.at, c.index);
      const swapped = replay_moved(spec, result, new MovedChooser(recorded, cand.at, label, cand.moved, later));
      const all = [...events_of(result, cand.first), ...events_of(result, cand.second)];
      const base = {
        first: race_step(result, cand.first),
        second: race_step(result, cand.second),
        object: describe_object(cand.objects[0] as string, all),
        decision: { label, at: c.at, context: d.context, index: c.index },
        moved: cand.moved,
        passesWhenSwapped: swapped.outcome === 'done',
        swappedSchedule: swapped.schedule,
        swappedOutcome: swapped.outcome,
      };
      const race = { ...base, summary: summary_of(base, cand.moved === 'after' ? cand.second : cand.first) };
      if (race.passesWhenSwapped) return { race };
      fallback ??= race;
    }
  }
  if (fallback) return { race: fallback };
  return {
    race: null,
    why: 'no step the disturbances ran touches an object the interrupted steps touch (kqsim sees only what the kernel names with Machine.touch)',
  };
}

function step_lines(tag: string, s: RaceStep): string[] {
  const head = `  ${tag} ${s.context} @${s.ipl}, step ${s.step}: from ${s.from} to ${s.to}${s.functions.length > 0 ? ` (in ${s.functions.join(', ')})` : ''}`;
  return [head, ...s.did.map((d) => `${' '.repeat(tag.length + 3)}${d}`)];
}

export function race_lines(race: Race): string[] {
  return [
    `the racing pair, on ${race.object}:`,
    ...step_lines('first: ', race.first),
    ...step_lines('second:', race.second),
    `checked by replay: ${race.summary}`,
    `  (the replay with it moved: ${race.swappedSchedule})`,
  ];
}
