/*
 * Matt Dillon's kqueue API (freebsd-arch, 2000-04-06; seed 003), on the simulated machine:
 *
 *   qfd = kqueue(); kqueuectl(qfd, filter, fd, struct event *ev);
 *   ev = kevent(qfd, timeout);   or   n = kevent(qfd, struct event **ary, int nmax, timeout);
 *
 * "The kernel creates its own internal data structure which has the descriptor, filter
 * operation, and a pointer to the *USER* event structure. The kernel would not otherwise copy
 * the user event structure into kernel space nor would it copy it back ... when an event
 * occurs the kernel does a copyout of *ONLY* the kernel data update for the event structure
 * (the 'data') field. What it returns to user space in the kevent() call is not the event
 * itself, but a POINTER to the event that the user originally passed it."
 *
 * His kernel struct kevent { int fd; long data; short filter; short flags; struct event
 * *uevent; } is what a knote keeps, so the kernel side is NetBSD's kqueue as it is (knotes,
 * filters, the active queue, kqueue_scan): the kqueue's knote has ident = fd, the filter,
 * and udata = the user's pointer. Only the syscall boundary is Dillon's, here.
 *
 *   sys_kqueuectl(k, p, qfd, filter, fd, ev)      register (ev != NULL) or forget (NULL)
 *   sys_dillon_kevent(k, p, qfd, nmax, ts, ary)  scan, then copy out each data and pointer
 *   DillonApi, dillon_api(u)                      the user side, with malloc'd struct events
 *   STRUCT_EVENT_SIZE, LONG_SIZE, POINTER_SIZE    i386 sizes
 */
import { EBADF, EFAULT, EINVAL } from '../kern/errno.ts';
import { EV_ADD, EV_DELETE, EVFILT_READ, EVFILT_TIMER, EVFILT_WRITE, filter_name, type Kevent } from '../kern/event_h.ts';
import { fd_getfile } from '../kern/kern_descrip.ts';
import { type Kqueue, kqueue_register, kqueue_scan, sys_kqueue, type Timespec } from '../kern/kern_event.ts';
import type { Kernel } from '../kern/kernel.ts';
import type { Libc, SyscallGate, SysResult } from '../kern/libc.ts';
import { error_body, fd_body, type Outcome } from '../kern/libc_syscall.ts';
import type { Proc } from '../kern/proc.ts';
import type { KGen, Yield } from '../machine/machine.ts';
import { copy_count, copyout, uvm_of } from './uvm.ts';

/** i386: sizeof(long), sizeof(void *); struct event { long data; dispatch; int reserved[2]; }. */
export const LONG_SIZE = 4;
export const POINTER_SIZE = 4;
export const STRUCT_EVENT_SIZE = LONG_SIZE + POINTER_SIZE + 8;
/** His kernel struct kevent (fd, data, filter, flags, uevent), what a whole copy would write. */
const KERNEL_KEVENT_SIZE = 4 + LONG_SIZE + 2 + 2 + POINTER_SIZE;

declare module '../trace.ts' {
  interface TraceKinds {
    /**
     * Dillon's API (dillon-2000): `register`/`forget` by kqueuectl; `copyout` the kernel writes
     * `bytes` into the struct event at `addr` (a user pointer) for descriptor `fd`.
     */
    dillon: { op: 'register' | 'forget' | 'copyout'; pid: number; kq: number; fd: number; filter: string; addr: number; bytes: number; why: string };
  }
}

/** What a program keeps in a struct event: `data` (the kernel's), `dispatch`, and its own fields. */
export interface StructEvent {
  data: number;
  /** void (*dispatch)(struct event *ev): called by the program, never by the kernel. */
  dispatch: ((ev: number) => Generator<Yield, void, void>) | null;
  [field: string]: unknown;
}

function hex(addr: number): string {
  return `0x${addr.toString(16)}`;
}

function kqueue_of(p: Proc, qfd: number): Kqueue | null {
  const fp = fd_getfile(p, qfd);
  return fp?.f_type === 'kqueue' ? (fp.f_data as Kqueue) : null;
}

