/*
 * libc, files: the in-memory file system (vfs_syscalls.ts), FIFOs, and descriptors.
 *
 *   open(path, flags, mode?), creat(path, mode)      flags are O_* (sim/scenario.ts)
 *   mkfifo(path, mode), mkdir(path, mode), rmdir(path), unlink(path)
 *   link(path, newpath), rename(from, to), revoke(path)
 *   chmod(path, mode), fchmod(fd, mode), truncate(path, length), ftruncate(fd, length)
 *   lseek(fd, offset, whence)   the new offset in ret (SEEK_SET, SEEK_CUR, SEEK_END)
 *   pread(fd, nbytes, offset), pwrite(fd, data, offset)
 *   dup(fd), dup2(from, to), fcntl(fd, cmd, arg?), fpathconf(fd, name)
 * read, write and close are in libc.ts: they work on every kind of descriptor.
 */
import type { KGen, Yield } from '../machine/machine.ts';
import { sys_dup, sys_dup2, sys_fcntl, sys_fpathconf } from './kern_descrip.ts';
import type { Kernel } from './kernel.ts';
import { LibcProc } from './libc_proc.ts';
import { data_body, error_body, fd_body, type Outcome, type SysResult, written_body } from './libc_syscall.ts';
import {
  sys_chmod,
  sys_fchmod,
  sys_ftruncate,
  sys_link,
  sys_lseek,
  sys_mkdir,
  sys_mkfifo,
  sys_open,
  sys_pread,
  sys_pwrite,
  sys_rename,
  sys_revoke,
  sys_rmdir,
  sys_truncate,
  sys_unlink,
} from './vfs_syscalls.ts';
import { O_CREAT, O_TRUNC, O_WRONLY } from './vfs_vnops.ts';

const octal = (mode: number) => `0${mode.toString(8)}`;

export abstract class LibcVfs extends LibcProc {
  /** open(2): `flags` O_RDONLY / O_WRONLY / O_RDWR with O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK. */
  *open(path: string, flags: number, mode = 0o644): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `${JSON.stringify(path)}, 0x${flags.toString(16)}, ${octal(mode)}`;
    return yield* this.syscall('open', args, () => fd_body(sys_open(k, path, flags, mode)));
  }

  /** creat(2): open(path, O_WRONLY | O_CREAT | O_TRUNC, mode). */
  *creat(path: string, mode: number): Generator<Yield, SysResult, void> {
    return yield* this.open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  }

  *mkfifo(path: string, mode: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `${JSON.stringify(path)}, ${octal(mode)}`;
    return yield* this.syscall('mkfifo', args, () => error_body(sys_mkfifo(k, path, mode)));
  }

  *mkdir(path: string, mode: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `${JSON.stringify(path)}, ${octal(mode)}`;
    return yield* this.syscall('mkdir', args, () => error_body(sys_mkdir(k, path, mode)));
  }

  *rmdir(path: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('rmdir', JSON.stringify(path), () => error_body(sys_rmdir(k, path)));
  }

  *unlink(path: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('unlink', JSON.stringify(path), () => error_body(sys_unlink(k, path)));
  }

  *link(path: string, newpath: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `${JSON.stringify(path)}, ${JSON.stringify(newpath)}`;
    return yield* this.syscall('link', args, () => error_body(sys_link(k, path, newpath)));
  }

  *rename(from: string, to: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `${JSON.stringify(from)}, ${JSON.stringify(to)}`;
    return yield* this.syscall('rename', args, () => error_body(sys_rename(k, from, to)));
  }

  *revoke(path: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('revoke', JSON.stringify(path), () => error_body(sys_revoke(k, path)));
  }

  *chmod(path: string, mode: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `${JSON.stringify(path)}, ${octal(mode)}`;
    return yield* this.syscall('chmod', args, () => error_body(sys_chmod(k, path, mode)));
  }

  *fchmod(fd: number, mode: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('fchmod', `fd ${fd}, ${octal(mode)}`, () => error_body(sys_fchmod(k, fd, mode)));
  }

  *truncate(path: string, length: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('truncate', `${JSON.stringify(path)}, ${length}`, () => error_body(sys_truncate(k, path, length)));
  }

  *ftruncate(fd: number, length: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('ftruncate', `fd ${fd}, ${length}`, () => error_body(sys_ftruncate(k, fd, length)));
  }

  /** lseek(2): the new offset in ret. */
  *lseek(fd: number, offset: number, whence: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('lseek', `fd ${fd}, ${offset}, whence ${whence}`, () => lseek_body(k, fd, offset, whence));
  }

  *pread(fd: number, nbytes: number, offset: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('pread', `fd ${fd}, ${nbytes} bytes at ${offset}`, () => data_body(sys_pread(k, fd, nbytes, offset)));
  }

  *pwrite(fd: number, data: string, offset: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('pwrite', `fd ${fd}, ${data.length} bytes at ${offset}`, () => written_body(sys_pwrite(k, fd, data, offset)));
  }

  *dup(fd: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('dup', `fd ${fd}`, () => fd_body(sys_dup(k, fd)));
  }

  *dup2(from: number, to: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('dup2', `fd ${from}, fd ${to}`, () => fd_body(sys_dup2(k, from, to)));
  }

  /** fcntl(2): F_GETFL (the flags in ret) or F_SETFL with O_NONBLOCK / O_APPEND. */
  *fcntl(fd: number, cmd: number, arg = 0): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('fcntl', `fd ${fd}, cmd ${cmd}, 0x${arg.toString(16)}`, () => fcntl_body(k, fd, cmd, arg));
  }

  /** fpathconf(2): the value in ret (_PC_PIPE_BUF, _PC_LINK_MAX). */
  *fpathconf(fd: number, name: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('fpathconf', `fd ${fd}, name ${name}`, () => fpathconf_body(k, fd, name));
  }
}

/* The kernel sides of the calls with results of their own shape (see libc_syscall.ts). */

function* lseek_body(k: Kernel, fd: number, offset: number, whence: number): KGen<Outcome> {
  const r = sys_lseek(k, fd, offset, whence);
  return { error: r.error, ret: r.offset };
}

function* fcntl_body(k: Kernel, fd: number, cmd: number, arg: number): KGen<Outcome> {
  return sys_fcntl(k, fd, cmd, arg);
}

function* fpathconf_body(k: Kernel, fd: number, name: number): KGen<Outcome> {
  const r = sys_fpathconf(k, fd, name);
  return { error: r.error, ret: r.value };
}
