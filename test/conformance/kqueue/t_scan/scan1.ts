/*
 * tests/kernel/kqueue/t_scan.c, scan1: "Exercises multi-threaded kevent() calls (PR
 * kern/50094)": two threads poll one kqueue whose pipe stays readable; every call must
 * return the one event, until each thread has made NKEVENT_CALLS of them.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_scan.c',
  revision: '1.2 (2021/10/10)',
  testcase: 'scan1',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
  note: 'NKEVENT_CALLS is 100, not 10000: on one cpu without kernel preemption the race the test hunts for (another thread meeting a scan marker) cannot happen, and the exploration covers interleavings the count was there to find.',
};

const NKEVENT_CALLS = 100;

export default defineScenario({
  summary: 't_scan.c scan1',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const [p0, p1] = (yield* u.pipe()).fds as [number, number];
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        u.expect((yield* u.kevent(kq, [EV_SET(p0, EVFILT_READ, EV_ADD)], 0)).ret === 0, 'EV_ADD');
        u.expect((yield* u.write(p1, 'p')).ret === 1, 'write');
        const results: number[] = [];
        const lids: number[] = [];
        for (let t = 0; t < 2; t++) {
          const lid = yield* u.lwp_create('kevent_thread', function* (w) {
            let i = 0;
            for (; i < NKEVENT_CALLS; i++) {
              const rv = yield* w.kevent(kq, [], 1, { sec: 0, nsec: 0 });
              if (rv.ret < 0) {
                i = rv.ret;
                break;
              }
              if (rv.ret !== 1) break;
            }
            results.push(i);
          });
          lids.push(lid.ret);
        }
        for (const lid of lids) yield* u.lwp_wait(lid);
        u.expect(results.length === 2 && results.every((r) => r >= 0), 'no errors');
        u.expect(
          results.every((r) => r === NKEVENT_CALLS),
          `both threads to make ${NKEVENT_CALLS} calls (${results.join(', ')})`,
        );
      },
    },
  ],
});
