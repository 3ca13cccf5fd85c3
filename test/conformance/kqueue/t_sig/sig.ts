/*
 * tests/kernel/kqueue/t_sig.c, sig: "Checks EVFILT_SIGNAL": the filter's number comes from
 * KFILTER_BYNAME; SIGUSR1 is ignored; a child sends it five times, two seconds apart; the
 * parent, polling with a one-second timeout, must see five events.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, SIGUSR1 } from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_sig.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'sig',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

const NSIGNALS = 5;

export default defineScenario({
  summary: 't_sig.c sig',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const pid = (yield* u.getpid()).ret;
        const child = RL(
          u,
          yield* u.fork('child', function* (c) {
            yield* c.sleep(2);
            for (let i = 0; i < NSIGNALS; ++i) {
              yield* c.kill(pid, SIGUSR1);
              yield* c.sleep(2);
            }
            return 0;
          }),
          'fork',
        );
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const km = { name: 'EVFILT_SIGNAL', len: 32, filter: -1 };
        RL(u, yield* u.ioctl(kq, 'KFILTER_BYNAME', km), 'KFILTER_BYNAME');
        u.log(`got ${km.filter} as filter number for '${km.name}'.`);
        yield* u.sigaction(SIGUSR1, 'ignore');
        RL(u, yield* u.kevent(kq, [EV_SET(SIGUSR1, km.filter, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        yield* u.sleep(1);
        for (let num = 0; num < NSIGNALS; ) {
          const then = (yield* u.gettimeofday()).time;
          const n = RL(u, yield* u.kevent(kq, [], 1, { sec: 1, nsec: 0 }), 'kevent');
          const now = (yield* u.gettimeofday()).time;
          u.log(`sig: kevent returned ${n} in ${now.sec - then.sec + (now.nsec - then.nsec) / 1e9}`);
          num += n;
        }
        yield* u.waitpid(child);
      },
    },
  ],
});
