/*
 * The user side of the syscall boundary: what a scenario's process calls. Each method is a
 * generator: `const r = yield* u.kevent(kq, changes, 4)`. A call
 *   - stops at a user-mode preemption point (the scheduler may run another process here),
 *   - enters the kernel (traced as `syscall`), runs the sys_* code,
 *   - delivers pending signals on the way out (userret), restarting on ERESTART as the
 *     trap handler would, and returns (traced as `sysret`).
 * Results are plain data: ret (or -1), errno, and per-call extras (events, fds, data, ...).
 *
 * The boundary itself is libc_syscall.ts; the calls are split by subsystem, each class
 * extending the one before: libc_proc.ts (process, credentials, time, wait), libc_vfs.ts
 * (files, directories, FIFOs), libc_net.ts (TCP), and this file (kqueue, kevent, pipes, the
 * first sockets, signals, fork, lwps), whose Libc is what a scenario's process gets.
 */
import type { KGen, Yield } from '../machine/machine.ts';
import { EBADF, EINVAL, ESRCH } from './errno.ts';
import { filter_name, flags_name, type Kevent } from './event_h.ts';
import { fd_getfile, sys_close } from './kern_descrip.ts';
import { sys_kevent, sys_kqueue, type Timespec } from './kern_event.ts';
import { exit1, exit1_return, fork1, LwpExit, sys_execve } from './kern_exit.ts';
import { lwp_create, lwp_exit, lwp_wait } from './kern_lwp.ts';
import { NSIG, psignal, SIGKILL, sig_name } from './kern_sig.ts';
import type { Kernel, UserMain } from './kernel.ts';
import { LibcNet } from './libc_net.ts';
import {
  data_body,
  done_body,
  ExpectationFailed,
  error_body,
  fd_body,
  fds_body,
  type Outcome,
  type SyscallGate,
  type SysResult,
  written_body,
} from './libc_syscall.ts';
import { sys_sendto } from './netinet.ts';
import type { Lwp, Proc, SigDisposition } from './proc.ts';
import { dofileread, dofilewrite } from './sys_generic.ts';
import { sys_pipe } from './sys_pipe.ts';
import { sys_open_tty } from './tty.ts';
import { sys_socketpair } from './uipc_socket.ts';
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM, sys_bind, sys_socket } from './uipc_syscalls.ts';

export { ExpectationFailed, type Outcome, type SyscallGate, type SysResult };

export interface ReadOptions {
  readonly nonblock?: boolean;
}

/** A user program's view of the kernel. */
export class Libc extends LibcNet {
  *kqueue(): Generator<Yield, SysResult, void> {
    return yield* this.syscall('kqueue', '', () => kqueue_body(this.k));
  }

