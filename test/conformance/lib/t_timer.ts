/*
 * tests/kernel/kqueue/t_timer.c's clock arithmetic: timespecsub on CLOCK_MONOTONIC
 * readings, and the "right second, or the one before with 900 ms of it" slop check.
 */
import { CLOCK_MONOTONIC, type Libc, type Timespec } from '../../../sim/scenario.ts';

type Y = import('../../../src/machine/machine.ts').Yield;

export function* clock(u: Libc, id = CLOCK_MONOTONIC): Generator<Y, Timespec, void> {
  const r = yield* u.clock_gettime(id);
  u.expect(r.ret === 0, 'clock_gettime');
  return r.time;
}

export function timespecsub(a: Timespec, b: Timespec): Timespec {
  const nsec = a.nsec - b.nsec;
  return nsec < 0 ? { sec: a.sec - b.sec - 1, nsec: nsec + 1e9 } : { sec: a.sec - b.sec, nsec };
}

/** ts is `sec` seconds, or just under: sec - 1 and at least 900 ms. */
export function about(ts: Timespec, sec: number): boolean {
  return ts.sec === sec || (ts.sec === sec - 1 && ts.nsec >= 900_000_000);
}
