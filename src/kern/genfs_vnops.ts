/*
 * genfs_vnops.c: the kqueue filters of a file system's vnodes (genfs_kqfilter), read for
 * 2.0 at 1.101 (2005; unchanged since the 2002 kqueue merge) and for the modern build in
 * the 2020s text:
 *
 *   EVFILT_READ   filt_genfsread: data is the file's size less the descriptor's offset,
 *                 true when that is not 0 (so negative after a truncate below the offset,
 *                 as the source computes it); NOTE_REVOKE gives EV_EOF|EV_ONESHOT
 *   EVFILT_VNODE  filt_genfsvnode: each hint the knote asked for (kn_sfflags) accumulates
 *                 in fflags; true while fflags is not 0; NOTE_REVOKE gives EV_EOF
 *   EVFILT_WRITE  modern only (filt_genfswrite): always true with data 0; NOTE_REVOKE gives
 *                 EV_EOF|EV_ONESHOT. 2.0 has no write filter for vnodes (1)
 * The knote hangs on the vnode's klist (kn_hook), where VN_KNOTE posts it.
 */
import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { EV_EOF, EV_ONESHOT, EVFILT_READ, EVFILT_VNODE, EVFILT_WRITE, NOTE_REVOKE } from './event_h.ts';
import { type Filterops, type Knote, kqfilter_unsupported } from './kern_event.ts';
import type { Kernel } from './kernel.ts';
import type { File } from './proc.ts';
import type { Vnode } from './vfs_subr.ts';

function filt_genfsdetach(_k: Kernel, kn: Knote): void {
  const vp = kn.kn_hook as Vnode;
  const i = vp.v_klist.indexOf(kn);
  if (i >= 0) vp.v_klist.splice(i, 1);
}

function* filt_genfsread(_k: Kernel, kn: Knote, hint: number): KGen<boolean> {
  const vp = kn.kn_hook as Vnode;
  // The file system is gone: EOF, and the knote goes once it has been read.
  if (hint === NOTE_REVOKE) {
    kn.kn_kevent.flags |= EV_EOF | EV_ONESHOT;
    return true;
  }
  kn.kn_kevent.data = vp.v_size - (kn.kn_fp as File).f_offset;
  return kn.kn_kevent.data !== 0;
}

function* filt_genfswrite(_k: Kernel, kn: Knote, hint: number): KGen<boolean> {
  if (hint === NOTE_REVOKE) {
    kn.kn_kevent.flags |= EV_EOF | EV_ONESHOT;
    return true;
  }
  kn.kn_kevent.data = 0;
  return true;
}

function* filt_genfsvnode(_k: Kernel, kn: Knote, hint: number): KGen<boolean> {
  if (kn.kn_sfflags & hint) kn.kn_kevent.fflags |= hint;
  if (hint === NOTE_REVOKE) {
    kn.kn_kevent.flags |= EV_EOF;
    return true;
  }
  return kn.kn_kevent.fflags !== 0;
}

const genfsread_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_genfsdetach, f_event: filt_genfsread };
const genfswrite_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_genfsdetach, f_event: filt_genfswrite };
const genfsvnode_filtops: Filterops = { f_isfd: true, f_attach: () => 0, f_detach: filt_genfsdetach, f_event: filt_genfsvnode };

export function genfs_kqfilter(k: Kernel, vp: Vnode, kn: Knote): number {
  switch (kn.kn_kevent.filter) {
    case EVFILT_READ:
      kn.kn_fop = genfsread_filtops;
      break;
    case EVFILT_WRITE:
      if (!kern_version_at_least(k.build, 'netbsd-modern')) return kqfilter_unsupported(k);
      kn.kn_fop = genfswrite_filtops;
      break;
    case EVFILT_VNODE:
      kn.kn_fop = genfsvnode_filtops;
      break;
    default:
      return kqfilter_unsupported(k);
  }
  kn.kn_hook = vp;
  vp.v_klist.unshift(kn);
  return 0;
}
