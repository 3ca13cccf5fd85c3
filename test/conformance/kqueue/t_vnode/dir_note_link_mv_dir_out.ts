/*
 * tests/kernel/kqueue/t_vnode.c, dir_note_link_mv_dir_out: "This test case ensures that kevent(2)
 * returns NOTE_LINK for foo if a directory foo/bar is renamed to bar."
 */
import { NOTE_LINK, S_IRWXU } from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern } from '../../lib/atf.ts';
import { dir_inside1, dir_outside, dirCase } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'dir_note_link_mv_dir_out',
  fits: ['netbsd-modern'],
  differs: before_modern(
    'expectation: atf[1]: expected fflags & 0x10 to be set',
    "ufs_rename (1.139.6.1; kqsim's 4.0 shares it) posts NOTE_WRITE on both directories but no NOTE_LINK when a directory changes parent",
  ),
};

export default dirCase({
  summary: 't_vnode.c dir_note_link_mv_dir_out',
  setup: function* (u) {
    yield* u.mkdir(dir_inside1, S_IRWXU);
  },
  action: (u) => u.rename(dir_inside1, dir_outside),
  note: NOTE_LINK,
  set: true,
});
