/*
 * tests/kernel/kqueue/t_ioctl.c, kfilter_byname: KFILTER_BYNAME maps the seven system
 * filter names to numbers, and fails for a name nobody registered.
 */
import { defineScenario } from '../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_ioctl.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'kfilter_byname',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

const tests = ['EVFILT_READ', 'EVFILT_WRITE', 'EVFILT_AIO', 'EVFILT_VNODE', 'EVFILT_PROC', 'EVFILT_SIGNAL', 'EVFILT_TIMER'];

export default defineScenario({
  summary: 't_ioctl.c kfilter_byname',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const km = { name: '', len: 32, filter: -1 };
        for (const t of tests) {
          km.name = t;
          RL(u, yield* u.ioctl(kq, 'KFILTER_BYNAME', km), `KFILTER_BYNAME ${t}`);
          u.log(`  map ${km.name} -> ${km.filter}`);
        }
        km.name = 'NOTREG_FILTER';
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYNAME', km)).ret === -1, 'KFILTER_BYNAME of NOTREG_FILTER to fail');
      },
    },
  ],
});
