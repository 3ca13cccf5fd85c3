/*
 * What every command shares: reading and checking its arguments, and writing its output.
 * Bad input is a UsageError (one line on stderr, exit 2).
 *
 *   UsageError                 bad input on the command line
 *   platform_arg, seed_arg     --platform, --seed
 *   count_arg(flag, text, min) a whole number of at least min
 *   limits_arg(text)           --max-ticks-per-run N as machine limits (undefined: the scenario's)
 *   limits_flag(limits)        the same flag again, for a printed replay command
 *   emit(text, out)            to --out or stdout, never losing output
 */
import { writeFileSync } from 'node:fs';
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

export const MAX_TICKS_FLAG = '--max-ticks-per-run <n>';
export const MAX_TICKS_HELP = "clock ticks that may land while the cpu is busy, per run (default: the scenario's, else 1)";

export function limits_arg(text: string | undefined): MachineLimits | undefined {
  const n = count_arg('--max-ticks-per-run', text, 0);
  return n === undefined ? undefined : { ...DEFAULT_LIMITS, busy_ticks_max: n };
}

export function limits_flag(limits: MachineLimits | undefined): string {
  return limits ? ` --max-ticks-per-run ${limits.busy_ticks_max}` : '';
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