/*
 * kqueuectl(qfd, filter, fd, ev): the kernel keeps (fd, filter, ev) and copies nothing in.
 * kqsim: the proposal names no way to stop watching; a NULL ev forgets the registration
 * (the only thing a NULL pointer could mean here). Filters are kqueue's (EVFILT_READ,
 * EVFILT_WRITE on descriptors; EVFILT_TIMER with fd as its ident, period 1 s: kqsim).
 */
export function* sys_kqueuectl(k: Kernel, p: Proc, qfd: number, filter: number, fd: number, ev: number): KGen<number> {
  const kq = kqueue_of(p, qfd);
  if (!kq) return EBADF;
  if (filter !== EVFILT_READ && filter !== EVFILT_WRITE && filter !== EVFILT_TIMER) return EINVAL;
  const kev: Kevent = { ident: fd, filter, flags: ev ? EV_ADD : EV_DELETE, fflags: 0, data: filter === EVFILT_TIMER ? 1000 : 0, udata: ev };
  const error = yield* kqueue_register(k, kq, kev);
  if (error === 0) {
    k.bus.emit('dillon', {
      op: ev ? 'register' : 'forget',
      pid: p.p_pid,
      kq: kq.kq_serial,
      fd,
      filter: filter_name(filter),
      addr: ev,
      bytes: 0,
      why: ev
        ? `the kernel keeps (fd ${fd}, ${filter_name(filter)}, uevent ${hex(ev)}) and copies nothing in`
        : 'NULL ev: the kernel forgets the registration',
    });
  }
  return error;
}

/*
 * kevent(qfd, ary, nmax, timeout): kqueue_scan collects up to nmax events into the kernel's
 * own buffer; then for each, copyout of the data field alone into the user's struct event,
 * and of the pointer into ary. The write goes wherever the pointer points now.
 */
export function* sys_dillon_kevent(
  k: Kernel,
  p: Proc,
  qfd: number,
  nmax: number,
  ts: Timespec | null,
  ary: number[],
): KGen<{ error: number; ret: number }> {
  const fp = fd_getfile(p, qfd);
  if (fp?.f_type !== 'kqueue') return { error: EBADF, ret: 0 };
  if (!Number.isInteger(nmax) || nmax < 0) return { error: EINVAL, ret: 0 };
  const kq = fp.f_data as Kqueue;
  const kevs: Kevent[] = [];
  const r = yield* kqueue_scan(k, fp, nmax, ts, kevs);
  if (r.error) return { error: r.error, ret: 0 };
  const whole = k.build.has('mutant-copy-whole-event');
  for (const kev of kevs) {
    const addr = kev.udata;
    const bytes = whole ? KERNEL_KEVENT_SIZE : LONG_SIZE;
    // The trace says what is about to be written where, then the write lands.
    const block = uvm_of(p).at(addr);
    if (!block) return { error: EFAULT, ret: ary.length };
    k.bus.emit('dillon', {
      op: 'copyout',
      pid: p.p_pid,
      kq: kq.kq_serial,
      fd: kev.ident,
      filter: filter_name(kev.filter),
      addr,
      bytes,
      why: `data ${kev.data} written through the pointer registered for fd ${kev.ident}${block.live ? '' : ' (that struct has been freed)'}`,
    });
    const what = whole ? `the whole kernel event over the struct event at ${hex(addr)}` : `data field of the struct event at ${hex(addr)}`;
    copyout(k, p, addr, bytes, what, (b) => {
      b.fields.data = whole ? kev.ident : kev.data;
      if (whole) b.fields.dispatch = null;
    });
    yield 'dillon_kevent:copyout-data';
    ary.push(addr);
    copy_count(k, p, 'out', POINTER_SIZE, `pointer ${hex(addr)} into ary[${ary.length - 1}]`);
    yield 'dillon_kevent:copyout-pointer';
  }
  return { error: 0, ret: ary.length };
}

