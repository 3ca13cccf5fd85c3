// Test helpers for the CLI as a user runs it: a real child process, real exit codes and streams.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'kqsim.js');

export interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

export interface CliOptions {
  /** Standard input (a closed, empty stdin when omitted). */
  readonly input?: string;
  readonly cwd?: string;
}

export function kqsimWith(opts: CliOptions, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function kqsim(...args: string[]): CliResult {
  return kqsimWith({}, ...args);
}

export interface CliChild {
  readonly child: ChildProcess;
  /** What it has written to stderr so far. */
  err(): string;
  /** Its exit code and everything it wrote, once it ends. */
  readonly done: Promise<CliResult>;
}

/** The CLI as a child process that runs while the test goes on (several at once, or one to interrupt). */
export function kqsimSpawn(...args: string[]): CliChild {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { child, err: () => err, done };
}

/** Each command is bad input: exit 2, nothing on stdout, one line on stderr matching its pattern. */
export function expectInputErrors(cases: readonly (readonly [readonly string[], RegExp])[]): void {
  for (const [args, pattern] of cases) {
    const r = kqsim(...args);
    const what = args.join(' ');
    expect(r.code, what).toBe(2);
    expect(r.out, what).toBe('');
    expect(r.err.trimEnd().split('\n'), what).toHaveLength(1);
    expect(r.err, what).toMatch(pattern);
  }
}
