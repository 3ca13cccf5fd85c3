import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { align } from '../sim/compare/align.ts';
import { diff_builds, diff_decision_lines, diff_text } from '../sim/compare/diff.ts';
import { MeaningChooser } from '../sim/run/meaning_chooser.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';
import { expectInputErrors, kqsim } from './helpers/cli.ts';
import { FOUNDATION_SCENARIOS, runNamed } from './helpers/run.ts';

/** Length of a longest common subsequence, by dynamic programming (the oracle). */
function lcs(a: readonly string[], b: readonly string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = dp[i] as number[];
      const up = dp[i - 1] as number[];
      row[j] = a[i - 1] === b[j - 1] ? (up[j - 1] as number) + 1 : Math.max(up[j] as number, row[j - 1] as number);
    }
  return (dp[a.length] as number[])[b.length] as number;
}

describe('align', () => {
  const seq = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });

  test.prop([seq, seq])('should keep both sequences in order and pair only equal keys, as many as a longest common subsequence', (a, b) => {
    const rows = align(a, b);
    expect(rows.filter((r) => r.a !== undefined).map((r) => r.a)).toEqual(a.map((_, i) => i));
    expect(rows.filter((r) => r.b !== undefined).map((r) => r.b)).toEqual(b.map((_, i) => i));
    const pairs = rows.filter((r) => r.a !== undefined && r.b !== undefined);
    for (const r of pairs) expect(a[r.a as number]).toBe(b[r.b as number]);
    expect(pairs).toHaveLength(lcs(a, b));
  });

  it('should pair what is left in order once the edit bound is reached', () => {
    const rows = align(['a', 'b', 'c'], ['x', 'y'], 1);
    expect(rows).toEqual([{ a: 0, b: 0 }, { a: 1, b: 1 }, { a: 2 }]);
  });
});

describe('MeaningChooser', () => {
  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 25 })(
    'should replay a seeded run on the same build exactly, decision for decision',
    async (name, seed) => {
      const a = await runNamed(name, { seed });
      const chooser = MeaningChooser.from(a.events);
      const b = await runNamed(name, { chooser });
      expect(b.schedule).toBe(a.schedule);
      const account = chooser.account();
      expect([account.noOption, account.unreached, account.ownPoints]).toEqual([0, 0, 0]);
      expect(account.taken).toBe(a.events.filter((e) => e.kind === 'choice').length);
    },
  );

  it('should take an option by its label even when it sits at another index', () => {
    const c = MeaningChooser.from([
      { seq: 0, step: 0, tick: 0, ctx: 'idle', ipl: 'none', kind: 'choice', at: 'idle', options: ['run a[1]', 'run b[2]'], chosen: 1 },
    ]);
    const pick = c.choose({
      step: 0,
      at: 'idle',
      options: [
        { kind: 'run', label: 'run c[3]', tid: 3 },
        { kind: 'run', label: 'run b[2]', tid: 2 },
        { kind: 'run', label: 'run a[1]', tid: 1 },
      ],
    });
    expect(pick).toBe(1);
    // A point the recording never saw takes the default.
    expect(
      c.choose({
        step: 1,
        at: 'patched:new-point',
        options: [
          { kind: 'continue', label: 'continue a[1]', ctx: 'thread:1' },
          { kind: 'switch', label: 'switch to b[2]', tid: 2 },
        ],
      }),
    ).toBe(0);
    expect(c.account()).toMatchObject({ taken: 1, noOption: 0, unreached: 0, ownPoints: 1 });
  });

  it('should count a decision whose option is missing, and one whose point is never reached, and name them', () => {
    const choice = (step: number, at: string, options: string[], chosen: number) =>
      ({ seq: step, step, tick: 0, ctx: 'idle', ipl: 'none', kind: 'choice', at, options, chosen }) as const;
    const c = MeaningChooser.from([choice(0, 'idle', ['run a[1]', 'run b[2]'], 1), choice(3, 'removed:point', ['continue', 'nic0 packet'], 1)]);
    expect(
      c.choose({
        step: 0,
        at: 'idle',
        options: [
          { kind: 'run', label: 'run a[1]', tid: 1 },
          { kind: 'run', label: 'run c[3]', tid: 3 },
        ],
      }),
    ).toBe(0);
    const account = c.account();
    expect(account).toMatchObject({ taken: 0, noOption: 1, unreached: 1, ownPoints: 0 });
    expect(account.decisions.map((d) => [d.n, d.at, d.visit, d.label, d.fate])).toEqual([
      [1, 'idle', 1, 'run b[2]', 'no-option'],
      [2, 'removed:point', 1, 'nic0 packet', 'unreached'],
    ]);
    expect(diff_decision_lines(account)).toEqual([
      "decisions: B took 0 of A's 2 by meaning; 2 it could not (1 offered without A's option, 1 never reached); B had 0 point(s) of its own (default taken)",
      `  A's decision 1 (step 0, idle, visit 1): "run b[2]": B was there but had no such option, and took its default`,
      `  A's decision 2 (step 3, removed:point, visit 1): "nic0 packet": B never reached this point`,
    ]);
  });
});