export interface DillonResult extends SysResult {
  /** The pointers kevent returned: the user's own struct events. */
  readonly ptrs: readonly number[];
}

/**
 * The calls a program of Dillon's design makes (`const d = dillon_api(u)`), with its heap:
 * it mallocs its struct events (extended with fields of its own), frees them, and calls
 * their dispatch function.
 */
export class DillonApi {
  private readonly g: SyscallGate;

  constructor(u: Libc) {
    this.g = u.gate();
  }

  /** kqueue(): the same syscall as NetBSD's. */
  *kqueue(): Generator<Yield, SysResult, void> {
    const { k } = this.g;
    return yield* this.g.syscall('kqueue', '', () => fd_body(sys_kqueue(k)));
  }

  *kqueuectl(qfd: number, filter: number, fd: number, ev: number): Generator<Yield, SysResult, void> {
    const { k, proc } = this.g;
    const args = () => `qfd ${qfd}, ${filter_name(filter)}, fd ${fd}, ev ${ev ? hex(ev) : 'NULL'}`;
    return yield* this.g.syscall('kqueuectl', args, () => error_body(sys_kqueuectl(k, proc, qfd, filter, fd, ev)));
  }

  /** n = kevent(qfd, ary, nmax, timeout): `ptrs` are what ary holds afterwards. */
  *kevent(qfd: number, nmax: number, timeout: Timespec | null = null): Generator<Yield, DillonResult, void> {
    const { k, proc } = this.g;
    const ary: number[] = [];
    const args = () => `qfd ${qfd}, ary, nmax ${nmax}, timeout ${timeout ? `${timeout.sec}s ${timeout.nsec}ns` : 'none'}`;
    const r = yield* this.g.syscall('kevent', args, () => kevent_body(k, proc, qfd, nmax, timeout, ary));
    return { ...r, ptrs: ary };
  }

  /** ev = kevent(qfd, timeout): one pointer, or 0 (NULL) when nothing came in time. */
  *kevent1(qfd: number, timeout: Timespec | null = null): Generator<Yield, DillonResult, void> {
    return yield* this.kevent(qfd, 1, timeout);
  }

  /** malloc(sizeof(struct my_event)): a struct event with the program's own fields after it. */
  malloc_event(fields: Omit<StructEvent, 'data'> & { data?: number }, extra_bytes = 0): number {
    return uvm_of(this.g.proc).malloc(STRUCT_EVENT_SIZE + extra_bytes, { data: 0, ...fields });
  }

  /** free(3): a user-mode step the scheduler may preempt around. */
  *free(addr: number): Generator<Yield, boolean, void> {
    yield 'user:free';
    return uvm_of(this.g.proc).free(addr);
  }

  /** Read the struct event a pointer points at (the program's own memory). */
  load(addr: number): StructEvent {
    const b = uvm_of(this.g.proc).at(addr);
    if (!b) throw new RangeError(`segmentation fault: no memory at ${hex(addr)}`);
    return b.fields as StructEvent;
  }

  /** ev->dispatch(ev): the example program's way to handle an event. */
  *dispatch(addr: number): Generator<Yield, void, void> {
    yield 'user:dispatch';
    const fn = this.load(addr).dispatch;
    if (fn) yield* fn(addr);
  }
}

/** kevent's kernel side: a module-level generator, not one made per call (see libc_syscall.ts). */
function* kevent_body(k: Kernel, proc: Proc, qfd: number, nmax: number, timeout: Timespec | null, ary: number[]): KGen<Outcome> {
  const res = yield* sys_dillon_kevent(k, proc, qfd, nmax, timeout, ary);
  // The trace shows each returned pointer with the data the kernel left behind it.
  const data = (a: number) => Number(uvm_of(proc).at(a)?.fields.data ?? 0);
  return {
    error: res.error,
    ret: res.ret,
    traced: ary.map((a) => ({ ident: 0, filter: 'struct event *', flags: hex(a), fflags: 0, data: data(a), udata: a })),
  };
}

export function dillon_api(u: Libc): DillonApi {
  return new DillonApi(u);
}
