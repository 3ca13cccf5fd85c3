/*
 * Narration: one readable line per trace event, saying what ran, at which IPL, and why.
 *
 *   narrate_event(ev, opts)   the line for one event, or null when it is not shown
 *   narrate_text(ev, opts)    what that line says, without its columns
 *   narrate_where(ev)         its context column (`server[1] @none`)
 *   narrate_columns(ev, opts) the line's columns, for a writer that styles them
 *   outcome_message(outcome)  what went wrong, in one phrase
 *   outcome_line(o, steps, ticks)  the `outcome:` line
 *   narrate_run(result, opts) the whole text output: header, lines, outcome, findings,
 *                             `schedule:` last
 *   findings_line(findings)   the `findings:` line
 *
 * Every line is made safe (sim/view/safe_text.ts): scenario text cannot forge a line.
 */
import type { Outcome } from '../../src/machine/machine.ts';
import { IPL_NAMES, type IplName, type IrqSource, type Platform, platform_get } from '../../src/machine/platform.ts';
import type { KeventOut, TraceEvent } from '../../src/trace.ts';
import type { Finding, RunResult } from '../run/runner.ts';
import { safe_lines, safe_text } from './safe_text.ts';

export interface NarrateOptions {
  /** Also show spl changes and every scheduling decision. */
  readonly verbose?: boolean;
  /** The run's platform: lets a line say whether the cpl masks a source (why it waits). */
  readonly platform?: Platform;
}

function kev(e: KeventOut): string {
  return `{ident ${e.ident}, ${e.filter}, ${e.flags}, fflags ${e.fflags}, data ${e.data}, udata ${e.udata}}`;
}

const IPL_WORD: Readonly<Record<string, string>> = {
  net: 'IPL_NET',
  softnet: 'IPL_SOFTNET',
  clock: 'IPL_CLOCK',
  softclock: 'IPL_SOFTCLOCK',
  serial: 'IPL_SERIAL',
  softserial: 'IPL_SOFTSERIAL',
  tty: 'IPL_TTY',
  bio: 'IPL_BIO',
};

/** Why a scheduled soft interrupt waits or not: does the cpl it was scheduled at mask it? */
function softintr_why(ev: TraceEvent & { kind: 'softintr' }, p: Platform | undefined): string {
  if (!p || !(IPL_NAMES as readonly string[]).includes(ev.ipl)) return '';
  const level = IPL_WORD[ev.ipl] ?? ev.ipl;
  return p.masks(p.cplOf(ev.ipl as IplName), ev.src as IrqSource)
    ? `; ${level} masks it, so it is deferred until the cpl drops`
    : `; the cpl (${ev.ipl}) does not mask it, so it is taken at the next preemption point`;
}

