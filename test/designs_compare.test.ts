import { describe, expect, it } from 'vitest';
import { designs_measure } from '../sim/compare/designs.ts';
import { kqsim } from './helpers/cli.ts';
import { runNamed } from './helpers/run.ts';

const BUILDS = ['netbsd-2.0', 'linux-kevent', 'dillon-2000'] as const;

describe('designs-compare', () => {
  it('should run the one workload on every design and measure it from the trace', async () => {
    const m = await Promise.all(BUILDS.map(async (build) => designs_measure(await runNamed('designs-compare', { build }))));
    expect(m.map((x) => x?.design)).toEqual(['kqueue', 'linux-kevent', 'dillon-2000']);
    for (const x of m) {
      expect(x?.lost).toBe(0);
      expect(x?.wakeups).toBeGreaterThan(0);
    }
    const [kq, lk, dl] = m;
    // Registration: three struct kevents (28 bytes on i386), three ukevents (40), nothing for Dillon.
    expect(kq?.bytes_in).toBe(3 * 28);
    expect(lk?.bytes_in).toBe(3 * 40);
    expect(dl?.bytes_in).toBe(0);
    // Delivery: a whole struct per event, or a long and a pointer.
    expect(kq?.bytes_out).toBe(28 * (kq?.events ?? 0));
    expect(lk?.bytes_out).toBe(40 * (lk?.events ?? 0));
    expect(dl?.bytes_out).toBe(8 * (dl?.events ?? 0));
  });

  it('should print all three designs side by side, and the same numbers with --json', () => {
    const args = ['compare', 'designs-compare', '--builds', BUILDS.join(','), '--runs', '3'];
    const text = kqsim(...args);
    expect(text.code).toBe(0);
    for (const b of BUILDS) expect(text.out).toMatch(new RegExp(`^${b} `, 'm'));
    const json = kqsim(...args, '--json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.out) as { builds: { build: string; design: string; syscalls: { median: number }; lost: { max: number } }[] };
    expect(parsed.builds.map((b) => b.design)).toEqual(['kqueue', 'linux-kevent', 'dillon-2000']);
    for (const b of parsed.builds) {
      expect(text.out).toMatch(new RegExp(`^${b.build} +${b.design} +${b.syscalls.median} \\(`, 'm'));
      expect(b.lost.max).toBe(0);
    }
  });

  it('should run a design scenario without --build, and refuse another design in one line (exit 2)', () => {
    expect(kqsim('run', 'linux-kevent-basic', '--json').code).toBe(0);
    const r = kqsim('explore', 'dillon-basic', '--build', 'linux-kevent', '--runs', '1');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/scenario 'dillon-basic' uses the dillon-2000 API .*build 'linux-kevent' has the linux-kevent API/);
  });
});
