import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectInputErrors, kqsim } from './helpers/cli.ts';

describe('kqsim CLI', () => {
  it('should list builds, platforms, scenarios and invariants', () => {
    const r = kqsim('list', '--json');
    expect(r.code).toBe(0);
    const l = JSON.parse(r.out);
    expect(l.builds.map((b: { name: string }) => b.name)).toContain('netbsd-2.0+mutant-lost-wakeup');
    expect(l.platforms.map((p: { name: string }) => p.name)).toEqual(['i386', 'macppc', 'macppc-softintr']);
    expect(l.scenarios.map((s: { name: string }) => s.name)).toContain('nic-softnet');
    expect(l.invariants.map((i: { name: string }) => i.name)).toContain('no-lost-wakeup');
  });

  // Each run starts a worker thread of its own (the watchdog's isolation): slow on a busy machine.
  it('should run a scenario, end with its schedule, and replay it byte for byte', () => {
    const a = kqsim('run', 'pipe-read', '--seed', '11');
    expect(a.code).toBe(0);
    const last = a.out.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^schedule: kq2:pipe-read:/);
    const again = kqsim('run', 'pipe-read', '--seed', '11');
    expect(again.out).toBe(a.out);
    const replay = kqsim('replay', 'pipe-read', '--schedule', last.slice('schedule: '.length), '--format', 'jsonl');
    const seeded = kqsim('run', 'pipe-read', '--seed', '11', '--format', 'jsonl');
    const body = (s: string) => s.split('\n').slice(1).join('\n');
    expect(body(replay.out)).toBe(body(seeded.out));
  }, 180_000);

  it('should write parseable JSON lines to --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kqsim-'));
    const file = join(dir, 't.jsonl');
    const r = kqsim('run', 'timer', '--format', 'jsonl', '--out', file);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].kind).toBe('header');
    expect(lines.at(-1).kind).toBe('result');
  });

  it('should exit 1 with the violation and a replayable schedule on a broken build', () => {
    const r = kqsim('run', 'pipe-read', '--build', 'netbsd-2.0+mutant-double-enqueue');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/outcome: VIOLATION of knote-queued-once at step \d+/);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^schedule: /);
  });

  it('should reject bad input with one line on stderr and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kqsim-'));
    // A scenario outside the repo is an ES module: .mts (or .ts under a "type": "module" package).
    const loops = join(dir, 'loops.mts');
    writeFileSync(
      loops,
      `import { defineScenario } from ${JSON.stringify(join(import.meta.dirname, '..', 'sim', 'scenario.ts'))};
export default defineScenario({ summary: 'spins', processes: [{ name: 'spin', *main(u) { for (;;) yield* u.kqueue(); } }] });\n`,
    );
    const cases: [string[], RegExp][] = [
      [['run', 'no-such'], /unknown scenario 'no-such': valid scenarios are .*pipe-read/],
      [['run', 'pipe-read', '--build', 'netbsd-9'], /unknown build 'netbsd-9': valid builds are netbsd-2.0/],
      [['run', 'pipe-read', '--platform', 'vax'], /unknown platform 'vax': valid platforms are i386, macppc/],
      [['run', 'pipe-read', '--schedule', 'kq2:timer:1'], /schedule is for scenario 'timer', not 'pipe-read'/],
      [['run', 'pipe-read', '--schedule', 'kq2:pipe-read:9'], /schedule choice 1 is 9 but step \d+ .* has only \d options/],
      [['run', 'pipe-read', '--seed', '-3'], /error: .*/],
      [['run', loops], /did not finish: step budget of \d+ steps exceeded/],
      [['run', 'pipe-read', '--format', 'xml'], /argument 'xml' is invalid/],
    ];
    expectInputErrors(cases);
  }, 180_000);
});
