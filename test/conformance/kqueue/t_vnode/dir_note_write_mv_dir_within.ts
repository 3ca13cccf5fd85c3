/*
 * tests/kernel/kqueue/t_vnode.c, dir_note_write_mv_dir_within: "This test case ensures that kevent(2)
 * returns NOTE_WRITE for foo if a directory foo/bar is renamed to foo/baz."
 */
import { NOTE_WRITE, S_IRWXU } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';
import { dir_inside1, dir_inside2, dirCase } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'dir_note_write_mv_dir_within',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default dirCase({
  summary: 't_vnode.c dir_note_write_mv_dir_within',
  setup: function* (u) {
    yield* u.mkdir(dir_inside1, S_IRWXU);
  },
  action: (u) => u.rename(dir_inside1, dir_inside2),
  note: NOTE_WRITE,
  set: true,
});
