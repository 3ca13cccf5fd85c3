import { describe, expect, it } from 'vitest';
import type { RunResult } from '../sim/run/runner.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { kqsim } from './helpers/cli.ts';
import { eventsOf, runNamed, verdict } from './helpers/run.ts';

const KCONT_SCENARIOS = ['kcont-defer-softnet', 'kcont-kthread', 'kcont-ipl-order'] as const;
describe('kcont scenarios', () => {
  for (const name of KCONT_SCENARIOS) {
    for (const build of ['netbsd-2.0', 'netbsd-2.0+kcont-knote']) {
      it(`should run ${name} undisturbed on ${build}, i386 and macppc, with everything holding`, async () => {
        expect(verdict(await runNamed(name, { build }))).toBe('done');
        expect(verdict(await runNamed(name, { build, platform: macppc }))).toBe('done');
      });
    }
  }

  it('should run the softnet listener from the softnet soft interrupt on i386 and from the kthread on macppc', async () => {
    const where = async (platform: typeof i386) => {
      const r = await runNamed('kcont-defer-softnet', { build: 'netbsd-2.0+kcont-knote', platform });
      return eventsOf(r, 'kcont-run')
        .filter((e) => e.fn === 'kn_listener_func')
        .map((e) => `${e.ctx} ${e.curipl}`);
    };
    const onI386 = await where(i386);
    expect(onI386.length).toBeGreaterThan(0);
    expect(new Set(onI386)).toEqual(new Set(['intr softnet KC_IPL_DEFER_SOFTNET']));
    expect(new Set(await where(macppc))).toEqual(new Set(['kcont KC_IPL_DEFER_PROCESS']));
  });

  it('should find by exploration a macppc schedule with the kcont-class-order finding that is clean on i386', async () => {
    let hit: { mac: RunResult; x86: RunResult } | undefined;
    for (let seed = 0; seed < 200 && !hit; seed++) {
      const mac = await runNamed('kcont-ipl-order', { build: 'netbsd-2.0+kcont-knote', platform: macppc, seed });
      expect(verdict(mac)).toBe('done');
      if (mac.findings[0]?.invariant !== 'kcont-class-order') continue;
      try {
        const x86 = await runNamed('kcont-ipl-order', { build: 'netbsd-2.0+kcont-knote', platform: i386, schedule: mac.schedule });
        hit = { mac, x86 };
      } catch {
        // Recorded after a macppc-only decision (switching to the kthread): not an i386 schedule.
      }
    }
    expect(hit).toBeDefined();
    const { mac, x86 } = hit as { mac: RunResult; x86: RunResult };
    expect(verdict(x86)).toBe('done');
    expect(x86.findings).toEqual([]);
    const again = await runNamed('kcont-ipl-order', { build: 'netbsd-2.0+kcont-knote', platform: macppc, schedule: mac.schedule });
    expect(again.findings).toEqual(mac.findings);
  });
});

describe('kqsim CLI with kcont builds', () => {
  it('should exit 0 with a findings line on macppc, and without one on i386, for the same kcont-ipl-order schedule', () => {
    const schedule = 'kq2:kcont-ipl-order:0*3.1.0*5.1';
    const mac = kqsim('run', 'kcont-ipl-order', '--build', 'netbsd-2.0+kcont-knote', '--platform', 'macppc', '--schedule', schedule);
    expect(mac.code).toBe(0);
    const tail = mac.out.trimEnd().split('\n').slice(-3);
    expect(tail[0]).toMatch(/^outcome: ok: /);
    expect(tail[1]).toMatch(/^findings: kcont-class-order at step \d+: kc 1 \(KC_IPL_DEFER_SOFTNET\) runs from a deferral drain/);
    expect(tail[2]).toBe(`schedule: ${schedule}`);
    const x86 = kqsim('run', 'kcont-ipl-order', '--build', 'netbsd-2.0+kcont-knote', '--platform', 'i386', '--schedule', schedule);
    expect(x86.code).toBe(0);
    expect(x86.out).not.toMatch(/^findings:/m);
  });

  it('should report the class-order finding from explore and still exit 0', () => {
    const r = kqsim('explore', 'kcont-ipl-order', '--build', 'netbsd-2.0+kcont-knote', '--platform', 'macppc', '--runs', '30');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^30 executions checked .*every expectation and invariant held$/m);
    expect(r.out).toMatch(/^findings: kcont-class-order \(first in execution \d+\): kc \d+ \(KC_IPL_DEFER_SOFTNET\)/m);
    expect(r.out).toMatch(/^ {2}replay it: +npx kqsim replay kcont-ipl-order .* --schedule kq2:kcont-ipl-order:\S*$/m);
  });

  it('should refuse the patch without options KCONT with one line and exit 2', () => {
    const r = kqsim('run', 'pipe-read', '--build', 'netbsd-2.0+kcont-knote/-KCONT');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^kqsim: error: configuration error in build 'netbsd-2.0\+kcont-knote\/-KCONT': patch 'kcont-knote' needs 'options KCONT'/);
  });

  it('should list the kcont builds and mutants, and the kcont invariants', () => {
    const l = JSON.parse(kqsim('list', '--json').out);
    const builds = l.builds.map((b: { name: string; mutant: boolean }) => `${b.name}${b.mutant ? ' (mutant)' : ''}`);
    expect(builds).toEqual(
      expect.arrayContaining(['netbsd-2.0+kcont-knote', 'netbsd-2.0+kcont-knote+mutant-kc-autofree (mutant)', 'netbsd-2.0/KCONT']),
    );
    expect(l.invariants.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['kcont-ipl-no-higher', 'kcont-class-order']));
  });
});
