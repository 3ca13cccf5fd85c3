/*
 * vfs_vnops.c: open, read, write, close and kqfilter on vnodes (the DTYPE_VNODE fileops).
 *
 *   vn_open(k, path, fmode, cmode)   namei, create with O_CREAT (EEXIST with O_EXCL),
 *                  check access, EISDIR for a directory opened for writing, truncate with
 *                  O_TRUNC (through VOP_SETATTR, so NOTE_ATTRIB), open a FIFO (it may wait);
 *                  returns the vnode, its v_usecount taken
 *   vnops          vn_read / vn_write at the file's offset (or pread/pwrite's), moving it;
 *                  vn_closefile; vn_kqfilter (genfs's filters, or fifofs's for a FIFO)
 * Modern (NetBSD 10) also posts NOTE_OPEN after an open, NOTE_READ after a read and, on the
 * last close of a file, NOTE_CLOSE_WRITE if it was open for writing or NOTE_CLOSE if not.
 * Where 10's source posts them was not read (FreeBSD posts them from its VOP post-hooks);
 * t_vnode.c's open_write_read_close and interest cases say what a program sees.
 * A revoked vnode's files belong to deadfs: reads and writes fail with EIO.
 */
import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { EEXIST, EIO, EISDIR, ENOENT, ENOTTY, EOPNOTSUPP } from './errno.ts';
import { NOTE_CLOSE, NOTE_CLOSE_WRITE, NOTE_OPEN, NOTE_READ } from './event_h.ts';
import { fifo_close, fifo_kqfilter, fifo_open, fifo_read, fifo_write } from './fifo_vnops.ts';
import { genfs_kqfilter } from './genfs_vnops.ts';
import type { Knote } from './kern_event.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { FAPPEND, type File, type Fileops, FNONBLOCK, FREAD, FWRITE } from './proc.ts';
import { ufs_access, ufs_makeinode, ufs_read, ufs_setattr, ufs_write, VREAD, VWRITE } from './ufs_vnops.ts';
import { namei } from './vfs_lookup.ts';
import { VN_KNOTE, type Vnode, vnode_of } from './vfs_subr.ts';

/* open(2)'s flags (sys/fcntl.h); FREAD and the other f_flag bits are O_* + 1. */
export const O_RDONLY = 0x0000;
export const O_WRONLY = 0x0001;
export const O_RDWR = 0x0002;
export const O_ACCMODE = 0x0003;
export const O_NONBLOCK = 0x0004;
export const O_APPEND = 0x0008;
export const O_CREAT = 0x0200;
export const O_TRUNC = 0x0400;
export const O_EXCL = 0x0800;

/** FFLAGS: open(2)'s flags as f_flag bits. */
export function FFLAGS(oflags: number): number {
  return (oflags & ~O_ACCMODE) | ((oflags & O_ACCMODE) + 1);
}

/** A process's file creation mask (no umask(2) in kqsim; NetBSD's default). */
export const CMASK = 0o022;

function modern(k: Kernel): boolean {
  return kern_version_at_least(k.build, 'netbsd-modern');
}

export function* vn_open(k: Kernel, path: string, fmode: number, cmode: number): KGen<{ error: number; vp: Vnode | null }> {
  const cred = curlwp(k).l_proc.p_cred;
  const nd = namei(k, path, cred);
  if (typeof nd === 'number') return { error: nd, vp: null };
  let ip = nd.ip;
  let created = false;
  if (fmode & O_CREAT) {
    if (ip && fmode & O_EXCL) return { error: EEXIST, vp: null };
    if (!ip) {
      const error = ufs_access(nd.dip, VWRITE, cred);
      if (error) return { error, vp: null };
      ip = yield* ufs_makeinode(k, nd.dip, nd.name, 'VREG', cmode & ~CMASK, cred);
      created = true;
    }
  }
  if (!ip) return { error: ENOENT, vp: null };
  if (!created) {
    if (ip.i_type === 'VDIR' && fmode & FWRITE) return { error: EISDIR, vp: null };
    const want = (fmode & FREAD ? VREAD : 0) | (fmode & FWRITE ? VWRITE : 0);
    const error = ufs_access(ip, want, cred);
    if (error) return { error, vp: null };
  }
  const vp = vnode_of(k, ip);
  if (fmode & O_TRUNC && fmode & FWRITE && ip.i_type === 'VREG') yield* ufs_setattr(k, ip, { size: 0 }, cred);
  if (vp.v_type === 'VFIFO') {
    const error = yield* fifo_open(k, vp, fmode & (FREAD | FWRITE | FNONBLOCK));
    if (error) return { error, vp: null };
  }
  vp.v_usecount++;
  if (modern(k)) yield* VN_KNOTE(k, vp, NOTE_OPEN);
  return { error: 0, vp };
}

function vnode_of_file(fp: File): Vnode {
  return fp.f_data as Vnode;
}

function* vn_read(k: Kernel, fp: File, nbytes: number, nonblock: boolean, offset: number | null): KGen<{ error: number; data: string }> {
  const vp = vnode_of_file(fp);
  if (vp.v_dead) return { error: EIO, data: '' };
  if (vp.v_type === 'VFIFO') return yield* fifo_read(k, vp, nbytes, nonblock);
  // Reading a directory's blocks is not modelled.
  if (vp.v_type === 'VDIR') return { error: EISDIR, data: '' };
  const data = ufs_read(vp.v_data, offset ?? fp.f_offset, nbytes);
  if (offset === null) fp.f_offset += data.length;
  yield 'vn_read:uiomove';
  if (modern(k)) yield* VN_KNOTE(k, vp, NOTE_READ);
  return { error: 0, data };
}

function* vn_write(k: Kernel, fp: File, data: string, nonblock: boolean, offset: number | null): KGen<{ error: number; written: number }> {
  const vp = vnode_of_file(fp);
  if (vp.v_dead) return { error: EIO, written: 0 };
  if (vp.v_type === 'VFIFO') return yield* fifo_write(k, vp, data, nonblock);
  yield 'vn_write:uiomove';
  // IO_APPEND: O_APPEND writes go to the end, pwrite's included (as ffs_write does).
  const end = yield* ufs_write(k, vp.v_data, offset ?? fp.f_offset, data, (fp.f_flag & FAPPEND) !== 0);
  if (offset === null) fp.f_offset = end;
  return { error: 0, written: data.length };
}

function* vn_closefile(k: Kernel, fp: File): KGen<number> {
  const vp = vnode_of_file(fp);
  vp.v_usecount--;
  if (vp.v_dead) return 0;
  if (vp.v_type === 'VFIFO') yield* fifo_close(k, vp, fp.f_flag & (FREAD | FWRITE));
  if (modern(k)) yield* VN_KNOTE(k, vp, fp.f_flag & FWRITE ? NOTE_CLOSE_WRITE : NOTE_CLOSE);
  return 0;
}

function vn_kqfilter(k: Kernel, fp: File, kn: Knote): number {
  const vp = vnode_of_file(fp);
  // XXX deadfs has no kqfilter: vn_default_error's EOPNOTSUPP.
  if (vp.v_dead) return EOPNOTSUPP;
  return vp.v_type === 'VFIFO' ? fifo_kqfilter(k, vp, kn) : genfs_kqfilter(k, vp, kn);
}

export const vnops: Fileops = {
  fo_read: vn_read,
  fo_write: vn_write,
  fo_kqfilter: vn_kqfilter,
  *fo_ioctl() {
    return ENOTTY;
  },
  fo_close: vn_closefile,
};
