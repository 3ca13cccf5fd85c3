/*
 * What every command shares: reading and checking its arguments, its help, and writing its
 * output. Bad input is a UsageError (one line on stderr, exit 2). A command declares, where
 * it registers itself, which of its options cannot go together and what its --help shows;
 * the checks and the text follow from that.
 *
 *   UsageError                  bad input on the command line
 *   platform_arg, seed_arg      --platform, --seed
 *   count_arg(flag, text, min, max)  a whole number within bounds (stated when refused)
 *   refuse_together(cmd, rules) options that make no sense together: refused before the command runs
 *   command_help(cmd, help)     examples and exit codes at the end of the command's --help
 *   EXIT                        the wording of the exit codes every command shares
 *   isolation_options(cmd)      --watchdog-s and --max-memory-mb; isolation_arg reads them
 *   load_isolation_options(cmd) the same two for commands that watch only the loading of a file
 *   limits_arg(text)            --max-ticks-per-run N as machine limits (undefined: the scenario's)
 *   limits_flag(limits)         the same flag again, for a printed replay command
 *   emit(text, out)             to --out or stdout, never losing output
 */
import { writeFileSync } from 'node:fs';
import type { CommandUnknownOpts as Command, Option, OptionValues, Command as TypedCommand } from '@commander-js/extra-typings';
import { DEFAULT_LIMITS, type MachineLimits } from '../../src/machine/machine.ts';
import { PLATFORMS, type Platform, platform_get } from '../../src/machine/platform.ts';

/** Bad input: reported as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function platform_arg(name: string): Platform {
  const p = platform_get(name);
  if (!p) throw new UsageError(`unknown platform '${name}': valid platforms are ${PLATFORMS.map((x) => x.name).join(', ')}`);
  return p;
}

export const SEED_MAX = 0xffffffff;

export function seed_arg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > SEED_MAX) {
    throw new UsageError(`--seed '${text}' is not a whole number from 0 to ${SEED_MAX}`);
  }
  return Number(text);
}

/** The largest count any flag takes. */
export const COUNT_MAX = 999_999_999;

export function count_arg(flag: string, text: string | undefined, min: number, max = COUNT_MAX): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} '${text}' is not a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

export const MAX_TICKS_FLAG = '--max-ticks-per-run <n>';
export const MAX_TICKS_HELP = "clock ticks that may land while the cpu is busy, per run (default: the scenario's, else 1)";

export function limits_arg(text: string | undefined): MachineLimits | undefined {
  const n = count_arg('--max-ticks-per-run', text, 0);
  return n === undefined ? undefined : { ...DEFAULT_LIMITS, busy_ticks_max: n };
}

export function limits_flag(limits: MachineLimits | undefined): string {
  return limits ? ` --max-ticks-per-run ${limits.busy_ticks_max}` : '';
}

/* ---------------------------------------------------------------- options that do not go together */

/**
 * One side of a rule: `--flag` holds when the user gave the flag; `--flag=a|b` holds when
 * the flag's value, given or by default, is one of those.
 */
type Side = string;

/** Two sides that must not both hold, and why (said in the error). */
export type Conflict = readonly [a: Side, b: Side, why: string];

interface Held {
  readonly holds: boolean;
  /** How the error names it: `--json`, `--format perfetto`, `--strategy random (the default)`. */
  readonly shown: string;
}

function side_held(cmd: Command, side: Side): Held {
  const [flag, values] = side.split('=') as [string, string | undefined];
  const opt = (cmd.options as readonly Option[]).find((o) => o.long === flag);
  if (!opt) throw new Error(`kqsim: rule names ${flag}, which '${cmd.name()}' does not have`);
  const key = opt.attributeName();
  const source = cmd.getOptionValueSource(key);
  const given = source === 'cli' || source === 'env';
  const value = String(cmd.getOptionValue(key));
  if (values === undefined) return { holds: given, shown: opt.required || opt.optional ? `${flag} ${value}` : flag };
  return { holds: (given || source === 'default') && values.split('|').includes(value), shown: `${flag} ${value}${given ? '' : ' (the default)'}` };
}

