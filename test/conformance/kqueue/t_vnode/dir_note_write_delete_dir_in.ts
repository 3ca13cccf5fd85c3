/*
 * tests/kernel/kqueue/t_vnode.c, dir_note_write_delete_dir_in: "This test case ensures that kevent(2)
 * returns NOTE_WRITE for foo if a directory foo/bar is deleted."
 */
import { NOTE_WRITE, S_IRWXU } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';
import { dir_inside1, dirCase } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'dir_note_write_delete_dir_in',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default dirCase({
  summary: 't_vnode.c dir_note_write_delete_dir_in',
  setup: function* (u) {
    yield* u.mkdir(dir_inside1, S_IRWXU);
  },
  action: (u) => u.rmdir(dir_inside1),
  note: NOTE_WRITE,
  set: true,
});
