/*
 * vfs_syscalls.c: the file-system system calls, over vfs_lookup.ts (namei), vfs_vnops.ts
 * (vn_open and the vnode fileops) and ufs_vnops.ts (the operations, which post the knotes).
 *
 *   sys_open(k, path, flags, mode)      a descriptor for the file (open(2) flags O_*)
 *   sys_mkfifo, sys_mkdir, sys_rmdir, sys_unlink, sys_link, sys_rename
 *   sys_chmod, sys_fchmod, sys_truncate, sys_ftruncate   through VOP_SETATTR (NOTE_ATTRIB)
 *   sys_lseek(k, fd, offset, whence)    ESPIPE unless a regular file or directory
 *   sys_pread, sys_pwrite               I/O at an offset, the descriptor's own unmoved
 *   sys_revoke(k, path)                 the owner (or root) revokes every open of the file
 * Creating, removing or renaming needs write permission on the directory (EACCES);
 * getvnode's EINVAL answers an fd-based call on a descriptor that is not a vnode.
 */
import type { KGen } from '../machine/machine.ts';
import { EACCES, EBADF, EEXIST, EINVAL, EMFILE, ENOENT, EPERM, ESPIPE } from './errno.ts';
import { fd_avail, fd_getfile, fdalloc, file_create } from './kern_descrip.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { type Cred, FAPPEND, type File, FNONBLOCK, FREAD, FWRITE } from './proc.ts';
import { dofileread, dofilewrite } from './sys_generic.ts';
import {
  type Inode,
  ufs_access,
  ufs_link,
  ufs_makeinode,
  ufs_mkdir,
  ufs_remove,
  ufs_rename,
  ufs_rmdir,
  ufs_setattr,
  type Vattr,
  VWRITE,
} from './ufs_vnops.ts';
import { type Nameidata, namei } from './vfs_lookup.ts';
import { type Vnode, vgone } from './vfs_subr.ts';
import { CMASK, FFLAGS, vn_open, vnops } from './vfs_vnops.ts';

/* lseek(2)'s whence. */
export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

function cred_of(k: Kernel): Cred {
  return curlwp(k).l_proc.p_cred;
}

/* namei for a call that changes the directory: the parent must be writable. */
function namei_dir(k: Kernel, path: string): Nameidata | number {
  const nd = namei(k, path, cred_of(k));
  if (typeof nd === 'number') return nd;
  return ufs_access(nd.dip, VWRITE, cred_of(k)) === 0 ? nd : EACCES;
}

/* getvnode: the vnode behind a descriptor (EBADF if none, EINVAL if not a vnode). */
function getvnode(k: Kernel, fd: number): { fp: File; vp: Vnode } | number {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return EBADF;
  if (fp.f_type !== 'vnode') return EINVAL;
  return { fp, vp: fp.f_data as Vnode };
}

export function* sys_open(k: Kernel, path: string, flags: number, mode: number): KGen<{ error: number; fd: number }> {
  const p = curlwp(k).l_proc;
  if (!fd_avail(p, 1)) return { error: EMFILE, fd: -1 };
  const fmode = FFLAGS(flags);
  const r = yield* vn_open(k, path, fmode, mode);
  if (!r.vp) return { error: r.error, fd: -1 };
  const fp = file_create(k, 'vnode', vnops, r.vp, r.vp.chanName);
  fp.f_flag = fmode & (FREAD | FWRITE | FNONBLOCK | FAPPEND);
  return { error: 0, fd: fdalloc(p, fp) };
}

export function* sys_mkfifo(k: Kernel, path: string, mode: number): KGen<number> {
  const nd = namei_dir(k, path);
  if (typeof nd === 'number') return nd;
  if (nd.ip) return EEXIST;
  yield* ufs_makeinode(k, nd.dip, nd.name, 'VFIFO', mode & ~CMASK, cred_of(k));
  return 0;
}

export function* sys_mkdir(k: Kernel, path: string, mode: number): KGen<number> {
  const nd = namei_dir(k, path);
  if (typeof nd === 'number') return nd;
  if (nd.ip) return EEXIST;
  yield* ufs_mkdir(k, nd.dip, nd.name, mode & ~CMASK, cred_of(k));
  return 0;
}

export function* sys_rmdir(k: Kernel, path: string): KGen<number> {
  const nd = namei_dir(k, path);
  if (typeof nd === 'number') return nd;
  if (!nd.ip) return ENOENT;
  if (nd.name === '.' || nd.ip === nd.dip) return EINVAL;
  return yield* ufs_rmdir(k, nd.dip, nd.name, nd.ip);
}

export function* sys_unlink(k: Kernel, path: string): KGen<number> {
  const nd = namei_dir(k, path);
  if (typeof nd === 'number') return nd;
  if (!nd.ip) return ENOENT;
  return yield* ufs_remove(k, nd.dip, nd.name, nd.ip);
}

