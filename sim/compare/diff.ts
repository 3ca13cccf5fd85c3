/*
 * Build diff: one scenario on two kernel builds, on the same schedule, compared.
 *
 * Build A runs on the given schedule, seed or the default; build B replays A's decisions by
 * meaning (sim/run/meaning_chooser.ts), so a patch that adds or removes preemption points still
 * gets the same interleaving wherever the two runs can be compared. The two traces are
 * aligned on what happened (kind, context, cpl and fields; not step numbers, which a new
 * preemption point shifts), and the report gives the first divergence with the events
 * around it, then the user-visible differences: each process's syscall results (return
 * value, errno, returned events), exit status, and the run's outcome.
 *
 *   diff_builds(spec)          run both builds -> DiffReport
 *   diff_compare(a, b)         compare two finished runs -> DiffReport
 *   diff_text(report)          the report as text (the CLI's default output)
 *   diff_decision_lines(acct)  what became of A's decisions on B, as text lines
 *   diff_event_key(ev)         what alignment compares an event by
 */
import type { Build } from '../../src/builds.ts';
import type { MachineLimits } from '../../src/machine/machine.ts';
import type { Platform } from '../../src/machine/platform.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { type DecisionAccount, MeaningChooser } from '../run/meaning_chooser.ts';
import { type RunResult, run_scenario } from '../run/runner.ts';
import type { Scenario } from '../scenario.ts';
import { narrate_event, outcome_line } from '../view/narrate.ts';
import { safe_lines } from '../view/safe_text.ts';
import { type AlignRow, align } from './align.ts';

export interface DiffSpec {
  readonly scenario: Scenario;
  readonly a: Build;
  readonly b: Build;
  readonly platform: Platform;
  readonly seed?: number;
  readonly schedule?: string;
  /** Record state snapshots too (for the HTML view). */
  readonly snapshots?: boolean;
  /** Both sides' machine bounds (`--max-ticks-per-run`); by default the scenario's. */
  readonly limits?: MachineLimits;
}

export interface DiffReport {
  readonly a: RunResult;
  readonly b: RunResult;
  /** The events compared (choices and state snapshots left out), per side. */
  readonly aEvents: readonly TraceEvent[];
  readonly bEvents: readonly TraceEvent[];
  readonly rows: readonly AlignRow[];
  /** Index in `rows` of the first row that is not the same on both sides, or null. */
  readonly divergence: number | null;
  /** One entry per user-visible difference, as text. */
  readonly visible: readonly string[];
  /** What became of each of A's decisions on B (null when B did not replay A by meaning). */
  readonly decisions: DecisionAccount | null;
}

/** Events that are bookkeeping, not behaviour: choices depend on preemption-point labels. */
function compared(ev: TraceEvent): boolean {
  return ev.kind !== 'choice' && ev.kind !== 'state';
}

export function diff_event_key(ev: TraceEvent): string {
  const { seq: _seq, step: _step, tick: _tick, ...rest } = ev;
  return JSON.stringify(rest);
}

export function diff_builds(spec: DiffSpec): DiffReport {
  const common = {
    scenario: spec.scenario,
    platform: spec.platform,
    ...(spec.snapshots ? { snapshots: true } : {}),
    ...(spec.limits ? { limits: spec.limits } : {}),
  };
  const a = run_scenario({
    ...common,
    build: spec.a,
    ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
    ...(spec.schedule !== undefined ? { schedule: spec.schedule } : {}),
  });
  const chooser = MeaningChooser.from(a.events);
  const b = run_scenario({ ...common, build: spec.b, chooser, chooserDescription: `A's decisions by meaning (${a.header.chooser})` });
  return diff_compare(a, b, chooser);
}

export function diff_compare(a: RunResult, b: RunResult, chooser?: MeaningChooser): DiffReport {
  const aEvents = a.events.filter(compared);
  const bEvents = b.events.filter(compared);
  const rows = align(aEvents.map(diff_event_key), bEvents.map(diff_event_key));
  const first = rows.findIndex((r) => r.a === undefined || r.b === undefined);
  return {
    a,
    b,
    aEvents,
    bEvents,
    rows,
    divergence: first < 0 ? null : first,
    visible: visible_differences(a, b),
    decisions: chooser ? chooser.account() : null,
  };
}

/* ---------------------------------------------------------------- user-visible results */

interface Observed {
  /** Process (thread) name -> what it saw, in order. */
  readonly perProcess: Map<string, string[]>;
  readonly outcome: string;
}

function observed(r: RunResult): Observed {
  const perProcess = new Map<string, string[]>();
  const add = (who: string, what: string) => {
    const list = perProcess.get(who) ?? [];
    list.push(what);
    perProcess.set(who, list);
  };
  for (const ev of r.events) {
    if (ev.kind === 'sysret') {
      const head = ev.ret < 0 ? `${ev.name} fails with ${ev.errno}` : `${ev.name} returns ${ev.ret}`;
      const evs =
        ev.events && ev.events.length > 0
          ? `: ${ev.events.map((e) => `{ident ${e.ident}, ${e.filter}, ${e.flags}, data ${e.data}}`).join(', ')}`
          : '';
      add(ev.ctx, head + evs);
    } else if (ev.kind === 'exit') {
      add(ev.ctx, `exits with status ${ev.status}`);
    }
  }
  const o = r.outcome;
  const outcome =
    o.kind === 'done'
      ? 'ok'
      : o.kind === 'deadlock'
        ? `deadlock (${o.sleeping.join(', ')} asleep)`
        : `${o.kind}: ${o.kind === 'panic' ? o.message : `${o.invariant}: ${o.message}`}`;
  return { perProcess, outcome };
}