function text_of(ev: TraceEvent, opts: NarrateOptions): string | null {
  switch (ev.kind) {
    case 'syscall':
      return `enters the kernel: ${ev.name}(${ev.args})`;
    case 'sysret': {
      const head = ev.ret < 0 ? `${ev.name} fails with ${ev.errno}` : `${ev.name} returns ${ev.ret}`;
      const evs = ev.events && ev.events.length > 0 ? `: ${ev.events.map(kev).join(', ')}` : '';
      return head + evs;
    }
    case 'device':
      return `${ev.device} raises its interrupt line (${IPL_WORD[ev.src] ?? ev.src}): ${ev.what}`;
    case 'intr':
      return `takes the ${ev.src} interrupt over ${ev.over}: the cpl did not mask ${IPL_WORD[ev.src] ?? ev.src}`;
    case 'intr-done':
      return `${ev.src} handler returns; the interrupted context resumes`;
    case 'softintr':
      return `schedules the ${ev.src} soft interrupt: it runs once the cpl no longer masks ${IPL_WORD[ev.src] ?? ev.src}${softintr_why(ev, opts.platform)}`;
    case 'spl':
      return opts.verbose ? `${ev.fn}: cpl ${ev.from} -> ${ev.to}` : null;
    case 'knote':
      return `knote ${ev.kn} (ident ${ev.ident}, ${ev.filter}) ${ev.op} on kq ${ev.kq} [${ev.status}]: ${ev.why}`;
    case 'sleep':
      return `${ev.thread} sleeps on ${ev.wchan} ("${ev.wmesg}")${ev.timo > 0 ? ` for at most ${ev.timo} tick(s)` : ''}`;
    case 'wakeup':
      return `${ev.thread} is made runnable by ${ev.reason}`;
    case 'switch':
      return `cpu switches from ${ev.from} to ${ev.to} (${ev.why})`;
    case 'tick':
      return `clock advances to tick ${ev.tick}${ev.skipped > 0 ? ` (${ev.skipped} idle tick(s) with nothing due skipped)` : ''}: hardclock is pending`;
    case 'callout':
      return `softclock runs callout ${ev.fn}`;
    case 'signal':
      return `${ev.sig} to pid ${ev.pid}: ${ev.action}`;
    case 'exit':
      return `pid ${ev.pid} exits with status ${ev.status}`;
    case 'choice':
      if (ev.chosen === 0 && !opts.verbose) return null;
      return `schedule decides at ${ev.at}: ${ev.options[ev.chosen]} (choice ${ev.chosen} of ${ev.options.map((o, i) => `${i}=${o}`).join(', ')})`;
    case 'log':
      return ev.text;
    case 'panic':
      return `PANIC: ${ev.message}`;
    case 'violation':
      return `VIOLATION of ${ev.invariant}: ${ev.message}`;
    case 'finding':
      return `FINDING of ${ev.invariant} (not a correctness failure; the run goes on): ${ev.message}`;
    case 'kcont-alloc':
      return `kcont() fills in kc ${ev.kc}: ${ev.fn}${ev.kn ? ` for knote ${ev.kn}` : ''}, asks for ${ev.asked}`;
    case 'kcont-request':
      return `${ev.by}(kc ${ev.kc}, ${ev.obj}, ${ev.status}, ${ev.curipl}): run ${ev.fn}, which asked for ${ev.asked}`;
    case 'kcont-deferred':
      return `kcont_defer kc ${ev.kc} (${ev.fn}) onto ${ev.queue}: ${ev.why}`;
    case 'kcont-enqueued':
      return opts.verbose ? `kc ${ev.kc} is linked onto ${ev.queue} (SIMPLEQ_INSERT_TAIL at splvm)` : null;
    case 'kcont-dequeued':
      return opts.verbose ? (ev.kc ? `kc ${ev.kc} is taken off ${ev.queue}` : `${ev.queue} is empty`) : null;
    case 'kcont-run':
      return `${ev.by} calls ${ev.fn} (kc ${ev.kc}, ${ev.obj}, status ${ev.status}): it asked for ${ev.asked} and ${ev.deferred ? `was deferred; the drain at ${ev.curipl} runs it, as ${ev.curipl} <= ${ev.asked} on kcont's scale` : ev.asked === 'KC_IPL_IMMED' ? 'KC_IPL_IMMED runs at once, at whatever level its caller is' : `its caller's ${ev.curipl} is not above it, so it runs at once`}`;
    case 'kcont-free':
      return `kc ${ev.kc}${ev.kn ? ` (knote ${ev.kn}'s)` : ''} goes back to kc_pool in ${ev.by}`;
    case 'kcont-kthread':
      return `the kcont kthread wakes (${ev.status}): ${ev.why}; it drains kcq_process_ctxt at KC_IPL_DEFER_PROCESS`;
    case 'ktickle':
      // Every kevent return on a ktickle build says so; only the verbose narration shows it.
      if (ev.op === 'return' && !opts.verbose) return null;
      return `ktickle ${ev.op} on kq ${ev.kq} (kq_count ${ev.kq_count}): ${ev.why}`;
    case 'lock':
      if (ev.op === 'simple_lock' && ev.holder !== '') return `${ev.where}: simple_lock(${ev.lock}), which ${ev.holder} holds`;
      return opts.verbose ? `${ev.where}: ${ev.op}(${ev.lock})` : null;
    case 'copy':
      return `${ev.dir === 'in' ? 'copyin' : 'copyout'} of ${ev.bytes} byte(s) ${ev.dir === 'in' ? 'from' : 'to'} pid ${ev.pid}: ${ev.what}`;
    case 'lkevent':
      return ev.kev || ev.id
        ? `kevent ${ev.kev || '-'} (${ev.id}, ${ev.flags}, user ${ev.user}) ${ev.op} on kevent queue ${ev.kq}: ${ev.why}`
        : `kevent queue ${ev.kq} ${ev.op}: ${ev.why}`;
    case 'dillon':
      return ev.op === 'copyout'
        ? `kevent copies out ${ev.bytes} byte(s) into the user's struct event at 0x${ev.addr.toString(16)} (fd ${ev.fd}, ${ev.filter}): ${ev.why}`
        : `kqueuectl on kq ${ev.kq} (fd ${ev.fd}, ${ev.filter}): ${ev.why}`;
    case 'state':
      return null;
  }
}

/** What an event says, without the step, tick and context columns (made safe), or null. */
export function narrate_text(ev: TraceEvent, opts: NarrateOptions = {}): string | null {
  const text = text_of(ev, opts);
  return text === null ? null : safe_text(text);
}

/** The context column: who ran (`server[1]`, `intr net`, `idle`) @ the cpl, made safe. */
export function narrate_where(ev: TraceEvent): string {
  return safe_text(`${ev.ctx} @${ev.ipl}`);
}

/** The line's columns, padded (step, tick, context @cpl, text): joined by spaces they are the line. */
export function narrate_columns(ev: TraceEvent, opts: NarrateOptions = {}): readonly [string, string, string, string] | null {
  const text = narrate_text(ev, opts);
  if (text === null) return null;
  return [String(ev.step).padStart(6), `t${String(ev.tick).padEnd(5)}`, narrate_where(ev).padEnd(26), text];
}

export function narrate_event(ev: TraceEvent, opts: NarrateOptions = {}): string | null {
  return narrate_columns(ev, opts)?.join(' ') ?? null;
}

function platform_opt(name: string): { platform?: Platform } {
  const p = platform_get(name);
  return p ? { platform: p } : {};
}

/** The `findings:` line: each finding's invariant, step and message. */
export function findings_line(findings: readonly Finding[]): string {
  return `findings: ${findings.map((f) => `${f.invariant} at step ${f.step}: ${f.message}`).join('; ')}`;
}

/** What went wrong, in one phrase ('' for a run that held). */
export function outcome_message(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'done':
      return '';
    case 'deadlock':
      return `nothing can run and nothing is due, but ${outcome.sleeping.join(', ')} still sleep(s)`;
    case 'panic':
    case 'violation':
      return outcome.message;
  }
}

