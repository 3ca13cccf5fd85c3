/*
 * vfs_subr.c and sys/vnode.h, as far as kqueue sees them: the vnode, its klist, and revoke.
 *
 *   Vnode                 v_type, v_klist (the knotes of EVFILT_READ/WRITE/VNODE on it),
 *                         v_usecount (open files), v_fifoinfo, and the inode behind it
 *   VN_KNOTE(k, vp, hint) post the vnode's klist, as the vnode operations do where the
 *                         source calls VN_KNOTE (ufs_vnops.ts, vfs_vnops.ts)
 *   vgone(k, vp)          revoke(2)'s end: NOTE_REVOKE to the klist, then the vnode is dead
 *                         (deadfs: I/O through its files fails with EIO) and the inode gets
 *                         a fresh vnode for whoever opens it next
 *   vnode_of(k, ip)       the inode's current vnode (the vnode cache)
 * Vnodes are touched only from process context; VN_KNOTE names the vnode for the
 * exploration's reduction all the same.
 */
import type { KGen } from '../machine/machine.ts';
import { NOTE_REVOKE } from './event_h.ts';
import type { FifoInfo } from './fifo_vnops.ts';
import { type Knote, knote } from './kern_event.ts';
import type { Kernel } from './kernel.ts';
import type { WaitChannel } from './proc.ts';
import type { Inode } from './ufs_vnops.ts';

export type VType = 'VREG' | 'VDIR' | 'VFIFO';

/* Vnode numbers, per kernel (runs share nothing): they name vnodes in the trace. */
const VNODE_SERIAL = new WeakMap<Kernel, number>();

export class Vnode implements WaitChannel {
  /** The knotes on this vnode (SLIST, newest first). */
  v_klist: Knote[] = [];
  /** Open files on the vnode (vn_open takes one, the last close of a file drops it). */
  v_usecount = 0;
  /** fifofs's state while the FIFO is open (fifo_open makes it, the last fifo_close frees it). */
  v_fifoinfo: FifoInfo | null = null;
  /** Revoked: the vnode belongs to deadfs now and its inode has moved to a new vnode. */
  v_dead = false;
  readonly chanName: string;

  constructor(
    readonly v_serial: number,
    readonly v_data: Inode,
  ) {
    this.chanName = `vnode ${v_serial}`;
  }

  get v_type(): VType {
    return this.v_data.i_type;
  }

  /** The file's size, as genfs's filters read it. */
  get v_size(): number {
    return this.v_data.i_size;
  }
}

/** The inode's vnode, made on first use (vcache_get). */
export function vnode_of(k: Kernel, ip: Inode): Vnode {
  if (!ip.i_vnode) {
    const serial = VNODE_SERIAL.get(k) ?? 1;
    VNODE_SERIAL.set(k, serial + 1);
    ip.i_vnode = new Vnode(serial, ip);
  }
  return ip.i_vnode;
}

/* KNOTE(&vp->v_klist, hint): the filters read the hint (genfs_vnops.ts). */
export function* VN_KNOTE(k: Kernel, vp: Vnode, hint: number): KGen {
  k.m.touch('chan', vp.chanName);
  yield* knote(k, vp.v_klist, hint);
}

/* vgone -> vclean: the knotes hear NOTE_REVOKE; the vnode is dead from here on. */
export function* vgone(k: Kernel, vp: Vnode): KGen {
  yield* VN_KNOTE(k, vp, NOTE_REVOKE);
  vp.v_dead = true;
  if (vp.v_data.i_vnode === vp) vp.v_data.i_vnode = null;
}
