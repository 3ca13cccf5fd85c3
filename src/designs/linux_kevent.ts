/*
 * Linux kevent, "take24" (Evgeniy Polyakov, linux-kernel, 2006-11-09; seed 004: the patch's
 * Documentation/kevent.txt), on the simulated machine. Names are the patch's. Behaviour comes
 * from the document; where it is silent, from the take23 code posted two days earlier
 * (kernel/kevent/kevent.c, kevent_user.c, include/linux/ukevent.h), read and re-expressed;
 * every such choice is marked `take23:` or `kqsim:` beside the code and narrated.
 *
 * The queue is a struct kevent_user behind a /dev/kevent descriptor. A kevent hangs on its
 * origin's kevent_storage (a socket's or pipe's, a timer's own); when the origin changes,
 * kevent_storage_ready runs each kevent's callback and queues the ready ones on the user's
 * ready list, waking the queue's waiters. The syscalls dequeue from that list.
 *
 *   kevent_user_open                 open("/dev/kevent")
 *   sys_kevent_ctl                   KEVENT_CTL_ADD / REMOVE / MODIFY over `num` ukevents
 *   sys_kevent_get_events            wait for min_nr ready kevents, copy out up to max_nr
 *   sys_kevent_wait                  wait for one, commit `num` into the ring
 *   sys_kevent_ring_init             register the user's ring
 *   kevent_user_add_ukevent, kevent_modify, kevent_remove, kevent_finish_user
 *   kevent_storage_ready, __kevent_requeue, kqueue_dequeue_ready, kevent_complete_ready
 *   kevent_copy_ring_buffer, kevent_user_release
 *   kevent_origin_enqueue            sockets and pipes (through their klists), timers (a callout)
 *   KeventApi, kevent_api(u)         the user side: the libc wrappers a scenario calls
 *   lkevent_queues(k), kevent_ready_now(k, kev)   for the invariants (sim/check/linux_kevent.ts)
 *
 * kqsim: an origin's kevent_storage hangs on the object's selinfo klist as one knote whose
 * f_event runs kevent_storage_ready and returns false, so the kqueue side never sees it; the
 * object's own filter (filt_soread, filt_piperead, ...) is the kevent callback. Like the
 * take23 socket code (which holds the file with fget), a kevent holds a reference on its
 * descriptor's file until it is removed.
 */

import { EBADF, EEXIST, EFAULT, EINVAL, EMFILE, EWOULDBLOCK } from '../kern/errno.ts';
import { EVFILT_READ, EVFILT_WRITE } from '../kern/event_h.ts';
import { tick_us, time_us } from '../kern/kern_clock.ts';
import { closef, fd_avail, fd_getfile, fdalloc, file_create } from '../kern/kern_descrip.ts';
import { type Filterops, Knote, Kqueue } from '../kern/kern_event.ts';
import { LwpExit } from '../kern/kern_exit.ts';
import { ltsleep, setrunnable_lwp, wakeup } from '../kern/kern_synch.ts';
import { Callout, callout_reset, callout_stop } from '../kern/kern_timeout.ts';
import type { Kernel } from '../kern/kernel.ts';
import type { Libc, Outcome, SyscallGate, SysResult } from '../kern/libc.ts';
import { fd_body } from '../kern/libc_syscall.ts';
import { type File, Filedesc, type Fileops, L_SINTR, type Lwp, type Proc, type WaitChannel } from '../kern/proc.ts';
import { KASSERT, type KGen, type Yield } from '../machine/machine.ts';
import type { KeventOut } from '../trace.ts';
import { copy_count, copyout, uvm_of } from './uvm.ts';

/* ---------------------------------------------------------------- ukevent.h */

/* Request flags, in the order (and with the values) of the header; LAST_CHECK is take24's. */
export const KEVENT_REQ_ONESHOT = 0x1;
export const KEVENT_REQ_WAKEUP_ONE = 0x2;
export const KEVENT_REQ_ET = 0x4;
export const KEVENT_REQ_LAST_CHECK = 0x8;
export const KEVENT_RET_BROKEN = 0x1;
export const KEVENT_RET_DONE = 0x2;
export const KEVENT_RET_COPY_FAILED = 0x4;
export const KEVENT_SOCKET = 0;
export const KEVENT_INODE = 1;
export const KEVENT_TIMER = 2;
export const KEVENT_POLL = 3;
export const KEVENT_NAIO = 4;
export const KEVENT_AIO = 5;
/** take24's pipe origin (not in take23's header; kqsim gives it the next number). */
export const KEVENT_PIPE = 6;
export const KEVENT_TIMER_FIRED = 0x1;
export const KEVENT_SOCKET_RECV = 0x1;
export const KEVENT_SOCKET_ACCEPT = 0x2;
export const KEVENT_SOCKET_SEND = 0x4;
export const KEVENT_CTL_ADD = 0;
export const KEVENT_CTL_REMOVE = 1;
export const KEVENT_CTL_MODIFY = 2;
/** sizeof(struct ukevent): id 8, type/event/req_flags/ret_flags 16, ret_data 8, user 8. */
export const UKEVENT_SIZE = 40;
/** "number of milliseconds" the document speaks of, and -1 = wait forever. */
export const KEVENT_WAIT_FOREVER = -1;

/** struct ukevent, as the user holds it. */
export interface Ukevent {
  /** id.raw: a descriptor in raw[0]; for a timer, seconds and nanoseconds. */
  id: [number, number];
  type: number;
  event: number;
  req_flags: number;
  ret_flags: number;
  ret_data: [number, number];
  user: [number, number];
}

/** A ukevent with every field the caller does not give zeroed. */
export function ukevent(id: number | [number, number], type: number, event: number, req_flags = 0, user: [number, number] = [0, 0]): Ukevent {
  return { id: typeof id === 'number' ? [id, 0] : [...id], type, event, req_flags, ret_flags: 0, ret_data: [0, 0], user: [...user] };
}

function uk_copy(uk: Ukevent): Ukevent {
  return { ...uk, id: [...uk.id], ret_data: [...uk.ret_data], user: [...uk.user] };
}

