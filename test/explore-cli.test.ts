/*
 * `kqsim explore` end to end: exit codes, the --json summary, and a counterexample whose
 * narrated shrunk run is byte for byte what `kqsim replay` prints.
 */
import { describe, expect, it } from 'vitest';
import { kqsim, kqsimSpawn } from './helpers/cli.ts';

const MUTANT = 'netbsd-2.0+mutant-lost-wakeup';

describe('kqsim explore', () => {
  it('should check every interleaving of a clean build and exit 0', () => {
    const r = kqsim('explore', 'nic-softnet', '--strategy', 'exhaustive');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^all \d+ interleavings checked \(\d+ distinct trace\(s\), \d+ execution\(s\) pruned as equivalent\)/m);
    expect(r.err).toBe('');
  });

  it('should print one JSON summary with the issue fields', () => {
    const r = kqsim('explore', 'nic-softnet', '--build', MUTANT, '--strategy', 'pct', '--json');
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0] as string);
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['scenario', 'build', 'platform', 'strategy', 'executions', 'distinctTraces', 'pruned', 'complete', 'violations']),
    );
    expect(j).toMatchObject({ scenario: 'nic-softnet', build: MUTANT, platform: 'i386', strategy: 'pct', complete: false });
    expect(j.violations).toHaveLength(1);
    expect(j.violations[0]).toMatchObject({ invariant: 'no-lost-wakeup', shrunkSchedule: 'kq2:nic-softnet:0*10.1' });
    expect(typeof j.violations[0].step).toBe('number');
  });

  it('should print a counterexample whose shrunk run replays byte for byte', () => {
    const r = kqsim('explore', 'nic-softnet', '--build', MUTANT, '--strategy', 'exhaustive');
    expect(r.code).toBe(1);
    const [head, narrated] = r.out.split('the shrunk run:\n') as [string, string];
    const schedule = /shrunk schedule: (\S+)/.exec(head)?.[1] ?? '';
    expect(schedule).toBe('kq2:nic-softnet:0*10.1');
    const replay = kqsim('replay', 'nic-softnet', '--build', MUTANT, '--schedule', schedule);
    expect(replay.code).toBe(1);
    expect(narrated).toBe(replay.out);
  });

  it('should carry --max-ticks-per-run into the replay command it prints', () => {
    // Two busy ticks let both of nic-softnet's datagrams come before bind: its premise fails.
    const r = kqsim('explore', 'nic-softnet', '--strategy', 'exhaustive', '--max-ticks-per-run', '2');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/at most 2 clock tick\(s\) while busy/);
    const replay = /replay it: +npx kqsim (replay .*)$/m.exec(r.out)?.[1]?.split(' ') ?? [];
    expect(replay).toContain('--max-ticks-per-run');
    const again = kqsim(...replay);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/^outcome: DEADLOCK: /m);
    expect(r.out.split('the shrunk run:\n')[1]).toBe(again.out);
  });

  it('should reject bad input with one line and exit 2', () => {
    for (const args of [
      ['--strategy', 'dfs'],
      ['--runs', '0'],
      ['--max-preemptions', 'x'],
      ['--max-ticks-per-run', '-1'],
      ['--build', 'netbsd-9'],
    ]) {
      const r = kqsim('explore', 'nic-softnet', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('should stop cleanly on Ctrl-C and print what it covered', async () => {
    // A run far too long to finish: wait for the first (non-TTY) progress line, then interrupt.
    const run = kqsimSpawn('explore', 'nic-softnet', '--strategy', 'random', '--runs', '100000000');
    run.child.stderr?.on('data', () => {
      if (run.err().includes('\n')) run.child.kill('SIGINT');
    });
    const { code, out, err } = await run.done;
    expect(err).toMatch(/^explore: \d+ executions, \d+ pruned, \d+\/s, \d+%, ETA /);
    expect(code).toBe(130);
    expect(out).toMatch(
      /^interrupted after \d+ execution\(s\) \(\d+ distinct trace\(s\), 0 execution\(s\) pruned as equivalent\): no violation in what was covered$/m,
    );
  }, 30_000);
});
