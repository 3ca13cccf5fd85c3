/*
 * The syscall boundary every libc call goes through, and the scenario helpers. libc.ts
 * (and libc_proc.ts, libc_vfs.ts, libc_net.ts, one per subsystem) build the calls on it.
 *
 *   LibcSyscall.syscall(name, args, body)   the trap: a user-mode preemption point, the
 *                        `syscall` event, the kernel body, signals delivered on the way out
 *                        (userret, restarting on ERESTART), the `sysret` event
 *   LibcSyscall.log(text), .expect(cond, what)   scenario helpers, not syscalls
 *   LibcSyscall.gate()   the boundary for src/designs/' user APIs
 *   SysResult            what every call returns
 *   error_body, done_body, fd_body, fds_body, data_body, written_body   kernel sides
 *                        shared by calls whose results have the same shape
 */
import { ControlFlow, type KGen, type Yield } from '../machine/machine.ts';
import type { KeventOut } from '../trace.ts';
import { ERESTART, errno_name } from './errno.ts';
import type { Kevent } from './event_h.ts';
import { kevent_out, type Timespec } from './kern_event.ts';
import { CURSIG, postsig } from './kern_sig.ts';
import type { Kernel } from './kernel.ts';
import type { Lwp, Proc } from './proc.ts';

export interface SysResult {
  /** The syscall's return value, or -1 on error. */
  readonly ret: number;
  /** 0 on success, else the errno value. */
  readonly errno: number;
  /** The errno's name (`EINTR`), or `0`. */
  readonly error: string;
  /** kevent: the events copied out, in order. */
  readonly events: readonly Kevent[];
  /** pipe, socketpair: the two new descriptors. */
  readonly fds: readonly number[];
  /** read: the bytes read. */
  readonly data: string;
  /** wait4, waitpid, wait: the wait status (W_EXITCODE); 0 otherwise. */
  readonly status: number;
  /** clock_gettime, gettimeofday: the time read (gettimeofday's microseconds as nsec); 0 otherwise. */
  readonly time: Timespec;
  /** getsockopt: the option's value; 0 otherwise. */
  readonly optval: number;
}

/** What a syscall body hands back; the boundary fills in the rest of SysResult. */
export interface Outcome {
  error: number;
  ret?: number;
  events?: Kevent[];
  fds?: number[];
  data?: string;
  status?: number;
  time?: Timespec;
  optval?: number;
  /** A design's returned events, as the trace shows them (src/designs/: not struct kevents). */
  traced?: readonly KeventOut[];
}

/**
 * What the user API of another design (src/designs/) needs from a libc view: the kernel, the
 * process and lwp it runs on, and the one syscall boundary (traced entry, signals on the way
 * out, ERESTART). @internal
 */
export interface SyscallGate {
  readonly k: Kernel;
  readonly proc: Proc;
  readonly lwp: Lwp;
  syscall(name: string, args: string | (() => string), body: () => KGen<Outcome>): Generator<Yield, SysResult, void>;
}

const NO_TIME: Timespec = { sec: 0, nsec: 0 };

/** The base of a user program's view of the kernel: one process, one of its lwps. */
export abstract class LibcSyscall {
  constructor(
    protected readonly k: Kernel,
    readonly proc: Proc,
    /** The lwp this view runs on: the process's first one unless made by lwp_create. */
    protected readonly lwp: Lwp = proc.l,
  ) {}

  get pid(): number {
    return this.proc.p_pid;
  }

  /** Signals this process's handlers have run for, in order. */
  get caught(): readonly number[] {
    return this.proc.p_caught;
  }

  /** For the user APIs of src/designs/ (see SyscallGate). @internal */
  gate(): SyscallGate {
    return { k: this.k, proc: this.proc, lwp: this.lwp, syscall: (name, args, body) => this.syscall(name, args, body) };
  }

