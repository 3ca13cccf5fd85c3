import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kqsim, kqsimWith } from './helpers/cli.ts';

describe('kqsim demo', () => {
  const tour = kqsim('demo');

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
      const r = kqsimWith({ cwd: dir }, ...args);
      // The broken build and the diff against it are meant to exit 1; nothing is bad input.
      const broken = args.some((a) => a.includes('mutant'));
      expect(r.code, args.join(' ')).toBe(broken ? 1 : 0);
      expect(r.err, args.join(' ')).toBe('');
    }
  });
});
