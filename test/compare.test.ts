import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compare_summary, wakeup_measure } from '../sim/compare/compare.ts';
import { scenario_load } from '../sim/scenario.ts';
import { macppc } from '../src/machine/platform.ts';
import { kqsim } from './helpers/cli.ts';
import { run, verdict } from './helpers/run.ts';

const CASES = [
  { scenario: 'wakeup-pipe', build: 'netbsd-4.0', mechanism: 'pipe' },
  { scenario: 'wakeup-evfilt-user', build: 'netbsd-modern', mechanism: 'user' },
  { scenario: 'wakeup-compare', build: 'netbsd-2.0', mechanism: 'pipe' },
  { scenario: 'wakeup-compare', build: 'netbsd-4.0+ktickle-v2-splsched', mechanism: 'ktickle' },
  { scenario: 'wakeup-compare', build: 'netbsd-modern', mechanism: 'user' },
] as const;

const loaded = new Map(await Promise.all(CASES.map(async (c) => [c.scenario, await scenario_load(c.scenario)] as const)));

describe('wake-up scenarios', () => {
  test.prop([fc.constantFrom(...CASES), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean()], { numRuns: 80 })(
    'should hold on every build they are for, on pseudo-random interleavings and both platforms',
    (c, seed, ppc) => {
      const r = run(loaded.get(c.scenario) as never, { build: c.build, seed, ...(ppc ? { platform: macppc } : {}) });
      expect(verdict(r)).toBe('done');
      expect(wakeup_measure(r)?.mechanism).toBe(c.mechanism);
    },
  );
});

describe('wakeup_measure', () => {
  test.prop([fc.constantFrom(...CASES), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 60 })(
    'should measure what each mechanism moves: bytes, how it shows up, and what precedes it',
    (c, seed) => {
      const m = wakeup_measure(run(loaded.get(c.scenario) as never, { build: c.build, seed }));
      expect(m).not.toBeNull();
      if (!m) return;
      const KEVENT_I386 = 28;
      // The pipe carries the 4-byte message twice (write, read) plus the returned kevent;
      // EVFILT_USER copies one kevent in (the trigger) and one out; a tickle copies nothing.
      if (m.mechanism === 'pipe') expect(m.bytes).toBe(2 * 'stop'.length + KEVENT_I386);
      if (m.mechanism === 'user') expect(m.bytes).toBe(2 * KEVENT_I386);
      if (m.mechanism === 'ktickle') expect(m.bytes).toBe(0);
      expect(m.observed_via).toEqual(m.mechanism === 'ktickle' ? expect.stringMatching(/^(EINTR|mailbox)$/) : 'event');
      // A tickle is never queued behind real events: it is seen on the next return or lost in it.
      if (m.mechanism === 'ktickle') expect(m.delayed_calls).toBe(0);
      expect(m.latency_steps).toBeGreaterThan(0);
      expect(m.syscalls).toBeGreaterThanOrEqual(1);
    },
  );

  it('should find some pipe wake-ups delayed behind datagrams and some tickles consumed unseen', () => {
    const pipe = loaded.get('wakeup-pipe');
    const tickle = loaded.get('wakeup-compare');
    const pipeRuns = Array.from({ length: 30 }, (_, seed) => wakeup_measure(run(pipe as never, { build: 'netbsd-4.0', seed })));
    const tickleRuns = Array.from({ length: 30 }, (_, seed) =>
      wakeup_measure(run(tickle as never, { build: 'netbsd-4.0+ktickle-v2-splsched', seed })),
    );
    const s = compare_summary({ build: 'netbsd-4.0', runs: 30, failed: 0, measured: pipeRuns.filter((m) => m !== null) });
    expect(s.delayed_runs).toBeGreaterThan(0);
    expect(tickleRuns.some((m) => m?.observed_via === 'mailbox')).toBe(true);
    expect(tickleRuns.some((m) => m?.observed_via === 'EINTR')).toBe(true);
  });
});

describe('kqsim compare', () => {
  it('should print one row per build with the mechanism each one got', () => {
    const r = kqsim('compare', 'wakeup-compare', '--builds', 'netbsd-4.0+ktickle-v2-splsched,netbsd-4.0,netbsd-modern', '--runs', '4');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => l.startsWith('netbsd-'));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['netbsd-4.0+ktickle-v2-splsched', 'ktickle'],
      ['netbsd-4.0', 'pipe'],
      ['netbsd-modern', 'user'],
    ]);
    const json = JSON.parse(kqsim('compare', 'wakeup-compare', '--builds', 'netbsd-modern', '--runs', '3', '--json').out);
    expect(json.builds[0]).toMatchObject({ build: 'netbsd-modern', mechanism: 'user', runs: 3, measured: 3, failed: 0 });
  });

  it('should exit 1 with a replayable schedule when a build breaks an invariant', () => {
    const r = kqsim('compare', 'wakeup-compare', '--builds', 'netbsd-4.0+ktickle-v1', '--runs', '10');
    expect(r.code).toBe(1);
    const replay = /replay: kqsim replay (\S+) --build (\S+) --platform (\S+) --schedule (\S+)/.exec(r.out);
    expect(replay).not.toBeNull();
    const again = kqsim('replay', 'wakeup-compare', '--build', 'netbsd-4.0+ktickle-v1', '--schedule', (replay as RegExpExecArray)[4] as string);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/VIOLATION of tickle-eintr-only-when-idle/);
  });

  it('should refuse bad input with one line and exit 2', () => {
    for (const args of [
      ['compare', 'wakeup-compare', '--builds', 'netbsd-9'],
      ['compare', 'wakeup-compare', '--builds', 'netbsd-4.0,'],
      ['compare', 'wakeup-compare', '--builds', 'netbsd-4.0', '--runs', 'x'],
      ['compare', 'pipe-read', '--builds', 'netbsd-4.0', '--runs', '1'],
    ]) {
      const r = kqsim(...args);
      expect(r.code).toBe(2);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^kqsim: error: /);
    }
  });
});
