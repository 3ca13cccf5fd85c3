/*
 * ufs_vnops.c and ufs_readwrite.c, reduced to an in-memory file system: inodes, directories
 * and the vnode operations, each posting the vnode klists where ufs_vnops.c 1.139.6.1 (the
 * netbsd-3 text, read for 2.0) calls VN_KNOTE:
 *
 *   ufs_makeinode   create, mknod (a FIFO)   NOTE_WRITE on the directory
 *   ufs_mkdir                                NOTE_WRITE | NOTE_LINK on the parent
 *   ufs_remove      unlink                   NOTE_DELETE on the file, NOTE_WRITE on the
 *                   directory; posted even when the remove fails (a directory: EPERM)
 *   ufs_link                                 NOTE_LINK on the file, NOTE_WRITE on the
 *                   directory; posted on the way out, error or not
 *   ufs_rmdir                                NOTE_WRITE | NOTE_LINK on the parent, NOTE_DELETE
 *                   on the directory
 *   ufs_rename      NOTE_WRITE on the source directory first ("XXX right place?"), then
 *                   NOTE_WRITE on the target directory (NOTE_DELETE on a replaced target),
 *                   NOTE_RENAME on the file moved. Modern: a directory moved to a new parent
 *                   also posts NOTE_LINK on both parents (as t_vnode.c expects; the 2012
 *                   rename rewrite was not read)
 *   ufs_setattr     chmod, truncate          NOTE_ATTRIB
 *   ufs_write                                NOTE_WRITE, with NOTE_EXTEND if the file grew
 *   ufs_read, ufs_access, ufs_root(k)        no knotes
 * Credentials are the effective uid; groups are not modelled (a non-owner gets the "other"
 * bits). A directory's size is one DIRBLKSIZ block, whatever it holds.
 */

import { kern_version_at_least } from '../builds.ts';
import type { KGen } from '../machine/machine.ts';
import { EACCES, EINVAL, EISDIR, ENOTDIR, ENOTEMPTY, EPERM } from './errno.ts';
import { NOTE_ATTRIB, NOTE_DELETE, NOTE_EXTEND, NOTE_LINK, NOTE_RENAME, NOTE_WRITE } from './event_h.ts';
import type { Kernel } from './kernel.ts';
import type { Cred } from './proc.ts';
import { VN_KNOTE, type Vnode, type VType, vnode_of } from './vfs_subr.ts';

/** A directory block: what stat reports as a directory's size. */
export const DIRBLKSIZ = 512;

/* sys/stat.h permission bits. */
export const S_IRWXU = 0o700;
export const S_IRUSR = 0o400;
export const S_IWUSR = 0o200;
export const S_IXUSR = 0o100;
export const S_IRWXG = 0o070;
export const S_IRGRP = 0o040;
export const S_IWGRP = 0o020;
export const S_IXGRP = 0o010;
export const S_IRWXO = 0o007;
export const S_IROTH = 0o004;
export const S_IWOTH = 0o002;
export const S_IXOTH = 0o001;

/* access(2) modes VOP_ACCESS checks (sys/vnode.h VREAD, VWRITE, VEXEC as mode bits). */
export const VREAD = 0o4;
export const VWRITE = 0o2;
export const VEXEC = 0o1;

export class Inode {
  i_nlink: number;
  /** A regular file's bytes. */
  i_data = '';
  /** A directory's entries ("." and ".." are implicit). */
  readonly i_entries = new Map<string, Inode>();
  /** A directory's parent (the root is its own). */
  i_parent: Inode;
  /** The vnode the inode has now (vfs_subr.ts vnode_of); replaced when revoked. */
  i_vnode: Vnode | null = null;

  constructor(
    readonly i_number: number,
    readonly i_type: VType,
    public i_mode: number,
    readonly i_uid: number,
    parent: Inode | null,
  ) {
    this.i_nlink = i_type === 'VDIR' ? 2 : 1;
    this.i_parent = parent ?? this;
  }

