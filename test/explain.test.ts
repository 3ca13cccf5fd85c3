/*
 * Why a run failed: the racing pair of a failing schedule, checked by replay with the
 * interrupt moved past the pair; `kqsim explain`; and what `kqsim explore` adds to every
 * search (the pair with each counterexample, coverage, what a clean search proves).
 */

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { found_probability } from '../sim/explore/confidence.ts';
import { explore } from '../sim/explore/explorer.ts';
import { scheduleArbitrary } from '../sim/explore/fc.ts';
import { INDEXED_CHUNK } from '../sim/explore/indexed.ts';
import { find_race } from '../sim/explore/race.ts';
import { run_choices, schedule_choices } from '../sim/explore/replay.ts';
import { run_scenario } from '../sim/run/runner.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';
import { expectInputErrors, kqsim } from './helpers/cli.ts';

const MUTANT = 'netbsd-2.0+mutant-lost-wakeup';
const LOST = 'kq2:nic-softnet:0*10.1';
const spec = { scenario: await scenario_load('nic-softnet'), build: build_parse(MUTANT), platform: i386 };

describe('find_race', () => {
  it('should name the activation in softnet and the sleep it raced with, on the kqueue', () => {
    const { race } = find_race(spec, LOST);
    expect(race).toMatchObject({
      object: 'kq 1 (sleep channel)',
      decision: { label: 'nic0 packet for port 7 (5 bytes)', at: 'kqueue_scan:count-tested', context: 'server[1]' },
      moved: 'after',
      passesWhenSwapped: true,
      swappedOutcome: 'done',
    });
    // softnet's step up to KNOTE_ACTIVATE's window already touches the kqueue (the knote's).
    expect(race?.first).toMatchObject({
      context: 'intr softnet',
      ipl: 'softnet',
      to: 'KNOTE_ACTIVATE:enqueue',
      functions: ['ipintr', 'KNOTE_ACTIVATE'],
    });
    expect(race?.first.did).toContain('knote 1 (ident 0, EVFILT_READ) activate on kq 1 [ACTIVE]: event became true');
    expect(race?.second).toMatchObject({ context: 'server[1]', ipl: 'none', from: 'kqueue_scan:count-tested', to: 'ltsleep' });
    expect(race?.summary).toBe(
      'moving "nic0 packet for port 7 (5 bytes)" from kqueue_scan:count-tested to just after server[1]\'s next step (kqueue_scan:count-tested -> ltsleep) makes the run pass',
    );
  });

  it('should say why there is no pair for a passing run or a failure that needs no interrupt', async () => {
    expect(find_race(spec, 'kq2:nic-softnet:')).toEqual({ race: null, why: 'the run passes: there is no failure to explain' });
    const leak = { scenario: await scenario_load('signal-eintr'), build: build_parse('netbsd-2.0+kcont-knote+mutant-kc-leak'), platform: i386 };
    expect(find_race(leak, 'kq2:signal-eintr:')).toMatchObject({
      race: null,
      why: expect.stringMatching(/^the run fails without any interrupt or preemption taken by choice/),
    });
  });

  test.prop([scheduleArbitrary({ maxChoices: 24 })], { numRuns: 40 })(
    'should only confirm a pair whose swapped schedule really passes, with the pair in the order the run took it',
    (choices) => {
      const r = run_choices(spec, choices);
      const { race } = find_race(spec, r.schedule);
      if (r.outcome.kind === 'done') expect(race).toBeNull();
      if (!race) return;
      expect(race.first.step).toBeLessThanOrEqual(race.second.step);
      const swapped = run_scenario({ ...spec, schedule: race.swappedSchedule });
      expect(swapped.outcome.kind === 'done').toBe(race.passesWhenSwapped);
      // The swapped run keeps the failing run's disturbances: it moves one, it drops none.
      expect(schedule_choices(race.swappedSchedule).filter((c) => c !== 0).length).toBeLessThanOrEqual(
        schedule_choices(r.schedule).filter((c) => c !== 0).length,
      );
    },
  );
});

describe('kqsim explain', () => {
  it('should print the failure, the racing pair and the replay that passes, and exit 1', () => {
    const r = kqsim('explain', 'nic-softnet', '--build', MUTANT, '--schedule', LOST);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[1]).toBe(
      'the run fails: no-lost-wakeup at step 19: server[1] sleeps in kevent on kq 1 although 1 event(s) are queued, and the cpu is idle',
    );
    expect(lines[2]).toBe('the racing pair, on kq 1 (sleep channel):');
    expect(r.out).toMatch(
      /^ {2}first: {2}intr softnet @softnet, step \d+: from ipintr:splx to KNOTE_ACTIVATE:enqueue \(in ipintr, KNOTE_ACTIVATE\)$/m,
    );
    expect(r.out).toMatch(/^ {2}second: server\[1\] @none, step \d+: from kqueue_scan:count-tested to ltsleep \(in kqueue_scan, ltsleep\)$/m);
    expect(r.out).toMatch(/^checked by replay: moving "nic0 packet for port 7 \(5 bytes\)" .* makes the run pass$/m);
  });

  it('should carry the race in --json', () => {
    const r = kqsim('explain', 'nic-softnet', '--build', MUTANT, '--schedule', LOST, '--json');
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      scenario: 'nic-softnet',
      outcome: 'no-lost-wakeup',
      schedule: LOST,
      race: { passesWhenSwapped: true, object: 'kq 1 (sleep channel)' },
    });
    expect(Object.keys(j.race)).toEqual(expect.arrayContaining(['first', 'second', 'object', 'passesWhenSwapped']));
  });

  it('should exit 0 on a schedule that passes, and 2 on one from elsewhere', () => {
    const r = kqsim('explain', 'nic-softnet', '--schedule', 'kq2:nic-softnet:');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^the run passes: every expectation and invariant held; there is no failure to explain$/m);
    expectInputErrors([
      // More choices than the clean run has points (the mutant's schedule fits it now: the
      // clock may tick where the mutant's packet came).
      [['explain', 'nic-softnet', '--schedule', 'kq2:nic-softnet:0*60.1'], /^kqsim: error: schedule has \d+ choice\(s\) left after the run ended/],
      [
        ['explain', 'nic-softnet', '--build', MUTANT, '--schedule', 'kq2:pipe-read:1'],
        /^kqsim: error: schedule is for scenario 'pipe-read', not 'nic-softnet'/,
      ],
    ]);
  });
});