  /** kevent(2). `timeout` null (or omitted) waits forever; {sec: 0, nsec: 0} polls. */
  *kevent(kq: number, changes: readonly Kevent[], nevents: number, timeout: Timespec | null = null): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () =>
      `kq ${kq}, ${changes.length} change(s)${changes.map((c) => ` [${c.ident} ${filter_name(c.filter)} ${flags_name(c.flags)}]`).join('')}, nevents ${nevents}, timeout ${timeout ? `${timeout.sec}s ${timeout.nsec}ns` : 'none'}`;
    return yield* this.syscall('kevent', args, () => kevent_body(k, kq, changes, nevents, timeout));
  }

  *pipe(): Generator<Yield, SysResult, void> {
    return yield* this.syscall('pipe', '', () => fds_body(sys_pipe(this.k)));
  }

  *socketpair(): Generator<Yield, SysResult, void> {
    return yield* this.syscall('socketpair', 'AF_LOCAL, SOCK_STREAM', () => fds_body(sys_socketpair(this.k)));
  }

  /** socket(2): AF_INET with SOCK_DGRAM (UDP, the default) or SOCK_STREAM (TCP), | SOCK_NONBLOCK. */
  *socket(domain = AF_INET, type = SOCK_DGRAM): Generator<Yield, SysResult, void> {
    const { k } = this;
    const kind = (type & ~SOCK_NONBLOCK) === SOCK_STREAM ? 'SOCK_STREAM' : 'SOCK_DGRAM';
    return yield* this.syscall('socket', `${domain === AF_INET ? 'AF_INET' : domain}, ${kind}${type & SOCK_NONBLOCK ? '|SOCK_NONBLOCK' : ''}`, () =>
      fd_body(sys_socket(k, domain, type)),
    );
  }

  /** bind(2) to a port on the loopback address (UDP: a port above 0; TCP: 0 for an ephemeral one). */
  *bind(fd: number, port: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('bind', `fd ${fd}, port ${port}`, () => error_body(sys_bind(k, fd, port)));
  }

  /** sendto(2) a datagram to a local UDP port (through the loopback interface). */
  *sendto(fd: number, port: number, data: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('sendto', `fd ${fd}, port ${port}, ${data.length} bytes`, () => written_body(sys_sendto(k, fd, port, data)));
  }

  /** open("/dev/tty00"): the com0 serial line. */
  *openTty(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('open', '"/dev/tty00"', () => fd_body(sys_open_tty(k)));
  }

  *read(fd: number, nbytes: number, opts: ReadOptions = {}): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('read', `fd ${fd}, ${nbytes} bytes${opts.nonblock ? ', O_NONBLOCK' : ''}`, () =>
      read_body(k, proc, fd, nbytes, opts.nonblock ?? false),
    );
  }

  *write(fd: number, data: string, opts: ReadOptions = {}): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('write', `fd ${fd}, ${data.length} bytes${opts.nonblock ? ', O_NONBLOCK' : ''}`, () =>
      write_body(k, proc, fd, data, opts.nonblock ?? false),
    );
  }

  *close(fd: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('close', `fd ${fd}`, () => error_body(sys_close(k, fd)));
  }

  /** sigaction(2), reduced to the disposition and SA_RESTART. */
  *sigaction(sig: number, disposition: SigDisposition, opts: { restart?: boolean } = {}): Generator<Yield, SysResult, void> {
    const { proc } = this;
    return yield* this.syscall('sigaction', `${sig_name(sig)}, ${disposition}${opts.restart ? ', SA_RESTART' : ''}`, () =>
      sigaction_body(proc, sig, disposition, opts.restart ?? false),
    );
  }

  *kill(pid: number, sig: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('kill', `pid ${pid}, ${sig_name(sig)}`, () => kill_body(k, pid, sig));
  }

  /** raise(3): kill(getpid(), sig). */
  *raise(sig: number): Generator<Yield, SysResult, void> {
    return yield* this.kill(this.pid, sig);
  }

  /** fork(2): the child runs `body` with its own view; returns the child's pid. */
  *fork(name: string, body: UserMain): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('fork', name, () => fork_body(k, name, body));
  }

  /** execve(2), reduced to its kqueue effect: NOTE_EXEC for watchers. */
  *execve(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('execve', '', () => done_body(sys_execve(k)));
  }

  /**
   * ioctl(2). `cmd` is the kernel's name for the command (`KFILTER_BYNAME`, `KFILTER_BYFILTER`,
   * `KTICKLE`); `arg` is what the pointer points to, updated in place as copyout would.
   */
  *ioctl(fd: number, cmd: string, arg: unknown = null): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('ioctl', `fd ${fd}, ${cmd}`, () => ioctl_body(k, proc, fd, cmd, arg));
  }

  /**
   * _lwp_create(2): another thread of this process, sharing its descriptors (and kqueues),
   * running `body` with its own view. Returns the new lwp's id; wait for it with lwp_wait
   * before the process exits.
   */
  *lwp_create(name: string, body: (u: Libc) => Generator<Yield, unknown, void>): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('_lwp_create', name, () => lwp_create_body(k, proc, name, body));
  }

  /** _lwp_wait(2): sleep until lwp `lid` of this process has exited. */
  *lwp_wait(lid: number): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('_lwp_wait', `lid ${lid}`, () => error_body(lwp_wait(k, proc, lid)));
  }

  *exit(status: number): Generator<Yield, never, void> {
    yield* this.exit_enter(status);
    return yield* exit1(this.k, status);
  }

  /** What returning from main does: exit(status), with no frame above to unwind. @internal */
  *exit_from_main(status: number): KGen {
    yield* this.exit_enter(status);
    yield* exit1_return(this.k, status);
  }

  /** exit(2)'s trap: it never returns, so no sysret. */
  private *exit_enter(status: number): KGen {
    yield 'user:exit';
    this.proc.l.thread.userMode = false;
    if (this.k.bus.wants('syscall')) this.k.bus.emit('syscall', { pid: this.pid, name: 'exit', args: `status ${status}` });
    else this.k.bus.pass('syscall');
  }
}

