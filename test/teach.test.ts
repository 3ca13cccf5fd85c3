import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { teach_points } from '../sim/view/teach.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { kqsim, kqsimWith } from './helpers/cli.ts';
import { FOUNDATION_SCENARIOS, runNamed } from './helpers/run.ts';

describe('teach_points', () => {
  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(i386, macppc)], { numRuns: 30 })(
    'should ask about every interesting event, with distinct options and the true one among them',
    async (name, seed, platform) => {
      const r = await runNamed(name, { seed, platform });
      const points = teach_points(r.events, platform);
      const interesting = r.events.flatMap((e, i) =>
        e.kind === 'intr' || e.kind === 'sleep' || e.kind === 'wakeup' || e.kind === 'softintr' || (e.kind === 'knote' && e.op === 'activate')
          ? [i]
          : [],
      );
      expect(points.map((p) => p.index)).toEqual(interesting);
      for (const p of points) {
        expect(new Set(p.options).size).toBe(p.options.length);
        expect(p.answer).toBeGreaterThanOrEqual(0);
        expect(p.answer).toBeLessThan(p.options.length);
        expect(p.explain.length).toBeGreaterThan(20);
      }
    },
  );

  it('should explain a deferred soft interrupt by the level that masks it', async () => {
    const r = await runNamed('nic-softnet');
    const soft = teach_points(r.events, i386).find((p) => r.events[p.index]?.kind === 'softintr');
    expect(soft?.options[soft.answer]).toBe('intr net schedules the softnet soft interrupt to run later');
    expect(soft?.explain).toMatch(/^The cpl is net, and IPL_NET masks IPL_SOFTNET, so the softnet soft interrupt cannot run here/);
  });
});

describe('kqsim run --teach', () => {
  it('should read answers from a pipe, score them, and reveal the rest at end of input', async () => {
    const r = await runNamed('nic-softnet');
    const points = teach_points(r.events, i386);
    expect(points.length).toBeGreaterThan(3);
    // Right, wrong, an empty line (just reveal), then end of input at the fourth question.
    const right = (points[0]?.answer ?? 0) + 1;
    const wrong = (((points[1]?.answer ?? 0) + 1) % (points[1]?.options.length ?? 1)) + 1;
    const out = kqsimWith({ input: `${right}\n${wrong}\n\n` }, 'run', 'nic-softnet', '--teach');
    expect(out.code).toBe(0);
    expect(out.err).toBe('');
    expect(out.out.match(/^\? /gm)).toHaveLength(4);
    expect(out.out).toContain(`  -> right: ${points[0]?.options[points[0].answer]}`);
    expect(out.out).toContain(`  -> not quite: ${points[1]?.options[points[1].answer]}`);
    expect(out.out).toContain(`  -> answer: ${points[2]?.options[points[2].answer]}`);
    expect(out.out).toContain('(end of input: the rest is revealed without asking)');
    // Every point is revealed with its reason, asked or not.
    expect(out.out.match(/^ {5}why: /gm)).toHaveLength(points.length);
    expect(out.out).toMatch(/^you predicted 1 of 3 step\(s\) right$/m);
    expect(out.out.trimEnd().split('\n').at(-1)).toBe(`schedule: ${r.schedule}`);
  });

  it('should reveal everything after the first question when stdin is empty', () => {
    const out = kqsim('run', 'timer', '--teach');
    expect(out.code).toBe(0);
    // The first question finds the end of input; nothing more is asked, nothing is scored.
    expect(out.out.match(/^\? /gm)).toHaveLength(1);
    expect(out.out).toContain('(end of input: the rest is revealed without asking)');
    expect(out.out.match(/^ {5}why: /gm)?.length).toBeGreaterThan(1);
    expect(out.out).not.toMatch(/^you predicted/m);
  });

  it('should refuse --teach with another format, as bad input', () => {
    const out = kqsim('run', 'timer', '--teach', '--format', 'jsonl');
    expect(out.code).toBe(2);
    expect(out.err).toMatch(/^kqsim: error: --teach cannot be used with --format jsonl: teaching mode is a dialogue on the terminal/);
  });
});