  get i_size(): number {
    if (this.i_type === 'VDIR') return DIRBLKSIZ;
    return this.i_type === 'VREG' ? this.i_data.length : 0;
  }
}

interface UfsMount {
  root: Inode;
  next_ino: number;
}

/* One file system per kernel, made on first use. */
const MOUNTS = new WeakMap<Kernel, UfsMount>();

function ufs_mount(k: Kernel): UfsMount {
  let ump = MOUNTS.get(k);
  if (!ump) {
    // ROOTINO is 2; the root directory belongs to root and is world-writable, like /tmp.
    ump = { root: new Inode(2, 'VDIR', 0o1777, 0, null), next_ino: 3 };
    MOUNTS.set(k, ump);
  }
  return ump;
}

export function ufs_root(k: Kernel): Inode {
  return ufs_mount(k).root;
}

/* VOP_ACCESS: EACCES unless the mode bits grant `mode` to the effective uid; root passes. */
export function ufs_access(ip: Inode, mode: number, cred: Cred): number {
  if (cred.euid === 0) return 0;
  const bits = cred.euid === ip.i_uid ? (ip.i_mode >> 6) & 7 : ip.i_mode & 7;
  return (bits & mode) === mode ? 0 : EACCES;
}

/** Whether `dir` is `ip` or lies below it (ufs_checkpath). */
function ufs_below(dir: Inode, ip: Inode): boolean {
  for (let d = dir; ; d = d.i_parent) {
    if (d === ip) return true;
    if (d.i_parent === d) return false;
  }
}

/* ufs_makeinode: a new file or FIFO in dip, named `name`. */
export function* ufs_makeinode(k: Kernel, dip: Inode, name: string, type: 'VREG' | 'VFIFO', mode: number, cred: Cred): KGen<Inode> {
  const ump = ufs_mount(k);
  const ip = new Inode(ump.next_ino++, type, mode & 0o7777, cred.euid, null);
  dip.i_entries.set(name, ip);
  yield* VN_KNOTE(k, vnode_of(k, dip), NOTE_WRITE);
  return ip;
}

export function* ufs_mkdir(k: Kernel, dip: Inode, name: string, mode: number, cred: Cred): KGen<Inode> {
  const ump = ufs_mount(k);
  const ip = new Inode(ump.next_ino++, 'VDIR', mode & 0o7777, cred.euid, dip);
  dip.i_entries.set(name, ip);
  dip.i_nlink++;
  yield* VN_KNOTE(k, vnode_of(k, dip), NOTE_WRITE | NOTE_LINK);
  return ip;
}

export function* ufs_remove(k: Kernel, dip: Inode, name: string, ip: Inode): KGen<number> {
  let error = 0;
  if (ip.i_type === 'VDIR') error = EPERM;
  else {
    dip.i_entries.delete(name);
    ip.i_nlink--;
  }
  yield* VN_KNOTE(k, vnode_of(k, ip), NOTE_DELETE);
  yield* VN_KNOTE(k, vnode_of(k, dip), NOTE_WRITE);
  return error;
}

export function* ufs_link(k: Kernel, dip: Inode, name: string, ip: Inode): KGen<number> {
  let error = 0;
  if (ip.i_type === 'VDIR') error = EPERM;
  else {
    ip.i_nlink++;
    dip.i_entries.set(name, ip);
  }
  yield* VN_KNOTE(k, vnode_of(k, ip), NOTE_LINK);
  yield* VN_KNOTE(k, vnode_of(k, dip), NOTE_WRITE);
  return error;
}

export function* ufs_rmdir(k: Kernel, dip: Inode, name: string, ip: Inode): KGen<number> {
  if (ip.i_type !== 'VDIR') return ENOTDIR;
  if (ip.i_entries.size > 0) return ENOTEMPTY;
  dip.i_entries.delete(name);
  dip.i_nlink--;
  ip.i_nlink = 0;
  yield* VN_KNOTE(k, vnode_of(k, dip), NOTE_WRITE | NOTE_LINK);
  yield* VN_KNOTE(k, vnode_of(k, ip), NOTE_DELETE);
  return 0;
}