const REQ_NAMES: readonly [number, string][] = [
  [KEVENT_REQ_ONESHOT, 'ONESHOT'],
  [KEVENT_REQ_WAKEUP_ONE, 'WAKEUP_ONE'],
  [KEVENT_REQ_ET, 'ET'],
  [KEVENT_REQ_LAST_CHECK, 'LAST_CHECK'],
];
const RET_NAMES: readonly [number, string][] = [
  [KEVENT_RET_BROKEN, 'BROKEN'],
  [KEVENT_RET_DONE, 'DONE'],
  [KEVENT_RET_COPY_FAILED, 'COPY_FAILED'],
];
const TYPE_NAMES: Readonly<Record<number, string>> = { 0: 'KEVENT_SOCKET', 1: 'KEVENT_INODE', 2: 'KEVENT_TIMER', 6: 'KEVENT_PIPE' };

function bits_name(v: number, names: readonly [number, string][]): string {
  const on = names.filter(([b]) => v & b).map(([, n]) => n);
  return on.length ? on.join('|') : '0';
}

export function req_flags_name(v: number): string {
  return bits_name(v, REQ_NAMES);
}

export function ret_flags_name(v: number): string {
  return bits_name(v, RET_NAMES);
}

function id_name(uk: Ukevent): string {
  return uk.type === KEVENT_TIMER ? `timer ${uk.id[0]}s+${uk.id[1]}ns` : `${TYPE_NAMES[uk.type] === 'KEVENT_PIPE' ? 'pipe' : 'fd'} ${uk.id[0]}`;
}

/** A returned ukevent as the trace and `kqsim diff` show it. */
export function ukevent_out(uk: Ukevent): KeventOut {
  return {
    ident: uk.id[0],
    filter: TYPE_NAMES[uk.type] ?? `type ${uk.type}`,
    flags: `${req_flags_name(uk.req_flags)}/${ret_flags_name(uk.ret_flags)}`,
    fflags: uk.event,
    data: uk.ret_data[0],
    udata: uk.user[0],
  };
}

/* ---------------------------------------------------------------- the trace */

declare module '../trace.ts' {
  interface TraceKinds {
    /**
     * Linux kevent (linux-kevent build): `kq` the queue, `kev` the kernel kevent's serial, `id`
     * what it watches, `flags` its req_flags, `user` its user field, `slot` a ring slot (-1
     * none), `note` the storage notification that marked it (0 none), `why` the narration.
     */
    lkevent: { op: string; kq: number; kev: number; id: string; flags: string; user: string; slot: number; note: number; why: string };
  }
}

/* ---------------------------------------------------------------- the structures */

/* struct kevent's flags. */
const KEVENT_READY = 0x1;
const KEVENT_STORAGE = 0x2;
const KEVENT_USER = 0x4;

/** struct kevent: the kernel's copy of a request. */
export class KernelKevent {
  flags = 0;
  st: KeventStorage | null = null;
  /** Which storage notification last marked it ready, and the one it was last dequeued for. */
  note = 0;
  taken_note = 0;
  /** Dequeued for delivery so far, and by which thread last: a ONESHOT kevent must not survive one. */
  delivered = 0;
  delivered_by = '';
  /** Removed by kevent_finish_user: nothing may copy it out any more. */
  finished = false;
  /** The file the origin holds (fget), for sockets and pipes. */
  fp: File | null = null;

  constructor(
    readonly serial: number,
    readonly user: KeventUser,
    public event: Ukevent,
  ) {}
}

/** struct kevent_user: one /dev/kevent queue. */
export class KeventUser implements WaitChannel {
  /** The kevent tree (an rb-tree by id in the patch), in add order here. */
  readonly kevents: KernelKevent[] = [];
  readonly ready_list: KernelKevent[] = [];
  /** The user's ring (struct kevent_ring __user *): an address in the process's memory, 0 = none. */
  pring = 0;
  kidx = 0;
  ring_size = 0;
  readonly chanName: string;

  constructor(
    readonly serial: number,
    readonly proc: Proc,
    /** The descriptor was opened O_NONBLOCK: the syscalls never wait. */
    readonly nonblock: boolean,
  ) {
    this.chanName = `kevent ${serial}`;
  }

  get kevent_num(): number {
    return this.kevents.length;
  }

  get ready_num(): number {
    return this.ready_list.length;
  }
}

/** struct kevent_storage: the kevents hanging on one origin. */
export class KeventStorage {
  readonly list: KernelKevent[] = [];
  /** kqsim: the knote that hooks this storage to the origin's klist (null for a timer). */
  kn: Knote | null = null;
  /** The origin's own readiness test (its filter's f_event), the kevent callback. */
  callback: ((k: Kernel) => KGen<boolean>) | null = null;
  /** A timer's callout, and whether it fired since its kevent was last delivered. */
  timer: Callout | null = null;
  fired = false;
  /**
   * Kevents that belong to this storage, on its list or not (a ONESHOT kevent leaves the list
   * when it is marked, and LAST_CHECK may put it back): the hook stays while there are any.
   */
  users = 0;

  constructor(readonly name: string) {}
}

/** The ring in user memory: struct kevent_ring { ring_kidx; struct ukevent event[]; }. */
export interface KeventRing {
  ring_kidx: number;
  readonly event: (Ukevent | null)[];
}

interface LinuxKeventState {
  readonly queues: KeventUser[];
  /** Storages by origin object and direction. */
  readonly storages: WeakMap<object, Map<number, KeventStorage>>;
  /** Lwps with a pthread_cancel pending. */
  readonly cancelled: WeakSet<Lwp>;
  /** The kqueue the storage knotes nominally belong to: none of them ever reaches it. */
  readonly anchor: Kqueue;
  kev_serial: number;
  note_serial: number;
}

const STATES = new WeakMap<Kernel, LinuxKeventState>();

function state(k: Kernel): LinuxKeventState {
  let s = STATES.get(k);
  if (!s) {
    s = { queues: [], storages: new WeakMap(), cancelled: new WeakSet(), anchor: new Kqueue(0, new Filedesc()), kev_serial: 1, note_serial: 1 };
    STATES.set(k, s);
  }
  return s;
}

/** Every open queue of the run (for the invariants and views). */
export function lkevent_queues(k: Kernel): readonly KeventUser[] {
  return STATES.get(k)?.queues ?? [];
}

function trace(k: Kernel, kv: KernelKevent | null, u: KeventUser, op: string, why: string, slot = -1): void {
  // A copy belongs to the readiness it was dequeued for: the kevent may be marked again meanwhile.
  const note = op === 'copy' || op === 'ring-copy' ? kv?.taken_note : kv?.note;
  trace_uk(k, kv?.serial ?? 0, kv?.event ?? null, note ?? 0, u, op, why, slot);
}

