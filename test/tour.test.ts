/*
 * The guided tour: piped, all of it at once without colour, each notation explained the
 * first time it is used; on a terminal (a real pty through script(1)), chapter by chapter,
 * in colour, Enter for the next, q to quit.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { kqsimIn } from '../scripts/kqsim_in_process.ts';
import { demo_tour } from '../sim/cli/demo.ts';
import { NOTATIONS } from '../sim/view/tour.ts';
import { BIN, kqsim } from './helpers/cli.ts';
import { skip_because } from './helpers/skip.ts';

const SCRIPT = '/usr/bin/script';

describe('kqsim demo, piped', () => {
  const tour = kqsim('demo');
  const lines = tour.out.split('\n');

  it('should walk through the setup, a sleep, an interrupt, a deferral, a knote, the returned event and what follows, in order', () => {
    expect(tour.code).toBe(0);
    expect(tour.err).toBe('');
    expect(tour.out.includes('\x1b')).toBe(false);
    const headings = lines.filter((l) => l.startsWith('== '));
    expect(headings.map((h) => /^== (\d)\. (\S+)/.exec(h)?.slice(1).join(' '))).toEqual([
      '1 The',
      '2 Nothing',
      '3 An',
      '4 A',
      '5 The',
      '6 kevent',
      '7 Afterwards:',
    ]);
    expect(tour.out).toMatch(/^ {3}why: The cpl is net, and IPL_NET masks IPL_SOFTNET/m);
  });

  it('should explain each notation once, just before the first line that uses it', () => {
    const uses: [string, RegExp][] = [
      ['knote status', /^ +\d+ t\d+ +.* knote \d+ .* \[0\]/],
      ['@clock', /^ +\d+ t\d+ +\S+ @clock /],
      ['interrupt context', /^ +\d+ t\d+ +intr /],
      ['returned event', /returns 1: \{ident 0, EVFILT_READ, EV_ADD/],
      ['tick', /^ +\d+ t2 /],
      ['dropped', /dropped: no socket is bound to port 7$/],
    ];
    expect(uses.map(([n]) => n)).toEqual(NOTATIONS.map((n) => n.name));
    const notes = lines.flatMap((l, i) => (l.startsWith('   notation: ') ? [i] : []));
    expect(notes).toHaveLength(NOTATIONS.length + 1);
    for (const [, use] of uses) {
      const first = lines.findIndex((l) => use.test(l));
      expect(first, String(use)).toBeGreaterThan(0);
      // The note ends right before its first use: nothing but its own wrapped lines in between.
      const note = notes.filter((n) => n < first).at(-1) as number;
      expect(
        lines.slice(note + 1, first).every((l) => /^ {13}\S/.test(l)),
        String(use),
      ).toBe(true);
    }
  });

  it('should suggest commands that run as described', async () => {
    const commands = lines.slice(lines.indexOf('Try next:') + 1).flatMap((l) => {
      const m = /^ {2}npx kqsim (.*?)(?: {2,}.*)?$/.exec(l);
      return m?.[1] ? [m[1].split(' ')] : [];
    });
    expect(commands.length).toBeGreaterThanOrEqual(7);
    const dir = mkdtempSync(join(tmpdir(), 'kqsim-tour-'));
    for (const args of commands) {
      const r = await kqsimIn(dir, ...args);
      // The broken build and the diff against it are meant to exit 1; nothing is bad input.
      const broken = args.some((a) => a.includes('mutant'));
      expect(r.code, args.join(' ')).toBe(broken ? 1 : 0);
      expect(r.err, args.join(' ')).toBe('');
    }
  });
});

describe('demo_tour on a terminal', () => {
  /** Output so far, and a way to wait until it shows something. */
  function screen() {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => {
      text += String(d);
    });
    const until = async (s: string) => {
      for (let i = 0; i < 200 && !text.includes(s); i++) await new Promise((r) => setTimeout(r, 10));
      return text;
    };
    return { out, text: () => text, until };
  }

  it('should pause after each chapter, go on with Enter and stop with q', async () => {
    const s = screen();
    const input = new PassThrough();
    const done = demo_tour({ out: s.out, input, interactive: true, color: true });
    await s.until('Enter to start');
    expect(s.text()).not.toContain('== 1.');
    expect(s.text()).toContain('\x1b[1mkqsim: a tour');
    input.write('\r');
    await s.until('chapter 1 of 7');
    expect(s.text()).toContain('== 1.');
    expect(s.text()).not.toContain('== 2.');
    input.write(' ');
    await s.until('chapter 2 of 7');
    input.write('q');
    expect(await done).toBe(0);
    expect(s.text()).toContain('(tour stopped: npx kqsim demo starts it again)');
    expect(s.text()).not.toContain('== 3.');
  });

  it('should run to the end when the input ends, and say Ctrl-C with 130', async () => {
    const s = screen();
    const input = new PassThrough();
    const done = demo_tour({ out: s.out, input, interactive: true, color: false });
    await s.until('Enter to start');
    input.end();
    expect(await done).toBe(0);
    expect(s.text()).toContain('Try next:');
    const t = screen();
    const keys = new PassThrough();
    const stopped = demo_tour({ out: t.out, input: keys, interactive: true, color: false });
    await t.until('Enter to start');
    keys.write('\x03');
    expect(await stopped).toBe(130);
  });

  it('should pause under a real terminal (a pty through script(1))', async (ctx) => {
    if (!existsSync(SCRIPT)) skip_because(ctx, `${SCRIPT} (util-linux) is not installed`);
    const p = spawn(SCRIPT, ['-q', '-e', '-c', `'${process.execPath}' '${BIN}' demo`, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: '1' },
    });
    let text = '';
    p.stdout.on('data', (d) => {
      text += String(d);
    });
    const exited = new Promise<number | null>((r) => p.on('exit', r));
    const until = async (s: string) => {
      for (let i = 0; i < 300 && !text.includes(s); i++) await new Promise((r) => setTimeout(r, 50));
      expect(text).toContain(s);
    };
    await until('Enter to start');
    expect(text).not.toContain('== 1.');
    p.stdin.write('\r');
    await until('chapter 1 of 7');
    expect(text).not.toContain('== 2.');
    expect(text).toContain('\x1b[36m== 1.');
    p.stdin.write('q');
    expect(await exited).toBe(0);
    expect(text).toContain('tour stopped');
  });
});
