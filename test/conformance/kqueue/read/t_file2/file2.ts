/*
 * tests/kernel/kqueue/read/t_file2.c, file2: "Checks EVFILT_READ for regular files. This
 * test used to trigger deadlock caused by problem fixed in revision 1.79.2.10 of
 * sys/kern/kern_descrip.c": dup2 over a descriptor that has a knote.
 */
import { defineScenario, EV_ADD, EV_ENABLE, EV_SET, EVFILT_READ, O_CREAT, O_RDONLY, SEEK_END } from '../../../../../sim/scenario.ts';
import { type AtfCase, RL } from '../../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/read/t_file2.c',
  revision: '1.1.2.2 (2009/05/13)',
  testcase: 'file2',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default defineScenario({
  summary: 'read/t_file2.c file2',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const fd1 = RL(u, yield* u.open('afile', O_RDONLY | O_CREAT, 0o644), 'open');
        const fd2 = RL(u, yield* u.open('bfile', O_RDONLY | O_CREAT, 0o644), 'open');
        RL(u, yield* u.lseek(fd1, 0, SEEK_END), 'lseek');
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        RL(u, yield* u.kevent(kq, [EV_SET(fd1, EVFILT_READ, EV_ADD | EV_ENABLE)], 0), 'kevent(EV_ADD)');
        RL(u, yield* u.dup2(fd2, fd1), 'dup2');
      },
    },
  ],
});