function trace_uk(k: Kernel, kev: number, uk: Ukevent | null, note: number, u: KeventUser, op: string, why: string, slot: number): void {
  k.bus.emit('lkevent', {
    op,
    kq: u.serial,
    kev,
    id: uk ? id_name(uk) : '',
    flags: uk ? req_flags_name(uk.req_flags) : '',
    user: uk ? `${uk.user[0]}:${uk.user[1]}` : '',
    slot,
    note,
    why,
  });
}

/* ---------------------------------------------------------------- origins */

/** The klist direction a socket or pipe kevent's event asks for. */
function origin_filter(event: number): number {
  return event & KEVENT_SOCKET_SEND ? EVFILT_WRITE : EVFILT_READ;
}

/*
 * The origin's ->enqueue: find or make the storage, put the kevent on it, and (take23's
 * socket code) run the callback at once: a positive result means "ready immediately", and
 * the caller hands the kevent back to the user instead of keeping it.
 */
function* kevent_origin_enqueue(k: Kernel, kv: KernelKevent): KGen<number> {
  const uk = kv.event;
  if (uk.type === KEVENT_TIMER) {
    const st = new KeventStorage(`timer ${uk.id[0]}s+${uk.id[1]}ns`);
    kevent_storage_enqueue(st, kv);
    const tick_ns = tick_us(k) * 1000;
    const period = Math.max(1, Math.ceil((uk.id[0] * 1e9 + uk.id[1]) / tick_ns));
    st.timer = new Callout(`kevent_timer_func(kevent ${kv.serial})`);
    callout_reset(k, st.timer, period, kevent_timer_func, st);
    // kqsim: the timer's callback is "it fired"; its ret_data[0] is set when it does.
    st.callback = () => timer_fired(st);
    return 0;
  }
  if (uk.type !== KEVENT_SOCKET && uk.type !== KEVENT_PIPE) return -EINVAL;
  const fp = fd_getfile(kv.user.proc, uk.id[0]);
  if (!fp) return -EBADF;
  if (fp.f_type !== (uk.type === KEVENT_SOCKET ? 'socket' : 'pipe')) return -EINVAL;
  const st = storage_for(k, fp, origin_filter(uk.event));
  if (typeof st === 'number') return st;
  fp.f_count++; // fget: the kevent keeps the file
  kv.fp = fp;
  kevent_storage_enqueue(st, kv);
  yield 'kevent_enqueue:storage';
  if (yield* (st.callback as (k: Kernel) => KGen<boolean>)(k)) {
    kevent_storage_release(k, kv);
    return 1;
  }
  return 0;
}

/* The storage of a socket or pipe for one direction, hooked on the object's klist. */
function storage_for(k: Kernel, fp: File, filter: number): KeventStorage | number {
  const s = state(k);
  const byDir = s.storages.get(fp.f_data) ?? new Map<number, KeventStorage>();
  s.storages.set(fp.f_data, byDir);
  const have = byDir.get(filter);
  if (have) return have;
  const st = new KeventStorage(`${fp.chanName} ${filter === EVFILT_READ ? 'recv' : 'send'}`);
  const kn = k.knote_pool.pool_get(() => new Knote(k.kn_serial++, s.anchor, null, { ident: 0, filter, flags: 0, fflags: 0, data: 0, udata: 0 }));
  kn.kn_fp = fp;
  const error = fp.f_ops.fo_kqfilter(k, fp, kn);
  if (error !== 0) {
    k.knote_pool.pool_put(kn, 'kevent storage');
    return -EINVAL;
  }
  const real = kn.kn_fop as Filterops;
  st.kn = kn;
  st.callback = (kk) => real.f_event(kk, kn, 0);
  const event = filter === EVFILT_READ ? KEVENT_SOCKET_RECV : KEVENT_SOCKET_SEND;
  // The origin's notification (sorwakeup, pipeselwakeup) reaches the storage, never a kqueue.
  kn.kn_fop = {
    f_isfd: true,
    f_attach: () => 0,
    f_detach: real.f_detach,
    *f_event(kk) {
      yield* kevent_storage_ready(kk, st, event);
      return false;
    },
  };
  byDir.set(filter, st);
  return st;
}

function kevent_storage_enqueue(st: KeventStorage, kv: KernelKevent): void {
  if (kv.st !== st) st.users++;
  st.list.push(kv);
  kv.st = st;
  kv.flags |= KEVENT_STORAGE;
}

function kevent_storage_dequeue(st: KeventStorage, kv: KernelKevent): void {
  if ((kv.flags & KEVENT_STORAGE) === 0) return;
  st.list.splice(st.list.indexOf(kv), 1);
  kv.flags &= ~KEVENT_STORAGE;
}

/* The kevent is done with its storage; the last one unhooks it from the origin (or stops the timer). */
function kevent_storage_release(k: Kernel, kv: KernelKevent): void {
  const st = kv.st;
  if (!st) return;
  kevent_storage_dequeue(st, kv);
  kv.st = null;
  if (--st.users > 0) return;
  if (st.timer) callout_stop(k, st.timer);
  if (st.kn) {
    (st.kn.kn_fop as Filterops).f_detach(k, st.kn);
    k.knote_pool.pool_put(st.kn, 'kevent_storage_release');
    state(k)
      .storages.get((st.kn.kn_fp as File).f_data)
      ?.delete(st.kn.kn_kevent.filter);
    st.kn = null;
  }
}

/** A timer storage's callback (kqsim): whether it fired since its kevent was last delivered. */
function* timer_fired(st: KeventStorage): KGen<boolean> {
  return st.fired;
}

/* A timer fired (softclock): note the time, tell its storage, and re-arm while it has a kevent. */
function* kevent_timer_func(k: Kernel, arg: unknown): KGen {
  const st = arg as KeventStorage;
  st.fired = true;
  // "timer notifications put number of milliseconds when timer has fired"
  const ms = Math.floor(time_us(k) / 1000);
  for (const kv of st.list) kv.event.ret_data[0] = ms;
  yield* kevent_storage_ready(k, st, KEVENT_TIMER_FIRED);
  const kv = st.list[0];
  if (kv && st.timer) {
    const tick_ns = tick_us(k) * 1000;
    callout_reset(k, st.timer, Math.max(1, Math.ceil((kv.event.id[0] * 1e9 + kv.event.id[1]) / tick_ns)), kevent_timer_func, st);
  }
}