/*
 * The kernel side of each call, as the syscall boundary runs it. They are module-level
 * generators, not generator expressions made per call: V8 gives every new generator
 * function a fresh prototype and map the first time it is called, which cost more than
 * the rest of a short syscall and kept the garbage of whole runs alive until a full GC.
 */

function* kqueue_body(k: Kernel): KGen<Outcome> {
  const r = yield* sys_kqueue(k);
  return { error: r.error, ret: r.fd };
}

function* kevent_body(k: Kernel, kq: number, changes: readonly Kevent[], nevents: number, timeout: Timespec | null): KGen<Outcome> {
  const out: Kevent[] = [];
  const r = yield* sys_kevent(k, kq, changes, nevents, timeout, out);
  return { error: r.error, ret: r.retval, events: out };
}

function* read_body(k: Kernel, proc: Proc, fd: number, nbytes: number, nonblock: boolean): KGen<Outcome> {
  const fp = fd_getfile(proc, fd);
  if (!fp) return { error: EBADF };
  return yield* data_body(dofileread(k, fp, nbytes, nonblock, null));
}

function* write_body(k: Kernel, proc: Proc, fd: number, data: string, nonblock: boolean): KGen<Outcome> {
  const fp = fd_getfile(proc, fd);
  if (!fp) return { error: EBADF };
  return yield* written_body(dofilewrite(k, fp, data, nonblock, null));
}

function* sigaction_body(proc: Proc, sig: number, disposition: SigDisposition, restart: boolean): KGen<Outcome> {
  if (!Number.isInteger(sig) || sig <= 0 || sig >= NSIG || (sig === SIGKILL && disposition !== 'default')) return { error: EINVAL };
  proc.p_sigacts.set(sig, { disposition, restart });
  yield 'sigaction:done';
  return { error: 0 };
}

function* kill_body(k: Kernel, pid: number, sig: number): KGen<Outcome> {
  if (!Number.isInteger(sig) || sig < 0 || sig >= NSIG) return { error: EINVAL };
  const p = k.procs.find((x) => x.p_pid === pid && x.p_stat === 'active');
  if (!p) return { error: ESRCH };
  if (sig !== 0) yield* psignal(k, p, sig);
  return { error: 0 };
}

function* fork_body(k: Kernel, name: string, body: UserMain): KGen<Outcome> {
  const child = yield* fork1(k, name, body);
  return { error: 0, ret: child.p_pid };
}

function* ioctl_body(k: Kernel, proc: Proc, fd: number, cmd: string, arg: unknown): KGen<Outcome> {
  const fp = fd_getfile(proc, fd);
  if (!fp) return { error: EBADF };
  return { error: yield* fp.f_ops.fo_ioctl(k, fp, cmd, arg) };
}

function* lwp_create_body(k: Kernel, proc: Proc, name: string, body: (u: Libc) => Generator<Yield, unknown, void>): KGen<Outcome> {
  const lid = yield* lwp_create(k, proc, name, (l) => lwp_main(k, proc, l, body));
  return { error: 0, ret: lid };
}

/** An lwp's root generator: its body on its own view, then lwp_exit. */
function* lwp_main(k: Kernel, proc: Proc, l: Lwp, body: (u: Libc) => Generator<Yield, unknown, void>): KGen {
  try {
    yield* body(new Libc(k, proc, l));
  } catch (e) {
    if (!(e instanceof LwpExit || e instanceof ExpectationFailed)) throw e;
  }
  lwp_exit(k, l);
}
