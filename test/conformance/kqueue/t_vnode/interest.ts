/*
 * tests/kernel/kqueue/t_vnode.c, interest: "This test case exercises the kernel code that
 * computes vnode kevent interest": three knotes on one vnode through three descriptors
 * (dup), the middle one (NOTE_WRITE) removed by closing its descriptor, and the others still
 * told what they asked for.
 */
import {
  defineScenario,
  EV_ADD,
  EV_CLEAR,
  EV_SET,
  EVFILT_VNODE,
  NOTE_CLOSE,
  NOTE_CLOSE_WRITE,
  NOTE_OPEN,
  NOTE_WRITE,
  O_CREAT,
  O_RDWR,
  O_TRUNC,
} from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern, RL } from '../../lib/atf.ts';
import { ts } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'interest',
  fits: ['netbsd-modern'],
  differs: before_modern('expectation: atf[1]: expected NOTE_OPEN after open', '2.0 and 4.0 post no NOTE_OPEN or close notes'),
  note: 'vn_knote_detach and its interest mask are not modelled: every knote on the klist sees every hint, which is what a program can observe.',
};

export default defineScenario({
  summary: 't_vnode.c interest',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        const open_ev_fd = RL(u, yield* u.open('testfile', O_RDWR | O_CREAT | O_TRUNC, 0o600), 'open');
        const write_ev_fd = RL(u, yield* u.dup(open_ev_fd), 'dup');
        const close_ev_fd = RL(u, yield* u.dup(open_ev_fd), 'dup');
        const changes = [
          EV_SET(open_ev_fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_OPEN),
          EV_SET(write_ev_fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_WRITE),
          EV_SET(close_ev_fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_CLOSE | NOTE_CLOSE_WRITE),
        ];
        u.expect((yield* u.kevent(kq, changes, 0)).ret === 0, 'three knotes');
        yield* u.close(write_ev_fd);
        const fd = RL(u, yield* u.open('testfile', O_RDWR), 'open');
        const a = yield* u.kevent(kq, [], 1, ts);
        u.expect(a.ret === 1 && ((a.events[0]?.fflags ?? 0) & NOTE_OPEN) !== 0, 'NOTE_OPEN after open');
        u.expect((yield* u.pwrite(fd, 'testfile\0', 0)).ret === 9, 'pwrite');
        u.expect((yield* u.kevent(kq, [], 1, ts)).ret === 0, 'no event: the NOTE_WRITE knote went with its descriptor');
        yield* u.close(fd);
        const b = yield* u.kevent(kq, [], 1, ts);
        const f = b.events[0]?.fflags ?? 0;
        u.expect(b.ret === 1 && (f & NOTE_CLOSE_WRITE) !== 0 && (f & NOTE_CLOSE) === 0, 'NOTE_CLOSE_WRITE');
      },
    },
  ],
});