/* ---------------------------------------------------------------- readiness */

/*
 * kevent_storage_ready: the origin changed. Each kevent interested in `event` is requeued;
 * "Events which have this flag [KEVENT_REQ_WAKEUP_ONE] set will not be marked as ready (and
 * appropriate threads will not be awakened) if at least one event has been already marked."
 * Runs wherever the origin notifies (softnet for UDP, the writer's syscall for a pipe,
 * softclock for a timer); the walk can be interrupted between kevents.
 */
function* kevent_storage_ready(k: Kernel, st: KeventStorage, event: number): KGen {
  const note = state(k).note_serial++;
  let wake_num = 0;
  for (const kv of [...st.list]) {
    if (!(event & kv.event.event) && kv.event.type !== KEVENT_TIMER) continue;
    k.m.touch('chan', kv.user.chanName);
    const wakeup_one = (kv.event.req_flags & KEVENT_REQ_WAKEUP_ONE) !== 0 && !k.build.has('mutant-wakeup-all');
    if (wakeup_one && wake_num > 0) {
      trace(
        k,
        kv,
        kv.user,
        'skip',
        `KEVENT_REQ_WAKEUP_ONE: ${wake_num} kevent(s) of ${st.name} already marked in this notification, so this one is not`,
      );
      continue;
    }
    if (yield* __kevent_requeue(k, kv, note)) wake_num++;
    yield 'kevent_storage_ready:next';
  }
}

/*
 * __kevent_requeue: run the callback. Ready: KEVENT_RET_DONE. take23: a kevent whose
 * KEVENT_RET_DONE is still set from an earlier time counts as ready whatever the callback
 * says (only KEVENT_REQ_ET clears it on delivery). A ready kevent goes on the ready queue
 * unless it is there already, and the queue's waiters are woken; a ONESHOT one leaves its
 * storage. Returns whether it counted as ready.
 */
function* __kevent_requeue(k: Kernel, kv: KernelKevent, note: number): KGen<boolean> {
  const st = kv.st as KeventStorage;
  const ready = yield* (st.callback as (k: Kernel) => KGen<boolean>)(k);
  const sticky = !ready && (kv.event.ret_flags & (KEVENT_RET_DONE | KEVENT_RET_BROKEN)) !== 0;
  if (!ready && !sticky) return false;
  kv.event.ret_flags |= KEVENT_RET_DONE;
  if (kv.event.req_flags & KEVENT_REQ_ONESHOT) kevent_storage_dequeue(st, kv);
  const u = kv.user;
  k.m.touch('chan', u.chanName);
  const queued = (kv.flags & KEVENT_READY) === 0;
  if (queued) {
    u.ready_list.push(kv);
    kv.flags |= KEVENT_READY;
    kv.note = note;
  }
  const why = sticky
    ? 'the callback says not ready, but KEVENT_RET_DONE is still set from before (no ET), so it counts as ready'
    : 'the callback says ready: KEVENT_RET_DONE';
  trace(
    k,
    kv,
    u,
    queued ? 'mark' : 'mark-again',
    `${why}; ${queued ? `on the ready queue (ready_num ${u.ready_num})` : 'already on the ready queue'}; wake_up(${u.chanName})`,
  );
  wakeup(k, u);
  return true;
}

/** The callback's answer now, without side effects on the queue (for the LAST_CHECK invariant). */
export function kevent_ready_now(k: Kernel, kv: KernelKevent): boolean {
  const st = kv.st ?? null;
  if (!st?.callback) return kv.event.type === KEVENT_TIMER;
  const g = st.callback(k);
  for (let r = g.next(); ; r = g.next()) if (r.done) return r.value;
}

/* ---------------------------------------------------------------- dequeue and delivery */

/*
 * kqueue_dequeue_ready: take the first ready kevent (under ring_lock) and copy it into the
 * user's ring, if there is one. take24's KEVENT_REQ_LAST_CHECK: "perform the last check on
 * kevent (call appropriate callback) when kevent is marked as ready and has been removed
 * from ready queue. If it will be confirmed that kevent is ready ... then kevent will be
 * copied to userspace, otherwise it will be requeued back to storage."
 */
function* kqueue_dequeue_ready(k: Kernel, u: KeventUser): KGen<KernelKevent | null> {
  for (;;) {
    k.m.touch('chan', u.chanName);
    const kv = u.ready_list.shift();
    if (!kv) return null;
    kv.flags &= ~KEVENT_READY;
    trace(k, kv, u, 'dequeue', `kqueue_dequeue_ready: off the ready queue (ready_num ${u.ready_num})`);
    if (kv.event.req_flags & KEVENT_REQ_LAST_CHECK && !k.build.has('mutant-no-last-check')) {
      // "Second (checking) call is performed with this bit cleared ... If kevent will be
      // requeued, bit will be set again."
      kv.event.req_flags &= ~KEVENT_REQ_LAST_CHECK;
      const ready = kv.st ? yield* (kv.st.callback as (k: Kernel) => KGen<boolean>)(k) : true;
      kv.event.req_flags |= KEVENT_REQ_LAST_CHECK;
      if (!ready) {
        kv.event.ret_flags &= ~KEVENT_RET_DONE;
        if (kv.st && (kv.flags & KEVENT_STORAGE) === 0) kevent_storage_enqueue(kv.st, kv);
        trace(
          k,
          kv,
          u,
          'last-check-failed',
          'KEVENT_REQ_LAST_CHECK: the callback, re-run with the bit cleared, says not ready: requeued back to storage, not copied',
        );
        continue;
      }
    }
    kv.delivered++;
    kv.delivered_by = k.m.contextName();
    kv.taken_note = kv.note;
    yield* kevent_copy_ring_buffer(k, kv);
    return kv;
  }
}

/*
 * kevent_copy_ring_buffer: put the ukevent at ring->event[kidx] and tell the user where the
 * kernel will put the next one ("ring_kidx - is an index in the ring buffer where kernel
 * will put new events"; take23's code stores the index it just wrote). A copy that faults
 * sets KEVENT_RET_COPY_FAILED.
 */
