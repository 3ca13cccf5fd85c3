/*
 * libc, TCP over loopback (uipc_syscalls.ts). socket(), bind() and sendto() are in libc.ts
 * with the other first sockets; these are the calls a stream needs.
 *
 *   listen(fd, backlog), accept(fd) (the new descriptor in ret), connect(fd, port)
 *   shutdown(fd, how)                         SHUT_RD, SHUT_WR, SHUT_RDWR
 *   setsockopt(fd, level, name, value), getsockopt(fd, level, name) (the value in optval)
 *   getsockname(fd)                           the bound port in ret
 */
import type { KGen, Yield } from '../machine/machine.ts';
import type { Kernel } from './kernel.ts';
import { error_body, fd_body, type Outcome, type SysResult } from './libc_syscall.ts';
import { LibcVfs } from './libc_vfs.ts';
import { sys_accept, sys_connect, sys_getsockname, sys_getsockopt, sys_listen, sys_setsockopt, sys_shutdown } from './uipc_syscalls.ts';

export abstract class LibcNet extends LibcVfs {
  *listen(fd: number, backlog: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('listen', `fd ${fd}, backlog ${backlog}`, () => error_body(sys_listen(k, fd, backlog)));
  }

  /** accept(2): the connection's descriptor in ret. */
  *accept(fd: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('accept', `fd ${fd}`, () => fd_body(sys_accept(k, fd)));
  }

  /** connect(2) to a port on the loopback address (EINPROGRESS on a non-blocking socket). */
  *connect(fd: number, port: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('connect', `fd ${fd}, port ${port}`, () => error_body(sys_connect(k, fd, port)));
  }

  *shutdown(fd: number, how: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('shutdown', `fd ${fd}, how ${how}`, () => error_body(sys_shutdown(k, fd, how)));
  }

  *setsockopt(fd: number, level: number, name: number, value: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `fd ${fd}, level 0x${level.toString(16)}, name 0x${name.toString(16)}, ${value}`;
    return yield* this.syscall('setsockopt', args, () => error_body(sys_setsockopt(k, fd, level, name, value)));
  }

  /** getsockopt(2): the value in optval. */
  *getsockopt(fd: number, level: number, name: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () => `fd ${fd}, level 0x${level.toString(16)}, name 0x${name.toString(16)}`;
    return yield* this.syscall('getsockopt', args, () => getsockopt_body(k, fd, level, name));
  }

  /** getsockname(2): the bound port in ret. */
  *getsockname(fd: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getsockname', `fd ${fd}`, () => getsockname_body(k, fd));
  }
}

/* The kernel sides of the calls with results of their own shape (see libc_syscall.ts). */

function* getsockopt_body(k: Kernel, fd: number, level: number, name: number): KGen<Outcome> {
  const r = sys_getsockopt(k, fd, level, name);
  return { error: r.error, optval: r.value };
}

function* getsockname_body(k: Kernel, fd: number): KGen<Outcome> {
  const r = sys_getsockname(k, fd);
  return { error: r.error, ret: r.port };
}
