import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Prng } from '../sim/run/choosers.ts';
import { schedule_decode, schedule_encode } from '../sim/run/schedule.ts';

describe('schedule strings', () => {
  test.prop([fc.array(fc.nat({ max: 12 }), { maxLength: 200 })])('should decode what they encode, up to trailing defaults', (choices) => {
    const text = schedule_encode('pipe-read', choices);
    const decoded = schedule_decode(text);
    expect(decoded.scenario).toBe('pipe-read');
    let end = choices.length;
    while (end > 0 && choices[end - 1] === 0) end--;
    expect(decoded.choices).toEqual(choices.slice(0, end));
  });

  it('should compress runs', () => {
    expect(schedule_encode('x', [0, 0, 0, 1, 0, 0, 2, 2, 0, 0])).toBe('kq2:x:0*3.1.0*2.2*2');
    expect(schedule_encode('x', [])).toBe('kq2:x:');
  });

  it('should name what is wrong with a malformed schedule', () => {
    expect(() => schedule_decode('nonsense')).toThrowErrorMatchingInlineSnapshot(
      `[ScheduleError: malformed schedule 'nonsense': expected kq2:<scenario>:<choices>]`,
    );
    expect(() => schedule_decode('kq9:x:1')).toThrowErrorMatchingInlineSnapshot(
      `[ScheduleError: schedule version 'kq9' is not supported (this kqsim reads kq2)]`,
    );
    expect(() => schedule_decode('kq1:nic-softnet:0*10.1')).toThrowErrorMatchingInlineSnapshot(
      `[ScheduleError: a kq1 schedule cannot be replayed: recorded before interrupts could nest inside handlers and the clock could tick while the cpu is busy, so its option indices now name other options; record it again with this kqsim (it reads kq2)]`,
    );
    expect(() => schedule_decode('kq2:x:1.a.2')).toThrowErrorMatchingInlineSnapshot(
      `[ScheduleError: malformed schedule: token 2 'a' is not <index> or <index>*<count> (an index from 0 to 9999, optionally *<count> with a count from 1 to 9999999)]`,
    );
  });

  it('should state the bounds it enforces', () => {
    expect(() => schedule_decode('kq2:x:10000')).toThrowErrorMatchingInlineSnapshot(
      `[ScheduleError: malformed schedule: token 1 '10000' is out of bounds (an index from 0 to 9999, optionally *<count> with a count from 1 to 9999999)]`,
    );
    expect(() => schedule_decode('kq2:x:1*0')).toThrow(/token 1 '1\*0' is out of bounds .*a count from 1 to 9999999/);
    expect(() => schedule_decode('kq2:x:1*9999999.0*9999999')).toThrowErrorMatchingInlineSnapshot(
      `[ScheduleError: malformed schedule: it holds more than 10000000 choices, the most a schedule may]`,
    );
    expect(schedule_decode('kq2:x:9999*2').choices).toEqual([9999, 9999]);
  });
});

describe('Prng', () => {
  test.prop([fc.nat(), fc.integer({ min: 1, max: 50 })])('should stay in range and repeat for the same seed', (seed, n) => {
    const a = new Prng(seed);
    const b = new Prng(seed);
    for (let i = 0; i < 20; i++) {
      const x = a.below(n);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(n);
      expect(b.below(n)).toBe(x);
    }
  });
});