function* kevent_copy_ring_buffer(k: Kernel, kv: KernelKevent): KGen {
  const u = kv.user;
  if (u.pring === 0 || k.build.has('mutant-ring-skipped')) return;
  const slot = u.kidx;
  // kqsim: only the ring's own block is mapped; a slot past it, or no ring there, faults.
  const ring = uvm_of(u.proc).at(u.pring)?.fields.ring as KeventRing | undefined;
  const ok =
    ring !== undefined &&
    slot < ring.event.length &&
    copyout(k, u.proc, u.pring, UKEVENT_SIZE, `ukevent into ring slot ${slot}`, () => {
      ring.event[slot] = uk_copy(kv.event);
      ring.ring_kidx = (slot + 1) % u.ring_size;
    });
  if (!ok) {
    kv.event.ret_flags |= KEVENT_RET_COPY_FAILED;
    trace(k, kv, u, 'copy-failed', 'KEVENT_RET_COPY_FAILED: the ring is not mapped there (copy_to_user faulted)', slot);
    return;
  }
  u.kidx = (u.kidx + 1) % u.ring_size;
  trace(k, kv, u, 'ring-copy', `kevent_copy_ring_buffer: into ring slot ${slot}; ring_kidx is now ${u.kidx}`, slot);
  yield 'kevent_copy_ring_buffer:copied';
}

/* kevent_complete_ready: a delivered ONESHOT kevent goes; an ET one is cleared for reuse. */
function* kevent_complete_ready(k: Kernel, kv: KernelKevent): KGen {
  if (kv.event.req_flags & KEVENT_REQ_ONESHOT) {
    if (!k.build.has('mutant-oneshot-kept')) yield* kevent_finish_user(k, kv, 'KEVENT_REQ_ONESHOT: delivered, so removed (kevent_finish_user)');
  } else if (kv.event.req_flags & KEVENT_REQ_ET) {
    kv.event.ret_flags = 0;
    kv.event.ret_data = [0, 0];
    if (kv.st) kv.st.fired = false;
    trace(k, kv, kv.user, 'et-clear', 'KEVENT_REQ_ET: ret_flags and ret_data cleared: back in the set of interest of its storage');
  } else if (kv.st) {
    kv.st.fired = false;
  }
}

/*
 * kevent_finish_user: out of the user's tree, off the storage, off the ready queue ("When
 * kevent is removed ... even if it was ready, it is not copied into ring buffer"), and the
 * file it held is released.
 */
function* kevent_finish_user(k: Kernel, kv: KernelKevent, why: string, unlink_ready = true): KGen {
  const u = kv.user;
  k.m.touch('chan', u.chanName);
  u.kevents.splice(u.kevents.indexOf(kv), 1);
  kv.flags &= ~KEVENT_USER;
  kevent_storage_release(k, kv);
  if (unlink_ready && kv.flags & KEVENT_READY) {
    u.ready_list.splice(u.ready_list.indexOf(kv), 1);
    kv.flags &= ~KEVENT_READY;
  }
  kv.finished = true;
  trace(k, kv, u, 'remove', why);
  if (kv.fp) {
    const fp = kv.fp;
    kv.fp = null;
    yield* closef(k, fp);
  }
}

/* ---------------------------------------------------------------- waiting */

function timeout_ticks(k: Kernel, timeout_ns: number): number {
  if (timeout_ns < 0) return 0;
  return Math.ceil(timeout_ns / (tick_us(k) * 1000));
}

/*
 * wait_event_interruptible_timeout(u->wait, cond, timeout): sleep until cond holds, the
 * timeout passes, or a signal (here: pthread_cancel) arrives. Callers go on to dequeue
 * whatever is ready however the wait ended, as take23's kevent_user_wait does.
 */
function* wait_event(k: Kernel, u: KeventUser, lwp: Lwp, cond: () => boolean, timeout_ns: number): KGen {
  const forever = timeout_ns < 0;
  const deadline = k.m.ticks + timeout_ticks(k, timeout_ns);
  for (;;) {
    k.m.touch('chan', u.chanName);
    if (cond()) return;
    k.m.touch('time');
    const left = deadline - k.m.ticks;
    if (!forever && left <= 0) return;
    if (state(k).cancelled.has(lwp)) return;
    const error = yield* ltsleep(k, u, true, 'kevent', forever ? 0 : left);
    if (error === EWOULDBLOCK || error !== 0 || state(k).cancelled.has(lwp)) return;
  }
}

/* ---------------------------------------------------------------- the syscalls */

function queue_of(k: Kernel, p: Proc, fd: number): KeventUser | number {
  const fp = fd_getfile(p, fd);
  if (!fp) return EBADF;
  // "file->f_op != &kevent_user_fops": EINVAL.
  if (fp.f_type !== 'kevent') return EINVAL;
  KASSERT(lkevent_queues(k).includes(fp.f_data as KeventUser), 'kevent file has a kevent_user');
  return fp.f_data as KeventUser;
}

/* kevent_user_release: closing the queue removes every kevent. */
const kevent_user_fops: Fileops = {
  *fo_read() {
    return { error: EINVAL, data: '' };
  },
  *fo_write() {
    return { error: EINVAL, written: 0 };
  },
  fo_kqfilter: () => 1,
  *fo_ioctl() {
    return EINVAL;
  },
  *fo_close(k, fp) {
    const u = fp.f_data as KeventUser;
    for (const kv of [...u.kevents]) yield* kevent_finish_user(k, kv, 'kevent_user_release: the queue was closed');
    const qs = state(k).queues;
    qs.splice(qs.indexOf(u), 1);
    return 0;
  },
};

/** open("/dev/kevent"): a new queue. */
export function* kevent_user_open(k: Kernel, p: Proc, nonblock: boolean): KGen<{ error: number; fd: number }> {
  if (!fd_avail(p, 1)) return { error: EMFILE, fd: -1 };
  const s = state(k);
  const u = new KeventUser(k.file_serial, p, nonblock);
  s.queues.push(u);
  const fd = fdalloc(p, file_create(k, 'kevent', kevent_user_fops, u, u.chanName));
  trace(k, null, u, 'open', `kevent_user_open: a struct kevent_user behind fd ${fd}${nonblock ? ', O_NONBLOCK' : ''}`);
  yield 'kevent_user_open:done';
  return { error: 0, fd };
}

/*
 * kevent_user_add_ukevent: a kernel kevent for the request, in the user's tree and on its
 * origin's storage. Broken (bad type, fd, duplicate id) or ready at once: the ukevent comes
 * back to the caller with ret_flags set and the kevent is not kept. Returns <0, 0 or >0.
 */
