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
import type { Yield } from '../machine/machine.ts';
import { EBADF, EINVAL, ESRCH } from './errno.ts';
import { filter_name, flags_name, type Kevent } from './event_h.ts';
import { fd_getfile, sys_close } from './kern_descrip.ts';
import { sys_kevent, sys_kqueue, type Timespec } from './kern_event.ts';
import { exit1, fork1, LwpExit, sys_execve } from './kern_exit.ts';
import { lwp_create, lwp_exit, lwp_wait } from './kern_lwp.ts';
import { NSIG, psignal, SIGKILL, sig_name } from './kern_sig.ts';
import type { UserMain } from './kernel.ts';
import { LibcNet } from './libc_net.ts';
import { ExpectationFailed, type Outcome, type SyscallGate, type SysResult } from './libc_syscall.ts';
import { sys_sendto } from './netinet.ts';
import type { SigDisposition } from './proc.ts';
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
    const { k } = this;
    return yield* this.syscall('kqueue', '', function* () {
      const r = yield* sys_kqueue(k);
      return { error: r.error, ret: r.fd };
    });
  }

  /** kevent(2). `timeout` null (or omitted) waits forever; {sec: 0, nsec: 0} polls. */
  *kevent(kq: number, changes: readonly Kevent[], nevents: number, timeout: Timespec | null = null): Generator<Yield, SysResult, void> {
    const { k } = this;
    const args = () =>
      `kq ${kq}, ${changes.length} change(s)${changes.map((c) => ` [${c.ident} ${filter_name(c.filter)} ${flags_name(c.flags)}]`).join('')}, nevents ${nevents}, timeout ${timeout ? `${timeout.sec}s ${timeout.nsec}ns` : 'none'}`;
    return yield* this.syscall('kevent', args, function* () {
      const out: Kevent[] = [];
      const r = yield* sys_kevent(k, kq, changes, nevents, timeout, out);
      return { error: r.error, ret: r.retval, events: out };
    });
  }

  *pipe(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('pipe', '', function* () {
      const r = yield* sys_pipe(k);
      return { error: r.error, fds: r.fds };
    });
  }

  *socketpair(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('socketpair', 'AF_LOCAL, SOCK_STREAM', function* () {
      const r = yield* sys_socketpair(k);
      return { error: r.error, fds: r.fds };
    });
  }

  /** socket(2): AF_INET with SOCK_DGRAM (UDP, the default) or SOCK_STREAM (TCP), | SOCK_NONBLOCK. */
  *socket(domain = AF_INET, type = SOCK_DGRAM): Generator<Yield, SysResult, void> {
    const { k } = this;
    const kind = (type & ~SOCK_NONBLOCK) === SOCK_STREAM ? 'SOCK_STREAM' : 'SOCK_DGRAM';
    return yield* this.syscall(
      'socket',
      `${domain === AF_INET ? 'AF_INET' : domain}, ${kind}${type & SOCK_NONBLOCK ? '|SOCK_NONBLOCK' : ''}`,
      function* () {
        const r = yield* sys_socket(k, domain, type);
        return { error: r.error, ret: r.fd };
      },
    );
  }

  /** bind(2) to a port on the loopback address (UDP: a port above 0; TCP: 0 for an ephemeral one). */
  *bind(fd: number, port: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('bind', `fd ${fd}, port ${port}`, function* () {
      return { error: yield* sys_bind(k, fd, port) };
    });
  }

  /** sendto(2) a datagram to a local UDP port (through the loopback interface). */
  *sendto(fd: number, port: number, data: string): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('sendto', `fd ${fd}, port ${port}, ${data.length} bytes`, function* () {
      const r = yield* sys_sendto(k, fd, port, data);
      return { error: r.error, ret: r.written };
    });
  }

  /** open("/dev/tty00"): the com0 serial line. */
  *openTty(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('open', '"/dev/tty00"', function* () {
      const r = yield* sys_open_tty(k);
      return { error: r.error, ret: r.fd };
    });
  }

  *read(fd: number, nbytes: number, opts: ReadOptions = {}): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('read', `fd ${fd}, ${nbytes} bytes${opts.nonblock ? ', O_NONBLOCK' : ''}`, function* () {
      const fp = fd_getfile(proc, fd);
      if (!fp) return { error: EBADF };
      const r = yield* dofileread(k, fp, nbytes, opts.nonblock ?? false, null);
      return { error: r.error, ret: r.data.length, data: r.data };
    });
  }

  *write(fd: number, data: string, opts: ReadOptions = {}): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('write', `fd ${fd}, ${data.length} bytes${opts.nonblock ? ', O_NONBLOCK' : ''}`, function* () {
      const fp = fd_getfile(proc, fd);
      if (!fp) return { error: EBADF };
      const r = yield* dofilewrite(k, fp, data, opts.nonblock ?? false, null);
      return { error: r.error, ret: r.written };
    });
  }

  *close(fd: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('close', `fd ${fd}`, function* () {
      return { error: yield* sys_close(k, fd) };
    });
  }

  /** sigaction(2), reduced to the disposition and SA_RESTART. */
  *sigaction(sig: number, disposition: SigDisposition, opts: { restart?: boolean } = {}): Generator<Yield, SysResult, void> {
    const { proc } = this;
    return yield* this.syscall('sigaction', `${sig_name(sig)}, ${disposition}${opts.restart ? ', SA_RESTART' : ''}`, function* () {
      if (!Number.isInteger(sig) || sig <= 0 || sig >= NSIG || (sig === SIGKILL && disposition !== 'default')) return { error: EINVAL };
      proc.p_sigacts.set(sig, { disposition, restart: opts.restart ?? false });
      yield 'sigaction:done';
      return { error: 0 };
    });
  }

  *kill(pid: number, sig: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('kill', `pid ${pid}, ${sig_name(sig)}`, function* () {
      if (!Number.isInteger(sig) || sig < 0 || sig >= NSIG) return { error: EINVAL };
      const p = k.procs.find((x) => x.p_pid === pid && x.p_stat === 'active');
      if (!p) return { error: ESRCH };
      if (sig !== 0) yield* psignal(k, p, sig);
      return { error: 0 };
    });
  }

  /** raise(3): kill(getpid(), sig). */
  *raise(sig: number): Generator<Yield, SysResult, void> {
    return yield* this.kill(this.pid, sig);
  }

  /** fork(2): the child runs `body` with its own view; returns the child's pid. */
  *fork(name: string, body: UserMain): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('fork', name, function* () {
      const child = yield* fork1(k, name, body);
      return { error: 0, ret: child.p_pid };
    });
  }

  /** execve(2), reduced to its kqueue effect: NOTE_EXEC for watchers. */
  *execve(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('execve', '', function* () {
      yield* sys_execve(k);
      return { error: 0 };
    });
  }

  /**
   * ioctl(2). `cmd` is the kernel's name for the command (`KFILTER_BYNAME`, `KFILTER_BYFILTER`,
   * `KTICKLE`); `arg` is what the pointer points to, updated in place as copyout would.
   */
  *ioctl(fd: number, cmd: string, arg: unknown = null): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('ioctl', `fd ${fd}, ${cmd}`, function* () {
      const fp = fd_getfile(proc, fd);
      if (!fp) return { error: EBADF };
      return { error: yield* fp.f_ops.fo_ioctl(k, fp, cmd, arg) };
    });
  }

  /**
   * _lwp_create(2): another thread of this process, sharing its descriptors (and kqueues),
   * running `body` with its own view. Returns the new lwp's id; wait for it with lwp_wait
   * before the process exits.
   */
  *lwp_create(name: string, body: (u: Libc) => Generator<Yield, unknown, void>): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('_lwp_create', name, function* () {
      const lid = yield* lwp_create(k, proc, name, function* (l) {
        try {
          yield* body(new Libc(k, proc, l));
        } catch (e) {
          if (!(e instanceof LwpExit || e instanceof ExpectationFailed)) throw e;
        }
        lwp_exit(k, l);
      });
      return { error: 0, ret: lid };
    });
  }

  /** _lwp_wait(2): sleep until lwp `lid` of this process has exited. */
  *lwp_wait(lid: number): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('_lwp_wait', `lid ${lid}`, function* () {
      return { error: yield* lwp_wait(k, proc, lid) };
    });
  }

  *exit(status: number): Generator<Yield, never, void> {
    yield 'user:exit';
    this.proc.l.thread.userMode = false;
    this.k.bus.emit('syscall', { pid: this.pid, name: 'exit', args: `status ${status}` });
    return yield* exit1(this.k, status);
  }
}