describe('diff_builds', () => {
  test.prop([fc.constantFrom(...FOUNDATION_SCENARIOS), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 20 })(
    'should find a build the same as itself on any scenario and seed',
    async (name, seed) => {
      const b = build_parse('netbsd-2.0');
      const d = diff_builds({ scenario: await scenario_load(name), a: b, b, platform: i386, seed });
      expect(d.divergence).toBeNull();
      expect(d.visible).toEqual([]);
    },
  );

  test.prop([fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 25 })(
    'should map decisions by meaning across a build with an extra preemption point (mutant-lost-wakeup adds one)',
    async (seed) => {
      const d = diff_builds({
        scenario: await scenario_load('nic-softnet'),
        a: build_parse('netbsd-2.0'),
        b: build_parse('netbsd-2.0+mutant-lost-wakeup'),
        platform: i386,
        seed,
      });
      // Every decision A took exists in B by meaning; the new point takes the default, where
      // the mutant is harmless, so the user sees the same.
      expect(d.decisions).toMatchObject({ noOption: 0, unreached: 0, taken: d.a.events.filter((e) => e.kind === 'choice').length });
      expect(d.visible).toEqual([]);
    },
  );

  it('should report the lost wakeup when the mutant is the reference and the packet lands at its extra point', async () => {
    const d = diff_builds({
      scenario: await scenario_load('nic-softnet'),
      a: build_parse('netbsd-2.0+mutant-lost-wakeup'),
      b: build_parse('netbsd-2.0'),
      platform: i386,
      schedule: 'kq2:nic-softnet:0*10.1',
    });
    expect(d.a.outcome.kind).toBe('violation');
    expect(d.b.outcome.kind).toBe('done');
    expect(d.visible.at(-1)).toMatch(/^outcome: A violation: no-lost-wakeup: .*; B ok$/);
    // The packet A took at the mutant's extra point has no counterpart in B: counted and named
    // (A's later visit there, a default, is unreached too: the clock could tick there).
    expect(d.decisions).toMatchObject({ noOption: 0 });
    const unreached = d.decisions?.decisions.filter((x) => x.fate !== 'taken') ?? [];
    expect(unreached.map((x) => x.at)).toEqual(['kqueue_scan:count-tested', 'kqueue_scan:count-tested']);
    expect(unreached.filter((x) => !x.default)).toHaveLength(1);
    const lost = unreached.find((x) => !x.default);
    expect(lost).toMatchObject({ default: false, label: expect.stringMatching(/^nic0 packet for port 7/) });
    expect(diff_text(d)).toContain(
      `A's decision ${lost?.n} (step ${lost?.step}, ${lost?.at}, visit 1): "${lost?.label}": B never reached this point`,
    );
  });

  test.prop([fc.constantFrom('nic-softnet', 'pipe-read', 'signal-eintr'), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 20 })(
    "should give every one of A's decisions exactly one fate, on builds with different preemption points",
    async (name, seed) => {
      const d = diff_builds({
        scenario: await scenario_load(name),
        a: build_parse('netbsd-2.0+mutant-lost-wakeup'),
        b: build_parse('netbsd-2.0'),
        platform: i386,
        seed,
      });
      const acct = d.decisions;
      expect(acct?.decisions).toHaveLength(d.a.events.filter((e) => e.kind === 'choice').length);
      expect((acct?.taken ?? 0) + (acct?.noOption ?? 0) + (acct?.unreached ?? 0)).toBe(acct?.decisions.length);
      // B's own decisions are the ones it took by meaning plus its own points: nothing is unaccounted for.
      expect((acct?.taken ?? 0) + (acct?.noOption ?? 0) + (acct?.ownPoints ?? 0)).toBe(d.b.events.filter((e) => e.kind === 'choice').length);
    },
  );

  it('should show where a mutant diverges and what the user sees differently', async () => {
    const d = diff_builds({
      scenario: await scenario_load('oneshot-clear-disable'),
      a: build_parse('netbsd-2.0'),
      b: build_parse('netbsd-2.0+mutant-oneshot-requeue'),
      platform: i386,
    });
    expect(d.divergence).not.toBeNull();
    const row = d.rows[d.divergence as number];
    // The patched scan does not drop the delivered oneshot knote.
    const ev = row?.a !== undefined ? d.aEvents[row.a] : undefined;
    expect(ev?.kind === 'knote' && ev.op === 'drop' && ev.flags.includes('EV_ONESHOT')).toBe(true);
    expect(d.visible.length).toBeGreaterThan(0);
    const text = diff_text(d);
    expect(text).toMatch(/^first divergence: A event \d+ at step \d+/m);
    expect(text).toMatch(/^A- .* drop on kq 1 .*EV_ONESHOT delivered$/m);
    expect(text).toMatch(/^user-visible results: \d+ difference\(s\)$/m);
  });
});