function* kevent_user_add_ukevent(k: Kernel, u: KeventUser, uk: Ukevent): KGen<number> {
  const s = state(k);
  const kv = new KernelKevent(s.kev_serial++, u, uk_copy(uk));
  kv.event.ret_flags = 0;
  let err = 0;
  if (![KEVENT_SOCKET, KEVENT_PIPE, KEVENT_TIMER].includes(uk.type))
    err = -EINVAL; // kevent_init: no callbacks
  else if (u.kevents.some((x) => x.event.id[0] === uk.id[0] && x.event.id[1] === uk.id[1])) err = -EEXIST; // take23: the tree is keyed by id
  if (err === 0) {
    u.kevents.push(kv);
    kv.flags |= KEVENT_USER;
    err = yield* kevent_origin_enqueue(k, kv);
    if (err !== 0) {
      Object.assign(uk, uk_copy(kv.event));
      u.kevents.splice(u.kevents.indexOf(kv), 1);
      if (err > 0 && kv.fp) {
        yield* closef(k, kv.fp);
        kv.fp = null;
      }
    }
  }
  if (err < 0) {
    uk.ret_flags |= KEVENT_RET_BROKEN | KEVENT_RET_DONE;
    uk.ret_data[1] = err;
    trace(
      k,
      kv,
      u,
      'broken',
      `KEVENT_RET_BROKEN|DONE, ret_data[1] = ${err}: ${err === -EEXIST ? 'the queue already has a kevent with this id' : err === -EBADF ? 'no such descriptor' : 'no such type, or the descriptor is not of that type'}`,
    );
  } else if (err > 0) {
    uk.ret_flags |= KEVENT_RET_DONE;
    trace(
      k,
      kv,
      u,
      'add-ready',
      'ready at once: handed back to the caller with KEVENT_RET_DONE and not kept ("check ret_flags to see if the event is already broken or done")',
    );
  } else {
    trace(k, kv, u, 'add', `kevent_user_add_ukevent: on ${(kv.st as KeventStorage).name}`);
  }
  return err;
}

/* Find by id and user: "an existing kevent request must have matching id and user fields". */
function kevent_search(u: KeventUser, uk: Ukevent): KernelKevent | undefined {
  return u.kevents.find(
    (x) => x.event.id[0] === uk.id[0] && x.event.id[1] === uk.id[1] && x.event.user[0] === uk.user[0] && x.event.user[1] === uk.user[1],
  );
}

/* "req_flags and event are replaced with the newly supplied values and requeueing is started" */
function* kevent_modify(k: Kernel, u: KeventUser, uk: Ukevent): KGen<boolean> {
  const kv = kevent_search(u, uk);
  if (!kv) return false;
  kv.event.event = uk.event;
  kv.event.req_flags = uk.req_flags;
  kv.event.ret_flags = 0;
  trace(k, kv, u, 'modify', `KEVENT_CTL_MODIFY: event ${uk.event}, req_flags ${req_flags_name(uk.req_flags)}; requeueing it`);
  if (kv.st && (kv.flags & KEVENT_STORAGE) === 0) kevent_storage_enqueue(kv.st, kv);
  if (kv.st) yield* __kevent_requeue(k, kv, state(k).note_serial++);
  return true;
}

function* kevent_remove(k: Kernel, u: KeventUser, uk: Ukevent): KGen<boolean> {
  const kv = kevent_search(u, uk);
  if (!kv) return false;
  yield* kevent_finish_user(
    k,
    kv,
    'KEVENT_CTL_REMOVE: removed, and not copied to the ring even if it was ready',
    !k.build.has('mutant-remove-stays-ready'),
  );
  return true;
}

/*
 * kevent_ctl(fd, cmd, num, arg). ADD: the ready or broken entries are copied back to the
 * front of the array and their number returned. REMOVE, MODIFY: "If a match can't be found,
 * the passed in ukevent's ret_flags has KEVENT_RET_BROKEN set. KEVENT_RET_DONE is always
 * set." (take23: num above the queue's kevent count is EINVAL). An unknown cmd is EINVAL;
 * entries past the caller's array fault (EFAULT), the ones before stay done.
 */
export function* sys_kevent_ctl(k: Kernel, p: Proc, fd: number, cmd: number, num: number, arr: Ukevent[]): KGen<{ error: number; ret: number }> {
  const u = queue_of(k, p, fd);
  if (typeof u === 'number') return { error: u, ret: 0 };
  if (cmd !== KEVENT_CTL_ADD && cmd !== KEVENT_CTL_REMOVE && cmd !== KEVENT_CTL_MODIFY) return { error: EINVAL, ret: 0 };
  if (!Number.isInteger(num) || num < 0) return { error: EINVAL, ret: 0 };
  if (cmd !== KEVENT_CTL_ADD && num > u.kevent_num) return { error: EINVAL, ret: 0 };
  let rnum = 0;
  for (let i = 0; i < num; i++) {
    const src = arr[i];
    if (!src) return { error: EFAULT, ret: 0 };
    copy_count(k, p, 'in', UKEVENT_SIZE, `ukevent ${i} of kevent_ctl`);
    const uk = uk_copy(src);
    if (cmd === KEVENT_CTL_ADD) {
      if ((yield* kevent_user_add_ukevent(k, u, uk)) !== 0) {
        arr[rnum] = uk;
        copy_count(k, p, 'out', UKEVENT_SIZE, `ready or broken ukevent back into slot ${rnum}`);
        rnum++;
      }
    } else {
      const found = cmd === KEVENT_CTL_REMOVE ? yield* kevent_remove(k, u, uk) : yield* kevent_modify(k, u, uk);
      if (!found) {
        uk.ret_flags |= KEVENT_RET_BROKEN;
        trace(
          k,
          null,
          u,
          'broken',
          `${cmd === KEVENT_CTL_REMOVE ? 'KEVENT_CTL_REMOVE' : 'KEVENT_CTL_MODIFY'} of ${id_name(uk)} user ${uk.user[0]}:${uk.user[1]}: no kevent with that id and user: KEVENT_RET_BROKEN`,
        );
      }
      uk.ret_flags |= KEVENT_RET_DONE;
      arr[i] = uk;
      copy_count(k, p, 'out', UKEVENT_SIZE, `ukevent ${i} back with its ret_flags`);
    }
    yield 'kevent_ctl:next';
  }
  return { error: 0, ret: cmd === KEVENT_CTL_ADD ? rnum : 0 };
}

