/*
 * tests/kernel/kqueue/t_vnode.c, dir_note_write_create_file_in: "This test case ensures that kevent(2)
 * returns NOTE_WRITE for foo if a file foo/baz is created."
 */
import { NOTE_WRITE } from '../../../../sim/scenario.ts';
import type { AtfCase } from '../../lib/atf.ts';
import { create_file, dirCase, file_inside1 } from '../../lib/t_vnode.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_vnode.c',
  revision: 'commit 82441ab18a19 (no $NetBSD$ tag)',
  testcase: 'dir_note_write_create_file_in',
  fits: ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'],
};

export default dirCase({
  summary: 't_vnode.c dir_note_write_create_file_in',
  action: function* (u) {
    yield* create_file(u, file_inside1);
    return { ret: 0 };
  },
  note: NOTE_WRITE,
  set: true,
});
