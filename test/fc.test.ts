/*
 * The fast-check integration as a user would use it: schedules as an arbitrary, a property
 * over runs, fast-check's shrinking down to the interleaving that matters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failure_of, run_choices, scheduleArbitrary } from '../sim/explore/fc.ts';
import { schedule_choices } from '../sim/explore/replay.ts';
import { run_scenario } from '../sim/run/runner.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';

describe('scheduleArbitrary', () => {
  it('should let a property hold on every sampled interleaving of a clean build', async () => {
    const base = { scenario: await scenario_load('nic-softnet'), build: build_parse('netbsd-2.0'), platform: i386 };
    fc.assert(
      fc.property(scheduleArbitrary(), (choices) => failure_of(run_choices(base, choices).outcome) === 'done'),
      { seed: 42, numRuns: 200 },
    );
  });

  it('should find the lost wakeup and shrink it to one interrupt at the window', async () => {
    const base = { scenario: await scenario_load('nic-softnet'), build: build_parse('netbsd-2.0+mutant-lost-wakeup'), platform: i386 };
    const out = fc.check(
      fc.property(scheduleArbitrary(), (choices) => failure_of(run_choices(base, choices).outcome) === 'done'),
      { seed: 42, numRuns: 2000 },
    );
    expect(out.failed).toBe(true);
    const choices = out.counterexample?.[0] ?? [];
    const r = run_choices(base, choices);
    expect(failure_of(r.outcome)).toBe('no-lost-wakeup');
    expect(schedule_choices(r.schedule).filter((c) => c !== 0)).toHaveLength(1);
    // The recorded schedule replays the run exactly.
    expect(run_scenario({ ...base, schedule: r.schedule }).events).toEqual(r.events);
  });

  it('should generate only option indices within its bounds', () => {
    fc.assert(
      fc.property(scheduleArbitrary({ maxChoices: 8, maxIndex: 2 }), (choices) => choices.length <= 8 && choices.every((c) => c >= 0 && c <= 2)),
    );
  });
});