/*
 * kevent_get_events: "In nonblocking mode it returns as many events as possible, but not
 * more than max_nr. In blocking mode it waits until timeout or if at least min_nr events are
 * ready." Each dequeued kevent also goes to the ring. take23: a copy past the caller's
 * buffer ends the call (the kevent already left the ready queue and sits only in the ring).
 */
export function* sys_kevent_get_events(
  k: Kernel,
  p: Proc,
  lwp: Lwp,
  fd: number,
  min_nr: number,
  max_nr: number,
  timeout_ns: number,
  buf_len: number,
  out: Ukevent[],
): KGen<{ error: number; ret: number }> {
  const u = queue_of(k, p, fd);
  if (typeof u === 'number') return { error: u, ret: 0 };
  if (!u.nonblock) yield* wait_event(k, u, lwp, () => u.ready_num >= min_nr, timeout_ns);
  while (out.length < max_nr) {
    const kv = yield* kqueue_dequeue_ready(k, u);
    if (!kv) break;
    if (out.length >= buf_len) {
      trace(
        k,
        kv,
        u,
        'copy-fault',
        `copy_to_user past the caller's ${buf_len}-entry buffer faults: the call ends; this kevent is off the ready queue${u.pring ? ' and only in the ring' : ''}`,
      );
      break;
    }
    out.push(uk_copy(kv.event));
    copy_count(k, p, 'out', UKEVENT_SIZE, `ukevent into buf[${out.length - 1}]`);
    trace(k, kv, u, 'copy', `copy_to_user into buf[${out.length - 1}]`);
    yield 'kevent_user_wait:copy_to_user';
    yield* kevent_complete_ready(k, kv);
  }
  return { error: 0, ret: out.length };
}

/*
 * kevent_wait: "waits until either timeout expires or at least one event becomes ready. It
 * also copies that num events into special ring buffer and requeues them (or removes
 * depending on flags)." take23: EINVAL without a ring, or with num >= the ring's size.
 */
export function* sys_kevent_wait(k: Kernel, p: Proc, lwp: Lwp, fd: number, num: number, timeout_ns: number): KGen<{ error: number; ret: number }> {
  const u = queue_of(k, p, fd);
  if (typeof u === 'number') return { error: u, ret: 0 };
  if (u.pring === 0 || !Number.isInteger(num) || num < 0 || num >= u.ring_size) return { error: EINVAL, ret: 0 };
  if (!u.nonblock) yield* wait_event(k, u, lwp, () => u.ready_num >= 1, timeout_ns);
  let committed = 0;
  for (let i = 0; i < num; i++) {
    const kv = yield* kqueue_dequeue_ready(k, u);
    if (!kv) break;
    yield* kevent_complete_ready(k, kv);
    committed++;
  }
  return { error: 0, ret: committed };
}

/* kevent_ring_init: take23 refuses a second ring (EINVAL) and takes NULL as "no ring". */
export function* sys_kevent_ring_init(k: Kernel, p: Proc, fd: number, ring: number, num: number): KGen<{ error: number; ret: number }> {
  const u = queue_of(k, p, fd);
  if (typeof u === 'number') return { error: u, ret: 0 };
  if (u.pring !== 0 || !Number.isInteger(num) || num < 0) return { error: EINVAL, ret: 0 };
  u.pring = ring;
  u.ring_size = num;
  u.kidx = 0;
  trace(
    k,
    null,
    u,
    'ring-init',
    ring === 0
      ? 'kevent_ring_init with a NULL ring: accepted, and the queue has no ring'
      : `kevent_ring_init: a ring of ${num} ukevents at 0x${ring.toString(16)}`,
  );
  yield 'kevent_ring_init:done';
  return { error: 0, ret: 0 };
}

/* ---------------------------------------------------------------- the user side */

export interface KeventResult extends SysResult {
  /** kevent_get_events: the ukevents copied into the caller's buffer. */
  readonly ukevents: readonly Ukevent[];
}

/** Thrown through a cancelled thread: it ends at the cancellation point. */
function cancel_exit(p: Proc): never {
  throw new LwpExit(p.p_pid);
}

/**
 * The Linux kevent calls, as glibc wrappers a scenario's thread makes (`const lk =
 * kevent_api(u)`). The kevent syscalls are cancellation points: a thread with a
 * pthread_cancel pending ends there, on entry or on the way out, and "no events will be
 * lost, since each syscall ... will copy event into special ring buffer".
 */
export class KeventApi {
  private readonly g: SyscallGate;

  constructor(u: Libc) {
    this.g = u.gate();
  }

  private *call(
    name: string,
    args: string | (() => string),
    body: () => KGen<Outcome>,
    ukevents: Ukevent[] = [],
    fd = -1,
  ): Generator<Yield, KeventResult, void> {
    this.cancellation_point(fd, []);
    const r = yield* this.g.syscall(name, args, body);
    this.cancellation_point(fd, ukevents);
    return { ...r, ukevents };
  }

  /* A pending cancel ends the thread here; the ukevents it was handed are lost with it. */
  private cancellation_point(fd: number, returned: readonly Ukevent[]): void {
    const { k, proc, lwp } = this.g;
    if (!state(k).cancelled.has(lwp)) return;
    const u = fd >= 0 ? queue_of(k, proc, fd) : null;
    for (const uk of returned) {
      if (typeof u !== 'object' || u === null) continue;
      const why = `${lwp.thread.name} is cancelled at the syscall's return: this ukevent, in its buffer, goes with it${u.pring ? '; the ring should have it' : '; the queue has no ring'}`;
      trace_uk(k, 0, uk, 0, u, 'lost-with-thread', why, -1);
    }
    k.bus.emit('log', { text: `${lwp.thread.name}: cancelled at a kevent cancellation point (pthread_cancel)` });
    cancel_exit(proc);
  }

  /** open("/dev/kevent"), O_NONBLOCK if asked. */
  *open(opts: { nonblock?: boolean } = {}): Generator<Yield, KeventResult, void> {
    const { k, proc } = this.g;
    return yield* this.call('open', `"/dev/kevent"${opts.nonblock ? ', O_NONBLOCK' : ''}`, () =>
      fd_body(kevent_user_open(k, proc, opts.nonblock ?? false)),
    );
  }

