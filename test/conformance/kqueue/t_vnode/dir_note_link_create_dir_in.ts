/*
 * tests/kernel/kqueue/t_vnode.c, dir_note_link_create_dir_in: "This test case ensures that kevent(2)
 * returns NOTE_LINK for foo if a directory foo/bar is created."
 */
import { NOTE_LINK, S_IRWXU } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';
import { dir_inside1, dirCase } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'dir_note_link_create_dir_in',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default dirCase({
  summary: 't_vnode.c dir_note_link_create_dir_in',
  action: (u) => u.mkdir(dir_inside1, S_IRWXU),
  note: NOTE_LINK,
  set: true,
});