export function* sys_link(k: Kernel, path: string, link: string): KGen<number> {
  const from = namei(k, path, cred_of(k));
  if (typeof from === 'number') return from;
  if (!from.ip) return ENOENT;
  const to = namei_dir(k, link);
  if (typeof to === 'number') return to;
  if (to.ip) return EEXIST;
  return yield* ufs_link(k, to.dip, to.name, from.ip);
}

export function* sys_rename(k: Kernel, from: string, to: string): KGen<number> {
  const f = namei_dir(k, from);
  if (typeof f === 'number') return f;
  if (!f.ip) return ENOENT;
  const t = namei_dir(k, to);
  if (typeof t === 'number') return t;
  // "." and ".." can be neither renamed nor replaced.
  if ([f.name, t.name].some((n) => n === '.' || n === '..')) return EINVAL;
  return yield* ufs_rename(k, f.dip, f.name, f.ip, t.dip, t.name, t.ip);
}

function* setattr_path(k: Kernel, path: string, va: Vattr): KGen<number> {
  const nd = namei(k, path, cred_of(k));
  if (typeof nd === 'number') return nd;
  if (!nd.ip) return ENOENT;
  if (va.size !== undefined && ufs_access(nd.ip, VWRITE, cred_of(k)) !== 0) return EACCES;
  return yield* ufs_setattr(k, nd.ip, va, cred_of(k));
}

export function* sys_chmod(k: Kernel, path: string, mode: number): KGen<number> {
  return yield* setattr_path(k, path, { mode });
}

export function* sys_truncate(k: Kernel, path: string, length: number): KGen<number> {
  if (!Number.isInteger(length) || length < 0) return EINVAL;
  return yield* setattr_path(k, path, { size: length });
}

export function* sys_fchmod(k: Kernel, fd: number, mode: number): KGen<number> {
  const v = getvnode(k, fd);
  if (typeof v === 'number') return v;
  return yield* ufs_setattr(k, v.vp.v_data, { mode }, cred_of(k));
}

export function* sys_ftruncate(k: Kernel, fd: number, length: number): KGen<number> {
  const v = getvnode(k, fd);
  if (typeof v === 'number') return v;
  if ((v.fp.f_flag & FWRITE) === 0 || !Number.isInteger(length) || length < 0) return EINVAL;
  return yield* ufs_setattr(k, v.vp.v_data, { size: length }, cred_of(k));
}

export function sys_lseek(k: Kernel, fd: number, offset: number, whence: number): { error: number; offset: number } {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return { error: EBADF, offset: -1 };
  if (fp.f_type !== 'vnode' || (fp.f_data as Vnode).v_type === 'VFIFO') return { error: ESPIPE, offset: -1 };
  const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? fp.f_offset : whence === SEEK_END ? (fp.f_data as Vnode).v_size : Number.NaN;
  const next = base + offset;
  if (!Number.isInteger(next) || next < 0) return { error: EINVAL, offset: -1 };
  fp.f_offset = next;
  return { error: 0, offset: next };
}

/* pread/pwrite: ESPIPE unless a regular file or directory, EINVAL for a negative offset. */
function positioned(k: Kernel, fd: number, offset: number): File | number {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return EBADF;
  if (fp.f_type !== 'vnode' || (fp.f_data as Vnode).v_type === 'VFIFO') return ESPIPE;
  return Number.isInteger(offset) && offset >= 0 ? fp : EINVAL;
}

export function* sys_pread(k: Kernel, fd: number, nbytes: number, offset: number): KGen<{ error: number; data: string }> {
  const fp = positioned(k, fd, offset);
  if (typeof fp === 'number') return { error: fp, data: '' };
  return yield* dofileread(k, fp, nbytes, false, offset);
}

export function* sys_pwrite(k: Kernel, fd: number, data: string, offset: number): KGen<{ error: number; written: number }> {
  const fp = positioned(k, fd, offset);
  if (typeof fp === 'number') return { error: fp, written: 0 };
  return yield* dofilewrite(k, fp, data, false, offset);
}

/*
 * revoke(2): the owner or the super-user cuts off every open of the file (vgone:
 * NOTE_REVOKE, then deadfs); there is nothing to do if it is not open.
 */
export function* sys_revoke(k: Kernel, path: string): KGen<number> {
  const nd = namei(k, path, cred_of(k));
  if (typeof nd === 'number') return nd;
  const ip: Inode | null = nd.ip;
  if (!ip) return ENOENT;
  const cred = cred_of(k);
  if (cred.euid !== ip.i_uid && cred.euid !== 0) return EPERM;
  const vp = ip.i_vnode;
  if (vp && vp.v_usecount > 0) yield* vgone(k, vp);
  return 0;
}
