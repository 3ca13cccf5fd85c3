/*
 * CLI manners: every command's --help ends with examples and its exit codes; options that
 * make no sense together are refused with one line naming both; limits are stated in the
 * errors that enforce them; `kqsim new` writes a scenario that runs.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kqsimIn } from '../scripts/kqsim_in_process.ts';

const dir = mkdtempSync(join(tmpdir(), 'kqsim-manners-'));
const cli = (...args: string[]) => kqsimIn(dir, ...args);

describe('kqsim --help', () => {
  it('should show examples and exit codes for the program and for every command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/\nExamples:\n {2}\S/);
    expect(top.out).toMatch(/\nExit codes:\n +0 {2}.*\n +1 {2}.*\n +2 {2}.*\n +130 {2}/);
    const section = top.out.slice(top.out.indexOf('Commands:'), top.out.indexOf('Examples:'));
    const commands = [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1] as string).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['list', 'run', 'replay', 'compare', 'diff', 'explore', 'demo', 'new']));
    for (const c of commands) {
      const h = await cli(c, '--help');
      const hint = `kqsim ${c} --help: declare its examples and exit codes with command_help() (sim/cli/args.ts)`;
      expect(h.code, hint).toBe(0);
      expect(h.out, hint).toMatch(new RegExp(`\\nExamples:\\n {2}(?:npm start|kqsim ${c}\\b)`));
      expect(h.out, hint).toMatch(/\nExit codes:\n +0 {2}\S.*\n(?: +1 {2}\S.*\n)? +2 {2}\S/);
    }
  });
});

describe('conflicting options', () => {
  const cases: [string[], RegExp][] = [
    [['run', 'pipe-read', '--json', '--format', 'perfetto'], /^kqsim: error: --json cannot be used with --format perfetto: /],
    [['run', 'pipe-read', '--seed', '1', '--schedule', 'kq2:pipe-read:'], /^kqsim: error: --seed 1 cannot be used with --schedule kq2:pipe-read:: /],
    [['run', 'pipe-read', '--teach', '--format', 'html'], /^kqsim: error: --teach cannot be used with --format html: teaching mode is a dialogue/],
    [['run', 'pipe-read', '--teach', '--out', 'x.txt'], /^kqsim: error: --teach cannot be used with --out x\.txt: /],
    [['run', 'pipe-read', '--verbose', '--format', 'jsonl'], /^kqsim: error: --verbose cannot be used with --format jsonl: /],
    [
      ['replay', 'pipe-read', '--schedule', 'kq2:pipe-read:', '--json', '--format', 'html'],
      /^kqsim: error: --json cannot be used with --format html/,
    ],
    [['explore', 'pipe-read', '--strategy', 'exhaustive', '--seed', '5'], /^kqsim: error: --seed 5 cannot be used with --strategy exhaustive: /],
    [['explore', 'pipe-read', '--depth', '3'], /^kqsim: error: --depth 3 cannot be used with --strategy random \(the default\): /],
    [
      ['explore', 'pipe-read', '--strategy', 'pct', '--max-preemptions', '1'],
      /^kqsim: error: --max-preemptions 1 cannot be used with --strategy pct/,
    ],
    [['explore', 'pipe-read', '--strategy', 'random', '--no-reduce'], /^kqsim: error: --no-reduce cannot be used with --strategy random: /],
    [
      ['explore', 'pipe-read', '--strategy', 'exhaustive', '--pct-depth', '2'],
      /^kqsim: error: --pct-depth 2 cannot be used with --strategy exhaustive/,
    ],
    [
      ['diff', 'pipe-read', '--build', 'netbsd-2.0', '--vs', 'netbsd-2.0', '--json', '--format', 'html'],
      /^kqsim: error: --json cannot be used with --format html/,
    ],
    [
      ['diff', 'pipe-read', '--build', 'netbsd-2.0', '--vs', 'netbsd-2.0', '--seed', '1', '--schedule', 'kq2:pipe-read:'],
      /--seed 1 cannot be used with --schedule/,
    ],
  ];

  it.each(cases)('should refuse %j with one line naming both, exit 2', async (args, line) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(line);
  });

  it('should accept what goes together, defaults included', async () => {
    for (const args of [
      ['run', 'pipe-read', '--json'],
      ['run', 'pipe-read', '--format', 'text', '--verbose'],
      ['explore', 'pipe-read', '--strategy', 'exhaustive', '--depth', '2'],
      ['explore', 'pipe-read', '--seed', '3', '--runs', '2'],
    ]) {
      const r = await cli(...args);
      expect(r.err, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });
});

describe('limits in errors', () => {
  const cases: [string[], RegExp][] = [
    [['run', 'pipe-read', '--schedule', 'kq2:pipe-read:12345'], /an index from 0 to 9999, optionally \*<count> with a count from 1 to 9999999/],
    [['run', 'pipe-read', '--schedule', 'kq2:pipe-read:9'], /schedule choice 1 is 9 but step \d+ .* has only 2 options/],
    [['run', 'pipe-read', '--seed', '4294967296'], /--seed '4294967296' is not a whole number from 0 to 4294967295/],
    [['explore', 'pipe-read', '--runs', '0'], /--runs '0' is not a whole number from 1 to 999999999/],
    [['compare', 'wakeup-pipe', '--builds', 'netbsd-4.0', '--runs', '1001'], /--runs '1001' is not a whole number from 1 to 1000/],
  ];
  it.each(cases)('should state the bound it enforces: %j', async (args, line) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(line);
  });
});

describe('kqsim new', () => {
  it('should write a commented scenario that runs and holds on every interleaving, and never overwrite one', async () => {
    const made = await cli('new', 'first-try');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^wrote \.\/first-try\.mts: .*\nrun it: {6}npx kqsim run \.\/first-try\.mts\n/);
    const text = readFileSync(join(dir, 'first-try.mts'), 'utf8');
    expect(text).toMatch(/^\/\*\n \* first-try: a kqsim scenario/);
    expect(text).toMatch(/\/\/ An expectation must hold on every interleaving/);
    const ran = await cli('run', './first-try.mts');
    expect(ran.err).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/reader\[1\]: read 5 byte\(s\): hello/);
    const explored = await cli('explore', './first-try.mts', '--strategy', 'exhaustive');
    expect(explored.code).toBe(0);
    // Busy clock ticks are on by default: the template holds with them.
    expect(explored.out).toMatch(/^kqsim explore: .*\(at most 1 clock tick\(s\) while busy\)$/m);
    expect(explored.out).toMatch(/^all \d+ interleavings checked/m);
    const again = await cli('new', 'first-try');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/first-try\.mts exists: give another name, or remove it first/);
  });

  it('should refuse a name it cannot make a scenario of', async () => {
    for (const [name, why] of [
      ['notes.txt', /a scenario file ends in \.mts/],
      ['plain.ts', /plain\.ts loads as CommonJS .*: name it plain\.mts instead/],
    ] as const) {
      const r = await cli('new', name);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(why);
      expect(existsSync(join(dir, name))).toBe(false);
    }
  });
});