  /** `args` may be a function, for arguments that cost something to describe (built only when traced). */
  protected *syscall(name: string, args: string | (() => string), body: () => KGen<Outcome>): Generator<Yield, SysResult, void> {
    const k = this.k;
    const t = this.lwp.thread;
    for (;;) {
      yield `user:${name}`;
      t.userMode = false;
      if (k.bus.wants('syscall')) k.bus.emit('syscall', { pid: this.pid, name, args: typeof args === 'string' ? args : args() });
      else k.bus.pass('syscall');
      const o = yield* body();
      // userret: deliver what was posted while we were in the kernel.
      for (let sig = CURSIG(this.proc); sig !== 0; sig = CURSIG(this.proc)) yield* postsig(k, sig);
      t.userMode = true;
      if (o.error === ERESTART) continue;
      const r: SysResult = {
        ret: o.error ? -1 : (o.ret ?? 0),
        errno: o.error,
        error: errno_name(o.error),
        events: o.events ?? [],
        fds: o.fds ?? [],
        data: o.data ?? '',
        status: o.status ?? 0,
        time: o.time ?? NO_TIME,
        optval: o.optval ?? 0,
      };
      if (k.bus.wants('sysret')) {
        k.bus.emit('sysret', {
          pid: this.pid,
          name,
          ret: r.ret,
          errno: r.error,
          ...(o.events ? { events: o.events.map(kevent_out) } : o.traced ? { events: o.traced } : {}),
        });
      } else k.bus.pass('sysret');
      return r;
    }
  }

  /** Put a line in the trace. */
  log(text: string): void {
    this.k.bus.emit('log', { text: `${this.proc.p_comm}[${this.pid}]: ${text}` });
  }

  /**
   * State an expectation. If it does not hold, the run ends at once with an `expectation`
   * violation naming `what`.
   */
  expect(cond: boolean, what: string): void {
    if (cond) return;
    const message = `${this.proc.p_comm}[${this.pid}]: expected ${what}`;
    this.k.bus.emit('violation', { invariant: 'expectation', message });
    this.k.m.stop({ kind: 'violation', invariant: 'expectation', message });
    throw new ExpectationFailed(message);
  }
}

/** Unwinds a process whose expectation failed; the run has already been stopped. */
export class ExpectationFailed extends ControlFlow {
  override readonly name = 'ExpectationFailed';
}

/*
 * Kernel sides shared by calls of the same shape, for `() => error_body(sys_x(k, ...))`.
 * Syscall bodies are module-level generators, not generator expressions made per call: V8
 * gives every new generator function a fresh prototype and map the first time it is called,
 * which cost more than the rest of a short syscall and kept the garbage of whole runs alive
 * until a full GC.
 */

/** A call whose kernel side returns only an errno. */
export function* error_body(call: KGen<number>): KGen<Outcome> {
  return { error: yield* call };
}

/** A call whose kernel side returns nothing and cannot fail. */
export function* done_body(call: KGen): KGen<Outcome> {
  yield* call;
  return { error: 0 };
}

/** A call that makes a descriptor. */
export function* fd_body(call: KGen<{ error: number; fd: number }>): KGen<Outcome> {
  const r = yield* call;
  return { error: r.error, ret: r.fd };
}

/** A call that makes two descriptors (pipe, socketpair). */
export function* fds_body(call: KGen<{ error: number; fds: number[] }>): KGen<Outcome> {
  const r = yield* call;
  return { error: r.error, fds: r.fds };
}

/** A call that returns the bytes it read (read, pread). */
export function* data_body(call: KGen<{ error: number; data: string }>): KGen<Outcome> {
  const r = yield* call;
  return { error: r.error, ret: r.data.length, data: r.data };
}

/** A call that returns how many bytes it wrote. */
export function* written_body(call: KGen<{ error: number; written: number }>): KGen<Outcome> {
  const r = yield* call;
  return { error: r.error, ret: r.written };
}
