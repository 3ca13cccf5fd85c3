/*
 * Safe text: no scenario can drive the terminal or forge a line of kqsim's own, through any
 * writer (narration, teaching, explore, diff, JSON lines, error lines).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kqsimInWith } from '../scripts/kqsim_in_process.ts';
import { safe_json, safe_lines, safe_text } from '../sim/view/safe_text.ts';

/** Control characters, DEL, C1, the line separators and the bidi controls, by code point. */
const BIDI = [0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const unsafe = (s: string) =>
  [...s].some((c) => {
    const n = c.codePointAt(0) as number;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029 || BIDI.includes(n);
  });

describe('safe_text', () => {
  it('should escape what drives a terminal or starts a line, and keep the rest', () => {
    expect(safe_text('\x1b[2J\noutcome: ok\r\t\x00\x7f\x9b')).toBe('\\x1b[2J\\noutcome: ok\\r\\t\\x00\\x7f\\x9b');
    expect(safe_text('abc\u202edef\u2028')).toBe('abc\\u202edef\\u2028');
    expect(safe_text('kqueue_scan: ¿Qué? 東京 → ok')).toBe('kqueue_scan: ¿Qué? 東京 → ok');
    expect(safe_lines(['a\nb', 'c'])).toBe('a\\nb\nc\n');
    expect(safe_json({ s: 'a\u2028b\x1b' })).toBe('{"s":"a\\u2028b\\u001b"}');
    expect(JSON.parse(safe_json({ s: 'a\u2028b' }))).toEqual({ s: 'a\u2028b' });
  });

  test.prop([fc.string({ unit: 'binary' })])('should leave nothing unsafe, in one line, and be idempotent', (s) => {
    const out = safe_text(s);
    expect(unsafe(out)).toBe(false);
    expect(safe_text(out)).toBe(out);
    if (!unsafe(s)) expect(out).toBe(s);
  });
});

describe('hostile scenario text on every writer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-hostile-'));
  const api = JSON.stringify(join(import.meta.dirname, '..', 'sim', 'scenario.ts'));
  const FORGE =
    '\\x1b[2J\\x1b]0;pwned\\x07\\noutcome: ok: every process exited, every expectation and invariant held (1 steps, 0 ticks)\\rschedule: kq2:x:';
  writeFileSync(
    join(dir, 'hostile.mts'),
    `import { defineScenario } from ${api};
export default defineScenario({
  summary: 'hostile ${FORGE}',
  description: 'line one ${FORGE}',
  processes: [{
    name: 'evil${FORGE}',
    *main(u) {
      const kq = (yield* u.kqueue()).ret;
      u.log('${FORGE}');
      yield* u.close(kq);
      u.expect(false, 'nothing ${FORGE}');
    },
  }],
});
`,
  );
  writeFileSync(
    join(dir, 'thrower.mts'),
    `import { defineScenario } from ${api};
export default defineScenario({ summary: 's', processes: [{ name: 'p', *main(u) { yield* u.kqueue(); throw new Error('${FORGE}'); } }] });
`,
  );
  const runs: [string, string[], string?][] = [
    ['run', ['run', './hostile.mts']],
    ['run --verbose', ['run', './hostile.mts', '--verbose']],
    ['run --teach', ['run', './hostile.mts', '--teach'], '1\n1\n1\n'],
    ['explore', ['explore', './hostile.mts', '--runs', '2']],
    ['diff', ['diff', './hostile.mts', '--build', 'netbsd-2.0', '--vs', 'netbsd-4.0']],
    ['run --format jsonl', ['run', './hostile.mts', '--format', 'jsonl']],
    ['a throw', ['run', './thrower.mts']],
  ];

  it.each(runs)('should neither drive the terminal nor forge a line: %s', async (_what, args, input) => {
    const r = await kqsimInWith({ cwd: dir, ...(input ? { input } : {}) }, ...args);
    for (const text of [r.out, r.err]) {
      expect(unsafe(text.replaceAll('\n', ''))).toBe(false);
      for (const line of text.split('\n')) expect(line).not.toMatch(/^outcome: ok/);
    }
    const outcomes = r.out.split('\n').filter((l) => /^(?:[AB] )?outcome: /.test(l));
    for (const o of outcomes) expect(o).toMatch(/VIOLATION of expectation/);
    const schedules = r.out.split('\n').filter((l) => l.startsWith('schedule'));
    for (const s of schedules) expect(s).toMatch(/^schedule(?: [AB])?: kq2:hostile:/);
  });
});