export function outcome_line(outcome: Outcome, steps: number, ticks: number): string {
  return safe_text(outcome_words(outcome, steps, ticks));
}

function outcome_words(outcome: Outcome, steps: number, ticks: number): string {
  const size = `${steps} steps, ${ticks} ticks`;
  switch (outcome.kind) {
    case 'done':
      return `outcome: ok: every process exited, every expectation and invariant held (${size})`;
    case 'deadlock':
      return `outcome: DEADLOCK: ${outcome_message(outcome)} (${size})`;
    case 'panic':
      return `outcome: PANIC at step ${steps}: ${outcome_message(outcome)}`;
    case 'violation':
      return `outcome: VIOLATION of ${outcome.invariant} at step ${steps}: ${outcome_message(outcome)}`;
  }
}

export function narrate_run(r: RunResult, description: string | undefined, opts: NarrateOptions = {}): string {
  const h = r.header;
  const lines = [
    `kqsim ${h.kqsim}: scenario ${h.scenario} on build ${h.build}, platform ${h.platform}, chooser ${h.chooser}, at most ${h.busy_ticks_max} clock tick(s) while the cpu is busy`,
  ];
  if (description)
    lines.push(
      ...description
        .trim()
        .split('\n')
        .map((l) => `  ${l.trim()}`),
    );
  lines.push(`${'step'.padStart(6)} ${'tick'.padEnd(6)} ${'context @cpl'.padEnd(26)} event`);
  const withPlatform: NarrateOptions = { ...opts, ...(opts.platform ? {} : platform_opt(h.platform)) };
  for (const ev of r.events) {
    const line = narrate_event(ev, withPlatform);
    if (line !== null) lines.push(line);
  }
  lines.push(outcome_line(r.outcome, r.steps, r.ticks));
  if (r.findings.length > 0) lines.push(findings_line(r.findings));
  lines.push(`schedule: ${r.schedule}`);
  return safe_lines(lines);
}