  /** kevent_ctl(fd, cmd, num, arg): the kernel writes ret_flags (and ADD's ready entries) back into `arg`. */
  *kevent_ctl(fd: number, cmd: number, num: number, arg: Ukevent[]): Generator<Yield, KeventResult, void> {
    const { k, proc } = this.g;
    const args = () => {
      const cmdName = ['KEVENT_CTL_ADD', 'KEVENT_CTL_REMOVE', 'KEVENT_CTL_MODIFY'][cmd] ?? `cmd ${cmd}`;
      const list = arg
        .slice(0, num)
        .map(
          (uk) =>
            ` [${id_name(uk)} ${TYPE_NAMES[uk.type] ?? `type ${uk.type}`} event ${uk.event} ${req_flags_name(uk.req_flags)} user ${uk.user[0]}]`,
        )
        .join('');
      return `fd ${fd}, ${cmdName}, num ${num}${list}`;
    };
    return yield* this.call('kevent_ctl', args, () => kevent_ctl_body(k, proc, fd, cmd, num, arg));
  }

  /** kevent_get_events(ctl_fd, min_nr, max_nr, timeout (ns, -1 forever), buf, flags); `buf_len` entries in buf. */
  *kevent_get_events(fd: number, min_nr: number, max_nr: number, timeout_ns: number, buf_len = max_nr): Generator<Yield, KeventResult, void> {
    const { k, proc, lwp } = this.g;
    const out: Ukevent[] = [];
    const args = () => `fd ${fd}, min_nr ${min_nr}, max_nr ${max_nr}, timeout ${timeout_ns < 0 ? 'forever' : `${timeout_ns}ns`}, buf of ${buf_len}`;
    return yield* this.call(
      'kevent_get_events',
      args,
      () => kevent_get_events_body(sys_kevent_get_events(k, proc, lwp, fd, min_nr, max_nr, timeout_ns, buf_len, out), out),
      out,
      fd,
    );
  }

  /** kevent_wait(ctl_fd, num, timeout): commits up to num ready kevents into the ring. */
  *kevent_wait(fd: number, num: number, timeout_ns: number): Generator<Yield, KeventResult, void> {
    const { k, proc, lwp } = this.g;
    return yield* this.call(
      'kevent_wait',
      `fd ${fd}, num ${num}, timeout ${timeout_ns < 0 ? 'forever' : `${timeout_ns}ns`}`,
      () => sys_kevent_wait(k, proc, lwp, fd, num, timeout_ns),
      [],
      fd,
    );
  }

  /** malloc a struct kevent_ring of `num` ukevents in user memory (no syscall); returns its address. */
  ring_alloc(num: number): number {
    const ring: KeventRing = { ring_kidx: 0, event: Array.from({ length: num }, () => null) };
    return uvm_of(this.g.proc).malloc(4 + UKEVENT_SIZE * num, { ring });
  }

  *kevent_ring_init(fd: number, ring: number, num: number): Generator<Yield, KeventResult, void> {
    const { k, proc } = this.g;
    const args = () => `fd ${fd}, ring ${ring === 0 ? 'NULL' : `0x${ring.toString(16)}`}, num ${num}`;
    return yield* this.call('kevent_ring_init', args, () => sys_kevent_ring_init(k, proc, fd, ring, num));
  }

  private ring(addr: number): KeventRing {
    const ring = uvm_of(this.g.proc).at(addr)?.fields.ring as KeventRing | undefined;
    if (!ring) throw new RangeError(`no kevent ring at 0x${addr.toString(16)}`);
    return ring;
  }

  /** The user reads ring_kidx (a plain load: another thread may run just before or after). */
  *ring_kidx(addr: number): Generator<Yield, number, void> {
    yield 'user:ring_kidx';
    return this.ring(addr).ring_kidx;
  }

  /**
   * The user copies ring slot `slot` out field by field, as C code reading the shared ring
   * would: another thread's kevent_get_events or kevent_wait may rewrite the slot meanwhile
   * ("appropriate locking ... is required"). Returns what it read (null: an empty slot).
   */
  *ring_read(addr: number, slot: number, fd: number): Generator<Yield, Ukevent | null, void> {
    const { k, proc, lwp } = this.g;
    const ring = this.ring(addr);
    const u = queue_of(k, proc, fd);
    const q = typeof u === 'number' ? null : u;
    const mark = (op: string, why: string) => {
      if (q) trace(k, null, q, op, `${lwp.thread.name} ${why}`, slot);
    };
    mark('ring-read-begin', `starts reading ring slot ${slot}`);
    yield 'user:ring_read:id';
    const first = ring.event[slot];
    if (!first) {
      mark('ring-read-end', `finds ring slot ${slot} empty`);
      return null;
    }
    const id: [number, number] = [...first.id];
    const type = first.type;
    yield 'user:ring_read:rest';
    const rest = ring.event[slot] as Ukevent;
    const got: Ukevent = { ...uk_copy(rest), id, type };
    mark('ring-read-end', `has read ring slot ${slot}: ${id_name(got)} user ${got.user[0]}`);
    return got;
  }

  /** pthread_cancel(3): the target ends at its next kevent cancellation point (woken if it waits in one). */
  *pthread_cancel(target: KeventApi): Generator<Yield, KeventResult, void> {
    const { k } = this.g;
    const l = target.g.lwp;
    return yield* this.call('pthread_cancel', l.thread.name, () => pthread_cancel_body(k, l));
  }
}

/*
 * The kernel sides of the calls: module-level generators, not generator expressions made per
 * call (see libc_syscall.ts).
 */

function* kevent_ctl_body(k: Kernel, proc: Proc, fd: number, cmd: number, num: number, arg: Ukevent[]): KGen<Outcome> {
  const r = yield* sys_kevent_ctl(k, proc, fd, cmd, num, arg);
  return { error: r.error, ret: r.ret, ...(cmd === KEVENT_CTL_ADD && r.ret > 0 ? { traced: arg.slice(0, r.ret).map(ukevent_out) } : {}) };
}

/** `out` is the buffer the call fills: the trace shows what it copied there. */
function* kevent_get_events_body(call: KGen<{ error: number; ret: number }>, out: readonly Ukevent[]): KGen<Outcome> {
  const r = yield* call;
  return { error: r.error, ret: r.ret, traced: out.map(ukevent_out) };
}

function* pthread_cancel_body(k: Kernel, l: Lwp): KGen<Outcome> {
  state(k).cancelled.add(l);
  if (l.l_wchan !== null && l.l_flag & L_SINTR) setrunnable_lwp(k, l, 'SIGCANCEL (pthread_cancel)');
  yield 'pthread_cancel:done';
  return { error: 0 };
}

export function kevent_api(u: Libc): KeventApi {
  return new KeventApi(u);
}
