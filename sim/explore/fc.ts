/*
 * fast-check integration: schedules as a fast-check arbitrary, so a user's own property
 * tests explore interleavings and get fast-check's seed/path replay and shrinking.
 *
 *   scheduleArbitrary({ maxChoices, maxIndex })   fc.Arbitrary<number[]>: choice lists,
 *                                                 mostly defaults, shrinking towards "no
 *                                                 disturbance" (fewer and earlier choices)
 *   run_choices(spec, choices)                    run a scenario driven by a choice list
 *                                                 (lenient: values wrap to fit each point);
 *                                                 the result's `schedule` replays it exactly
 *
 * Usage, in a vitest test:
 *   const spec = { scenario: await scenario_load('nic-softnet'), build: build_parse('netbsd-2.0'), platform: i386 };
 *   fc.assert(fc.property(scheduleArbitrary(), (choices) => run_choices(spec, choices).outcome.kind === 'done'));
 */
import fc from 'fast-check';

export { failure_of, run_choices } from './replay.ts';

export interface ScheduleArbitraryOptions {
  /** The longest choice list generated (later points take the default). Default 64. */
  readonly maxChoices?: number;
  /** The largest option index generated; larger than a point's options wraps around. Default 3. */
  readonly maxIndex?: number;
}

export function scheduleArbitrary(opts: ScheduleArbitraryOptions = {}): fc.Arbitrary<number[]> {
  const maxIndex = opts.maxIndex ?? 3;
  // Mostly the default, so a disturbance lands somewhere specific rather than everywhere.
  const choice = fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: maxIndex }) });
  // size 'max': lists as long as maxChoices are as likely as short ones (fast-check's default
  // would keep them near ten choices, never reaching a later window).
  return fc.array(choice, { maxLength: opts.maxChoices ?? 64, size: 'max' });
}
