/*
 * `npm start` (kqsim demo): the guided tour introduces kqueue, an interrupt and a deferral
 * in the order they happen, and every command it suggests works as it says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'kqsim.js');

function kqsim(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: '', cwd, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kqsim demo', () => {
  const tour = kqsim(['demo']);

  it('should walk through kqueue, a sleep, an interrupt, a deferral, a knote and the returned event, in order', () => {
    expect(tour.code).toBe(0);
    expect(tour.err).toBe('');
    const headings = tour.out.split('\n').filter((l) => l.startsWith('== '));
    expect(headings.map((h) => /^== (\d)\. (\S+)/.exec(h)?.slice(1).join(' '))).toEqual([
      '1 kqueue(2):',
      '2 Nothing',
      '3 An',
      '4 A',
      '5 The',
      '6 kevent',
    ]);
    expect(tour.out).toMatch(/^ {3}why: The cpl is net, and IPL_NET masks IPL_SOFTNET/m);
  });

  it('should suggest commands that run as described', () => {
    const lines = tour.out.split('\n');
    const commands = lines.slice(lines.indexOf('Try next:') + 1).flatMap((l) => {
      const m = /^ {2}npx kqsim (.*?)(?: {2,}.*)?$/.exec(l);
      return m?.[1] ? [m[1].split(' ')] : [];
    });
    expect(commands.length).toBeGreaterThanOrEqual(6);
    const dir = mkdtempSync(join(tmpdir(), 'kqsim-tour-'));
    for (const args of commands) {
      const r = kqsim(args, dir);
      // The broken build and the diff against it are meant to exit 1; nothing is bad input.
      const broken = args.some((a) => a.includes('mutant'));
      expect(r.code, args.join(' ')).toBe(broken ? 1 : 0);
      expect(r.err, args.join(' ')).toBe('');
    }
  });
});
