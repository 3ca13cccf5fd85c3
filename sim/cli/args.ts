/*
 * What every command shares: reading and checking its arguments, and writing its output.
 * Bad input is a UsageError (one line on stderr, exit 2).
 *
 *   UsageError                 bad input on the command line
 *   platform_arg, seed_arg     --platform, --seed
 *   count_arg(flag, text, min) a whole number of at least min
 *   isolation_options(cmd)     --watchdog-s and --max-memory-mb, and isolation_arg to read them
 *   emit(text, out)            to --out or stdout, never losing output
 */
import { writeFileSync } from 'node:fs';
import type { Command, OptionValues } from '@commander-js/extra-typings';
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

export function seed_arg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    throw new UsageError(`--seed '${text}' is not a whole number from 0 to 4294967295`);
  }
  return Number(text);
}

export function count_arg(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) throw new UsageError(`${flag} '${text}' is not a whole number of at least ${min}`);
  return Number(text);
}

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
export function isolation_options<A extends unknown[], O extends OptionValues>(c: Command<A, O>) {
  return c
    .option('--watchdog-s <s>', `stop a scenario that takes no step for this many seconds (default ${WATCHDOG_S})`)
    .option('--max-memory-mb <mb>', `stop a scenario whose heap goes past this many MB (default ${MEMORY_MB})`);
}

export function isolation_arg(o: { watchdogS?: string; maxMemoryMb?: string }): { watchdog_s: number; memory_mb: number } {
  return {
    watchdog_s: count_arg('--watchdog-s', o.watchdogS, 1) ?? WATCHDOG_S,
    memory_mb: count_arg('--max-memory-mb', o.maxMemoryMb, 16) ?? MEMORY_MB,
  };
}
