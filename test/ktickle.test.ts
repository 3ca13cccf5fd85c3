/*
 * ktickle on netbsd-4.0: the builds, the scenarios on both versions, and the three ktickle
 * invariants each shown failing (v1 for tickle-eintr-only-when-idle, a mutant build for
 * no-lost-tickle and tickle-not-sticky). The v1 race is found by searching seeds on a
 * scenario that does not script it; `kqsim explore` will do the same search once merged.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../sim/run/runner.ts';
import { scenario_load } from '../sim/scenario.ts';
import { jsonl_run } from '../sim/view/jsonl.ts';
import { narrate_run } from '../sim/view/narrate.ts';
import { BUILDS, BuildError, build_parse, kern_version_at_least } from '../src/builds.ts';
import { macppc } from '../src/machine/platform.ts';
import { eventsOf, run, verdict } from './helpers/run.ts';

const race = await scenario_load('ktickle-race');
const idle = await scenario_load('ktickle-idle');

/** The first seed in [0, limit) whose run is not clean, with that run. */
function first_failing(build: string, limit: number): { seed: number; r: RunResult } | undefined {
  for (let seed = 0; seed < limit; seed++) {
    const r = run(race, { build, seed });
    if (r.outcome.kind !== 'done') return { seed, r };
  }
  return undefined;
}

describe('ktickle builds', () => {
  it('should list v1, v2 and the mutants with the patch they need', () => {
    expect(BUILDS).toEqual(
      expect.arrayContaining([
        'netbsd-4.0',
        'netbsd-4.0+ktickle-v1',
        'netbsd-4.0+ktickle-v2',
        'netbsd-4.0+ktickle-v2+mutant-tickle-no-wakeup',
        'netbsd-4.0+ktickle-v2+mutant-tickle-sticky',
        'netbsd-modern',
      ]),
    );
    expect(kern_version_at_least(build_parse('netbsd-4.0+ktickle-v2'), 'netbsd-4.0')).toBe(true);
    expect(kern_version_at_least(build_parse('netbsd-4.0'), 'netbsd-modern')).toBe(false);
  });

  it('should refuse builds that do not make sense, naming why', () => {
    expect(() => build_parse('netbsd-4.0+ktickle-v1+ktickle-v2')).toThrow(BuildError);
    expect(() => build_parse('netbsd-4.0+mutant-tickle-sticky')).toThrow(
      /is written against 'ktickle-v2': use netbsd-4.0\+ktickle-v2\+mutant-tickle-sticky/,
    );
    expect(() => build_parse('netbsd-2.0+ktickle-v2')).toThrow(/does not apply to netbsd-2.0/);
  });

  test.prop([fc.constantFrom('netbsd-4.0+ktickle-v1', 'netbsd-4.0+ktickle-v2'), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 60 })(
    'should wake an idle server with EINTR and not stick, on every interleaving (ktickle-idle)',
    (build, seed) => {
      expect(verdict(run(idle, { build, seed }))).toBe('done');
    },
  );

  it('should wake the sleeping server, return the tickle as EINTR and consume it', () => {
    const r = run(idle, { build: 'netbsd-4.0+ktickle-v2' });
    expect(verdict(r)).toBe('done');
    const ops = eventsOf(r, 'ktickle').map((e) => e.op);
    expect(ops.slice(ops.indexOf('tickle'))).toEqual(['tickle', 'eintr', 'clear', 'return', 'return']);
    expect(eventsOf(r, 'wakeup').map((e) => e.reason)).toContain('wakeup(kq 1)');
  });
});

describe('tickle-eintr-only-when-idle', () => {
  it('should find the v1 bug by searching seeds on ktickle-race, and replay it from its schedule', () => {
    const found = first_failing('netbsd-4.0+ktickle-v1', 100);
    expect(found).toBeDefined();
    const { r } = found as { r: RunResult };
    expect(verdict(r)).toMatch(/^tickle-eintr-only-when-idle: kq 1: kevent returns a tickle as EINTR although [1-9]\d* real event\(s\) are queued$/);
    const again = run(race, { build: 'netbsd-4.0+ktickle-v1', schedule: r.schedule });
    expect(JSON.stringify(again.events)).toBe(JSON.stringify(r.events));
    const text = narrate_run(again, race.description);
    expect(text).toMatch(/ktickle eintr on kq 1 \(kq_count [1-9]\d*\): v1 tests KQ_TICKLED before kq_count/);
    expect(text).toMatch(/VIOLATION of tickle-eintr-only-when-idle/);
  });

  it('should need the race: the undisturbed v1 run is clean', () => {
    expect(verdict(run(race, { build: 'netbsd-4.0+ktickle-v1' }))).toBe('done');
  });

  it('should hold for v2 on the seeds that break v1, where only its spl0 kq_lock can fail', () => {
    for (let seed = 0; seed < 100; seed++) {
      expect(verdict(run(race, { build: 'netbsd-4.0+ktickle-v2', seed }))).toMatch(/^(done|simple-lock-spl: .*)$/);
      expect(verdict(run(race, { build: 'netbsd-4.0+ktickle-v2-splsched', seed }))).toBe('done');
    }
  });

  test.prop([fc.integer({ min: 0, max: 0xffffffff }), fc.boolean()], { numRuns: 60 })(
    'should hold for v2 with splsched around its lock on pseudo-random interleavings, on both platforms',
    (seed, ppc) => {
      expect(verdict(run(race, { build: 'netbsd-4.0+ktickle-v2-splsched', seed, ...(ppc ? { platform: macppc } : {}) }))).toBe('done');
    },
  );

  test.prop([fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 20 })('should replay a seeded run byte for byte from its schedule', (seed) => {
    const first = run(race, { build: 'netbsd-4.0+ktickle-v1', seed });
    const again = run(race, { build: 'netbsd-4.0+ktickle-v1', schedule: first.schedule });
    expect(jsonl_run(again)).toBe(jsonl_run(first).replace(`seed ${seed}`, `replay ${first.schedule}`));
  });
});

describe('no-lost-tickle', () => {
  it('should report a tickle that sets the flag without waking the sleeper', () => {
    const r = run(idle, { build: 'netbsd-4.0+ktickle-v2+mutant-tickle-no-wakeup' });
    expect(verdict(r)).toMatch(/^no-lost-tickle: server\[1\] sleeps in kevent on tickled kq 1 and the cpu is idle$/);
  });
});

describe('tickle-not-sticky', () => {
  it('should report a tickle left set by the return that consumed it', () => {
    const r = run(idle, { build: 'netbsd-4.0+ktickle-v2+mutant-tickle-sticky' });
    expect(verdict(r)).toMatch(/^tickle-not-sticky: kq 1: kevent returns \(error 4\) with KQ_TICKLED still set/);
  });
});
