/*
 * tests/kernel/kqueue/t_ioctl.c, kfilter_byfilter: KFILTER_BYFILTER maps filters 0..6 to
 * names, and fails for 7.
 */
import { defineScenario } from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_ioctl.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'kfilter_byfilter',
  fits: ['netbsd-2.0', 'netbsd-4.0'],
  differs: {
    'netbsd-modern': {
      verdict: 'expectation: atf[1]: expected KFILTER_BYFILTER of filter 7 to fail',
      why: 'filter 7 is EVFILT_FS in the modern table (this 2009 revision of the test predates it)',
    },
  },
};

export default defineScenario({
  summary: 't_ioctl.c kfilter_byfilter',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const km = { name: '', len: 32 - 1, filter: 0 };
        for (let i = 0; i < 7; ++i) {
          km.filter = i;
          RL(u, yield* u.ioctl(kq, 'KFILTER_BYFILTER', km), `KFILTER_BYFILTER ${i}`);
          u.log(`  map ${km.filter} -> ${km.name}`);
        }
        km.filter = 7;
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYFILTER', km)).ret === -1, 'KFILTER_BYFILTER of filter 7 to fail');
      },
    },
  ],
});