/* ufs_rename: fip, named fname in fdip, becomes tname in tdip, replacing tip if it exists. */
export function* ufs_rename(k: Kernel, fdip: Inode, fname: string, fip: Inode, tdip: Inode, tname: string, tip: Inode | null): KGen<number> {
  if (fip === tip) {
    // Two names of one file: the source name goes, as VOP_REMOVE would remove it.
    if (fip.i_type === 'VDIR') return EINVAL;
    if (fdip === tdip && fname === tname) return 0;
    return yield* ufs_remove(k, fdip, fname, fip);
  }
  const doingdirectory = fip.i_type === 'VDIR';
  if (doingdirectory && ufs_below(tdip, fip)) return EINVAL;
  yield* VN_KNOTE(k, vnode_of(k, fdip), NOTE_WRITE);
  const newparent = doingdirectory && fdip !== tdip;
  // Modern: a directory changing parent changes both parents' link counts, and says so.
  const link = newparent && kern_version_at_least(k.build, 'netbsd-modern') ? NOTE_LINK : 0;
  if (!tip) {
    if (newparent) tdip.i_nlink++;
    tdip.i_entries.set(tname, fip);
    yield* VN_KNOTE(k, vnode_of(k, tdip), NOTE_WRITE | link);
  } else {
    if (tip.i_type === 'VDIR') {
      if (tip.i_entries.size > 0) return ENOTEMPTY;
      if (!doingdirectory) return ENOTDIR;
    } else if (doingdirectory) return EISDIR;
    tdip.i_entries.set(tname, fip);
    if (tip.i_type === 'VDIR') {
      tip.i_nlink = 0;
      if (!newparent) tdip.i_nlink--;
    } else tip.i_nlink--;
    yield* VN_KNOTE(k, vnode_of(k, tdip), NOTE_WRITE | link);
    yield* VN_KNOTE(k, vnode_of(k, tip), NOTE_DELETE);
  }
  fdip.i_entries.delete(fname);
  if (newparent) {
    fdip.i_nlink--;
    fip.i_parent = tdip;
    if (link) yield* VN_KNOTE(k, vnode_of(k, fdip), NOTE_LINK);
  }
  yield* VN_KNOTE(k, vnode_of(k, fip), NOTE_RENAME);
  return 0;
}

export interface Vattr {
  readonly size?: number;
  readonly mode?: number;
}

/* ufs_setattr: a new mode (the owner or root only) or size (regular files only). */
export function* ufs_setattr(k: Kernel, ip: Inode, va: Vattr, cred: Cred): KGen<number> {
  if (va.mode !== undefined) {
    if (cred.euid !== ip.i_uid && cred.euid !== 0) return EPERM;
    ip.i_mode = va.mode & 0o7777;
  }
  if (va.size !== undefined) {
    if (ip.i_type === 'VDIR') return EISDIR;
    if (ip.i_type === 'VREG') ip.i_data = va.size <= ip.i_data.length ? ip.i_data.slice(0, va.size) : ip.i_data.padEnd(va.size, '\0');
  }
  yield* VN_KNOTE(k, vnode_of(k, ip), NOTE_ATTRIB);
  return 0;
}

/** ufs_read: up to n bytes at offset (none at or past the end). */
export function ufs_read(ip: Inode, offset: number, n: number): string {
  return offset >= ip.i_data.length ? '' : ip.i_data.slice(offset, offset + n);
}

/* ufs_write: data at offset (the end with IO_APPEND); returns the offset after it. */
export function* ufs_write(k: Kernel, ip: Inode, offset: number, data: string, append: boolean): KGen<number> {
  const at = append ? ip.i_data.length : offset;
  const osize = ip.i_data.length;
  const head = ip.i_data.padEnd(at, '\0').slice(0, at);
  ip.i_data = head + data + ip.i_data.slice(at + data.length);
  if (data.length > 0) yield* VN_KNOTE(k, vnode_of(k, ip), NOTE_WRITE | (ip.i_data.length > osize ? NOTE_EXTEND : 0));
  return at + data.length;
}
