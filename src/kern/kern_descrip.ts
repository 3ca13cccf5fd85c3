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
 */
import { KASSERT, type KGen } from '../machine/machine.ts';
import { EBADF } from './errno.ts';
import { knote_fdclose } from './kern_event.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { File, type Fileops, type FileType, type Proc } from './proc.ts';

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
