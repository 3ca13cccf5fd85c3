/*
 * tests/kernel/kqueue/t_vnode.c, dir_no_note_link_mv_file_within: "This test case ensures that kevent(2)
 * does not return NOTE_LINK for foo if a file foo/baz is renamed to foo/qux."
 */
import { NOTE_LINK } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';
import { create_file, dirCase, file_inside1, file_inside2 } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'dir_no_note_link_mv_file_within',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default dirCase({
  summary: 't_vnode.c dir_no_note_link_mv_file_within',
  setup: function* (u) {
    yield* create_file(u, file_inside1);
  },
  action: (u) => u.rename(file_inside1, file_inside2),
  note: NOTE_LINK,
  set: false,
});