describe('kqsim explore, what it adds', () => {
  it('should carry the racing pair and the coverage lists in --json', () => {
    const j = JSON.parse(kqsim('explore', 'nic-softnet', '--build', MUTANT, '--strategy', 'exhaustive', '--json').out);
    expect(j.violations[0].race).toMatchObject({ passesWhenSwapped: true, object: 'kq 1 (sleep channel)' });
    // The search took the packet at the window, and the clock's tick at many points.
    expect(j.coverage.exercised).toContainEqual({ point: 'kqueue_scan:count-tested', source: 'nic0' });
    expect(j.coverage.exercised.filter((x: { source: string }) => x.source !== 'clock')).toEqual([
      { point: 'kqueue_scan:count-tested', source: 'nic0' },
    ]);
    expect(j.coverage.reachable).toContainEqual({ point: 'user:kevent', source: 'nic0' });
    expect(j.coverage.neverInterrupted).toContain('user:kevent');
    expect(j.confidence).toBeNull();
  });

  it('should say what a clean PCT search proves', () => {
    const r = kqsim('explore', 'nic-softnet', '--strategy', 'pct', '--runs', '200');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^what it proves: PCT at depth 3: n = 3 agents \(1 thread, 2 devices\), k = \d+ choice points in the longest run: one run finds a given bug of depth 3 with probability at least 1\/\(3\*\d+\^2\) = [\d.]+, and [\d,]+ runs reach 99%; this search of 200 runs would have found any one such bug with probability at least [\d.]+%; \d+ distinct traces in 200 runs/m,
    );
  });

  it('should carry PCT figures measured from the search', async () => {
    const clean = { ...spec, build: build_parse('netbsd-2.0'), strategy: 'pct' as const, runs: 100, pctDepth: 2 };
    const r = await explore(clean);
    const claim = r.confidence;
    expect(claim?.pct).toMatchObject({ n: 3, k: r.collected.coverage.choicePointsMax, depth: 2 });
    expect(claim?.pct?.perRun).toBe(1 / (3 * r.collected.coverage.choicePointsMax));
    expect(claim?.pct?.found).toBe(found_probability(claim?.pct?.perRun ?? 0, 100));
  });

  it('should state a complete exhaustive search in words', () => {
    const r = kqsim('explore', 'two-sources', '--strategy', 'exhaustive', '--max-preemptions', '1');
    expect(r.out).toMatch(
      /^what it proves: complete within its bounds: \d+ runs covered every interleaving of the scenario's device arrivals \(nic0 x2\) and at most 1 clock tick while the cpu is busy, with at most 1 non-default choice \(interrupts or preemptions\) per run/m,
    );
  });

  it('should stop a random search once no new trace came for the window, and say so', () => {
    const r = kqsim('explore', 'nic-softnet', '--until-saturated', '50', '--json');
    const j = JSON.parse(r.out);
    expect(j.saturated).toBe(true);
    expect(j.confidence.saturation).toMatchObject({ window: 50, saturated: true });
    // Checked where each chunk of the unsplit order ends (sim/explore/chunk.ts).
    expect(j.executions % INDEXED_CHUNK).toBe(0);
    expect(j.executions - j.confidence.saturation.lastNewTrace).toBeGreaterThanOrEqual(50);
    expect(j.executions - j.confidence.saturation.lastNewTrace).toBeLessThan(50 + INDEXED_CHUNK);
    expectInputErrors([
      [['explore', 'nic-softnet', '--strategy', 'exhaustive', '--until-saturated'], /^kqsim: error: --until-saturated is for random and pct/],
    ]);
  });

  it('should write the page of the shrunk run with the coverage map of its search', () => {
    const file = join(tmpdir(), `kqsim-coverage-${process.pid}.html`);
    try {
      kqsim('explore', 'nic-softnet', '--build', MUTANT, '--strategy', 'exhaustive', '--html', file);
      const html = readFileSync(file, 'utf8');
      const data = JSON.parse(/<script id="kqsim-data" type="application\/json">(.*)<\/script>/.exec(html)?.[1] ?? '{}');
      expect(data.sides[0].schedule).toBe(LOST);
      expect(data.coverage.title).toBe('coverage of the exhaustive search (6 runs)');
      expect(data.coverage.pairs).toContainEqual(
        expect.objectContaining({ point: 'kqueue_scan:count-tested', source: 'nic0', taken: 1, exercised: true }),
      );
    } finally {
      rmSync(file, { force: true });
    }
  });
});
