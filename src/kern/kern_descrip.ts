/*
 * kern_descrip.c: descriptor tables and open files.
 *
 *   file_create(k, type, ops, data, name)   a new open file with one reference
 *   fd_avail(p, n)       room for n more descriptors? (else the syscall fails with EMFILE)
 *   fdalloc(p, fp)       install in the lowest free descriptor
 *   fd_getfile(p, fd)    the open file, or undefined (EBADF for the caller)
 *   sys_close(k, fd)     close(2): knotes on the descriptor go first, then the file
 *   closef(k, fp)        drop one reference; the last one calls fo_close
 *   fdfree(k, p)         close everything, lowest descriptor first (process exit)
 *   fdcopy(k, parent, child)   fork: share every open file except kqueues
 *   sys_dup(k, fd), sys_dup2(k, from, to)   another descriptor for the same open file;
 *                        dup2 first closes `to` (its knotes go with it, as close(2)'s do)
 *   sys_fcntl(k, fd, cmd, arg)   F_GETFL and F_SETFL (O_NONBLOCK, O_APPEND) only
 *   sys_fpathconf(k, fd, name)   _PC_PIPE_BUF for pipes, sockets and FIFOs; a vnode's own
 */
import { KASSERT, type KGen } from '../machine/machine.ts';
import { EBADF, EINVAL, EMFILE, EOPNOTSUPP } from './errno.ts';
import { _PC_LINK_MAX, _PC_PIPE_BUF, fifo_pathconf } from './fifo_vnops.ts';
import { knote_fdclose } from './kern_event.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { FAPPEND, File, type Fileops, type FileType, FNONBLOCK, type Proc } from './proc.ts';
import { PIPE_BUF } from './sys_pipe.ts';
import type { Vnode } from './vfs_subr.ts';

export function file_create(k: Kernel, type: FileType, ops: Fileops, data: object, name: string): File {
  return new File(k.file_serial++, type, ops, data, name);
}

/** Descriptors per process (RLIMIT_NOFILE's default soft limit, OPEN_MAX). */
export const OPEN_MAX = 64;

/** Whether `n` more descriptors fit; a syscall checks before it allocates (EMFILE). */
export function fd_avail(p: Proc, n: number): boolean {
  const files = p.p_fd.fd_ofiles;
  const free = files.filter((f) => f === null).length + (OPEN_MAX - files.length);
  return free >= n;
}

export function fdalloc(p: Proc, fp: File): number {
  const files = p.p_fd.fd_ofiles;
  let fd = files.indexOf(null);
  if (fd < 0) {
    KASSERT(files.length < OPEN_MAX, 'fdalloc: caller checked fd_avail');
    fd = files.length;
    files.push(fp);
  } else {
    files[fd] = fp;
  }
  return fd;
}

export function fd_getfile(p: Proc, fd: number): File | undefined {
  if (!Number.isInteger(fd) || fd < 0) return undefined;
  return p.p_fd.fd_ofiles[fd] ?? undefined;
}

export function* closef(k: Kernel, fp: File): KGen<number> {
  fp.f_count--;
  if (fp.f_count > 0) return 0;
  return yield* fp.f_ops.fo_close(k, fp);
}

function* fdrelease(k: Kernel, p: Proc, fd: number): KGen<number> {
  const fp = fd_getfile(p, fd);
  if (!fp) return EBADF;
  p.p_fd.fd_ofiles[fd] = null;
  yield* knote_fdclose(k, p, fd);
  return yield* closef(k, fp);
}

export function* sys_close(k: Kernel, fd: number): KGen<number> {
  return yield* fdrelease(k, curlwp(k).l_proc, fd);
}

export function* fdfree(k: Kernel, p: Proc): KGen {
  for (let fd = 0; fd < p.p_fd.fd_ofiles.length; fd++) {
    if (p.p_fd.fd_ofiles[fd]) yield* fdrelease(k, p, fd);
  }
}

/* kqueue(2): "The queue is not inherited by a child created with fork(2)." */
export function fdcopy(parent: Proc, child: Proc): void {
  child.p_fd.fd_ofiles = parent.p_fd.fd_ofiles.map((fp) => {
    if (!fp || fp.f_type === 'kqueue') return null;
    fp.f_count++;
    return fp;
  });
}

export function* sys_dup(k: Kernel, fd: number): KGen<{ error: number; fd: number }> {
  const p = curlwp(k).l_proc;
  const fp = fd_getfile(p, fd);
  if (!fp) return { error: EBADF, fd: -1 };
  if (!fd_avail(p, 1)) return { error: EMFILE, fd: -1 };
  fp.f_count++;
  yield 'sys_dup:done';
  return { error: 0, fd: fdalloc(p, fp) };
}

export function* sys_dup2(k: Kernel, from: number, to: number): KGen<{ error: number; fd: number }> {
  const p = curlwp(k).l_proc;
  const fp = fd_getfile(p, from);
  if (!fp || !Number.isInteger(to) || to < 0 || to >= OPEN_MAX) return { error: EBADF, fd: -1 };
  if (from === to) return { error: 0, fd: to };
  fp.f_count++;
  if (fd_getfile(p, to)) yield* fdrelease(k, p, to);
  const files = p.p_fd.fd_ofiles;
  while (files.length <= to) files.push(null);
  files[to] = fp;
  return { error: 0, fd: to };
}

/* fcntl(2) commands, and the f_flag bits F_SETFL may change (FCNTLFLAGS, as modelled). */
export const F_GETFL = 3;
export const F_SETFL = 4;
const FCNTLFLAGS = FNONBLOCK | FAPPEND;

/** fcntl: F_GETFL returns the open(2) flags (OFLAGS: FREAD/FWRITE back to O_*); F_SETFL sets O_NONBLOCK, O_APPEND. */
export function sys_fcntl(k: Kernel, fd: number, cmd: number, arg: number): { error: number; ret: number } {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return { error: EBADF, ret: -1 };
  if (cmd === F_GETFL) return { error: 0, ret: (fp.f_flag & ~3) | ((fp.f_flag & 3) - 1) };
  if (cmd === F_SETFL) {
    fp.f_flag = (fp.f_flag & ~FCNTLFLAGS) | (arg & FCNTLFLAGS);
    return { error: 0, ret: 0 };
  }
  return { error: EINVAL, ret: -1 };
}

export function sys_fpathconf(k: Kernel, fd: number, name: number): { error: number; value: number } {
  const fp = fd_getfile(curlwp(k).l_proc, fd);
  if (!fp) return { error: EBADF, value: -1 };
  switch (fp.f_type) {
    case 'pipe':
    case 'socket':
      return name === _PC_PIPE_BUF ? { error: 0, value: PIPE_BUF } : { error: EINVAL, value: -1 };
    case 'vnode': {
      const vp = fp.f_data as Vnode;
      if (vp.v_type === 'VFIFO') return fifo_pathconf(name);
      // ufs_pathconf: LINK_MAX, and no _PC_PIPE_BUF for a regular file or directory.
      return name === _PC_LINK_MAX ? { error: 0, value: 32767 } : { error: EINVAL, value: -1 };
    }
    default:
      return { error: EOPNOTSUPP, value: -1 };
  }
}