describe('kqsim diff', () => {
  it('should exit 0 when the user-visible results are the same', () => {
    const r = kqsim('diff', 'pipe-read', '--build', 'netbsd-2.0', '--vs', 'netbsd-2.0', '--seed', '5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^user-visible results: the same$/m);
  });

  it('should exit 1 with the divergence when they differ, and give both schedules', () => {
    const r = kqsim('diff', 'oneshot-clear-disable', '--build', 'netbsd-2.0', '--vs', 'netbsd-2.0+mutant-oneshot-requeue', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.same).toBe(false);
    expect(j.divergence.a.line).toMatch(/drop on kq 1 .*EV_ONESHOT delivered$/);
    expect(j.divergence.b).toBeNull();
    expect(j.b.outcome.kind).toBe('violation');
    expect(j.a.schedule).toMatch(/^kq2:oneshot-clear-disable:/);
  });

  it('should reject bad input with one line on stderr and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['diff', 'pipe-read', '--build', 'netbsd-2.0', '--vs', 'netbsd-9'], /unknown build 'netbsd-9'/],
      [['diff', 'pipe-read', '--build', 'netbsd-2.0'], /required option '--vs <build>' not specified/],
      [
        ['diff', 'pipe-read', '--build', 'netbsd-2.0', '--vs', 'netbsd-2.0', '--seed', '1', '--schedule', 'kq2:pipe-read:'],
        /--seed 1 cannot be used with --schedule kq2:pipe-read:: A takes its decisions from a seed or from a schedule, not both/,
      ],
      [['diff', 'pipe-read', '--build', 'netbsd-2.0', '--vs', 'netbsd-2.0', '--schedule', 'kq2:timer:'], /schedule is for scenario 'timer'/],
    ];
    expectInputErrors(cases);
  });
});