function visible_differences(a: RunResult, b: RunResult): string[] {
  const oa = observed(a);
  const ob = observed(b);
  const out: string[] = [];
  const names = [...oa.perProcess.keys()];
  for (const n of ob.perProcess.keys()) if (!names.includes(n)) names.push(n);
  for (const name of names) {
    const la = oa.perProcess.get(name) ?? [];
    const lb = ob.perProcess.get(name) ?? [];
    const both = Math.min(la.length, lb.length);
    for (let i = 0; i < both; i++) {
      if (la[i] !== lb[i]) out.push(`${name} result ${i + 1}: A ${la[i]}; B ${lb[i]}`);
    }
    // One line for the tail only one side has (the other run ended or the process did not get there).
    const [longer, side, other] = la.length > both ? [la, 'A', 'B'] : [lb, 'B', 'A'];
    if (longer.length > both) {
      out.push(`${name} result ${both + 1}..${longer.length}: ${side} ${longer.length - both} more (first: ${longer[both]}); ${other} none`);
    }
  }
  if (oa.outcome !== ob.outcome) out.push(`outcome: A ${oa.outcome}; B ${ob.outcome}`);
  return out;
}

/* ---------------------------------------------------------------- text report */

const CONTEXT_BEFORE = 3;
const CONTEXT_AFTER = 8;

function row_line(d: DiffReport, r: AlignRow): string {
  const same = r.a !== undefined && r.b !== undefined;
  const ev = (r.a !== undefined ? d.aEvents[r.a] : d.bEvents[r.b as number]) as TraceEvent;
  const line = narrate_event(ev, { verbose: true }) ?? `${ev.kind}`;
  return `${same ? '   ' : r.a !== undefined ? 'A- ' : 'B+ '}${line}`;
}

/** Most of A's lost decisions the text report names one by one (--json has them all). */
const NAMED_MAX = 10;

/** The account of A's decisions on B: counts, then each non-default one B could not take. */
export function diff_decision_lines(account: DecisionAccount): string[] {
  const lost = account.decisions.filter((d) => d.fate !== 'taken');
  const lines = [
    `decisions: B took ${account.taken} of A's ${account.decisions.length} by meaning; ${lost.length} it could not (${account.noOption} offered without A's option, ${account.unreached} never reached); B had ${account.ownPoints} point(s) of its own (default taken)`,
  ];
  const named = lost.filter((d) => !d.default);
  for (const d of named.slice(0, NAMED_MAX)) {
    const why = d.fate === 'no-option' ? 'B was there but had no such option, and took its default' : 'B never reached this point';
    lines.push(`  A's decision ${d.n} (step ${d.step}, ${d.at}, visit ${d.visit}): "${d.label}": ${why}`);
  }
  if (named.length > NAMED_MAX) lines.push(`  ... and ${named.length - NAMED_MAX} more (all in --json)`);
  const defaults = lost.length - named.length;
  if (defaults > 0) lines.push(`  and ${defaults} default decision(s) (the least disturbing option; B went on undisturbed there too)`);
  return lines;
}

export function diff_text(d: DiffReport): string {
  const h = d.a.header;
  const lines = [
    `kqsim diff: scenario ${h.scenario}, platform ${h.platform}, chooser ${h.chooser}`,
    `  A: ${h.build}`,
    `  B: ${d.b.header.build} (takes A's decisions by meaning)`,
  ];
  if (d.decisions) lines.push(...diff_decision_lines(d.decisions));
  if (d.divergence === null) {
    lines.push(`traces: the same (${d.aEvents.length} events)`);
  } else {
    const row = d.rows[d.divergence] as AlignRow;
    const at = (i: number | undefined, evs: readonly TraceEvent[]) => (i === undefined ? 'no event' : `event ${i + 1} at step ${evs[i]?.step}`);
    lines.push(`first divergence: A ${at(row.a, d.aEvents)}, B ${at(row.b, d.bEvents)}  ('A-' only in A, 'B+' only in B)`);
    const from = Math.max(0, d.divergence - CONTEXT_BEFORE);
    const to = Math.min(d.rows.length, d.divergence + CONTEXT_AFTER);
    for (let i = from; i < to; i++) lines.push(row_line(d, d.rows[i] as AlignRow));
    if (to < d.rows.length) lines.push(`   ... ${d.rows.length - to} more aligned row(s)`);
  }
  lines.push(`A ${outcome_line(d.a.outcome, d.a.steps, d.a.ticks)}`);
  lines.push(`B ${outcome_line(d.b.outcome, d.b.steps, d.b.ticks)}`);
  if (d.visible.length === 0) {
    lines.push('user-visible results: the same');
  } else {
    lines.push(`user-visible results: ${d.visible.length} difference(s)`);
    for (const v of d.visible) lines.push(`  ${v}`);
  }
  lines.push(`schedule A: ${d.a.schedule}`);
  lines.push(`schedule B: ${d.b.schedule}`);
  return safe_lines(lines);
}