/** Refuse, before the command runs, any two options of `rules` given together. */
export function refuse_together(cmd: Command, rules: readonly Conflict[]): void {
  cmd.hook('preAction', (_self, action) => {
    for (const [a, b, why] of rules) {
      const x = side_held(action, a);
      const y = side_held(action, b);
      if (x.holds && y.holds) throw new UsageError(`${x.shown} cannot be used with ${y.shown}: ${why}`);
    }
  });
}

/* ---------------------------------------------------------------- help */

export interface CommandHelp {
  /** Command lines (without `npx`) and what each does. */
  readonly examples: readonly (readonly [command: string, what: string])[];
  /** Every exit code the command uses, with what it means here. */
  readonly exits: Readonly<Record<number, string>>;
}

/** The wording every command shares for its exit codes. */
export const EXIT = {
  ok: 'every expectation and invariant held',
  found: 'a violation, panic, deadlock or failed expectation (the output ends with the schedule that replays it)',
  input: 'bad input or configuration: one line on stderr naming it, nothing on stdout',
  interrupted: 'interrupted by Ctrl-C (what was done so far is printed)',
} as const;

/** Widest example command that keeps its description on the same line. */
const EXAMPLE_COLUMN = 56;

export function help_text(h: CommandHelp): string {
  const w = Math.min(EXAMPLE_COLUMN, Math.max(...h.examples.map(([c]) => c.length)));
  const example = ([c, what]: readonly [string, string]) =>
    c.length <= w ? [`  ${c.padEnd(w)}  ${what}`] : [`  ${c}`, `  ${' '.repeat(w)}  ${what}`];
  const lines = ['', 'Examples:', ...h.examples.flatMap(example), '', 'Exit codes:'];
  for (const [code, what] of Object.entries(h.exits)) lines.push(`  ${code.padStart(3)}  ${what}`);
  return `${lines.join('\n')}\n`;
}

/** Put the examples and the exit codes at the end of the command's --help. */
export function command_help(cmd: Command, h: CommandHelp): void {
  cmd.addHelpText('after', help_text(h));
}

/* ---------------------------------------------------------------- output */

/** Write to --out or stdout; never lose output to an early exit. */
export function emit(text: string, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`cannot write --out '${out}': ${(e as Error).message}`);
  }
}

export const WATCHDOG_S = 10;
export const MEMORY_MB = 2048;

/** Add the options of commands that run scenario code in a worker under a watchdog. */
export function isolation_options<A extends unknown[], O extends OptionValues>(c: TypedCommand<A, O>) {
  return c
    .option('--watchdog-s <s>', `stop a scenario that takes no step for this many seconds (default ${WATCHDOG_S})`)
    .option('--max-memory-mb <mb>', `stop a scenario whose heap goes past this many MB (default ${MEMORY_MB})`);
}

/**
 * The same options for a command that runs the scenario on its own thread: only a file's
 * trial load is watched (sim/run/load_task.ts).
 */
export function load_isolation_options<A extends unknown[], O extends OptionValues>(c: TypedCommand<A, O>) {
  return c
    .option('--watchdog-s <s>', `stop a scenario file whose top-level code runs this many seconds without finishing (default ${WATCHDOG_S})`)
    .option('--max-memory-mb <mb>', `stop a scenario file whose top-level code goes past this many MB of heap (default ${MEMORY_MB})`);
}

export function isolation_arg(o: { watchdogS?: string; maxMemoryMb?: string }): { watchdog_s: number; memory_mb: number } {
  return {
    watchdog_s: count_arg('--watchdog-s', o.watchdogS, 1, 86_400) ?? WATCHDOG_S,
    memory_mb: count_arg('--max-memory-mb', o.maxMemoryMb, 16, 1_048_576) ?? MEMORY_MB,
  };
}
