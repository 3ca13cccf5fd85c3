/*
 * kqsim run inside this process, through main(): what a spawned kqsim would print and return,
 * at a fraction of the cost (no node start-up, no tsx compile per command), for the tests and
 * the README's figures. Standard input is `input` (an empty, ended stream by default, as
 * spawnSync gives); the working directory is `cwd` for the run's duration.
 *
 *   kqsimIn(cwd, ...args)              -> { code, out, err }
 *   kqsimInWith({ cwd, input }, ...args)
 */
import { Readable } from 'node:stream';
import { main } from '../sim/cli/cli.ts';

export interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

type Write = typeof process.stdout.write;

export async function kqsimIn(cwd: string, ...args: string[]): Promise<CliResult> {
  return kqsimInWith({ cwd }, ...args);
}

export async function kqsimInWith(opts: { readonly cwd: string; readonly input?: string }, ...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    cwd: process.cwd(),
    stdin: Object.getOwnPropertyDescriptor(process, 'stdin'),
  };
  const capture =
    (into: string[]): Write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  process.exitCode = undefined;
  process.chdir(opts.cwd);
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  Object.defineProperty(process, 'stdin', { value: Readable.from([opts.input ?? ''].filter((s) => s !== '')), configurable: true });
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    if (saved.stdin) Object.defineProperty(process, 'stdin', saved.stdin);
    process.chdir(saved.cwd);
    process.exitCode = undefined;
  }
}
