/*
 * kern_event.c (NetBSD 2.0, revision 1.19): kqueue, kevent, knotes and the built-in filters.
 * Re-expressed from the C source's structure; function names are the kernel's so the two
 * can be read side by side.
 *
 *   sys_kqueue, sys_kevent          the syscalls
 *   kqueue_register                 apply one change (EV_ADD/DELETE/ENABLE/DISABLE)
 *   kqueue_scan                     collect events, sleeping on the kqueue if none
 *   kqueue_wakeup, kqueue_close, kqueue_kqfilter, kqueueops
 *   knote, KNOTE_ACTIVATE           a source reports a change to its klist
 *   knote_enqueue, knote_dequeue, knote_attach, knote_drop, knote_remove, knote_fdclose
 *   filt_kqueue, filt_proc*, filt_timer*, filt_user*, file_filtops, sys_kfilters
 *   kqueue_ioctl                    KFILTER_BYFILTER, KFILTER_BYNAME, and the ktickle ioctl
 *
 * Build `kcont-knote` (Pavel Cahyna, 2004; options KCONT): every knote carries a kcont,
 * kn_kcont, and KNOTE_ACTIVATE and EV_ENABLE run it instead of queueing the knote. The
 * default one, kq_func, queues the knote; KN_KC_ASSERT checks a knote still has it. Each
 * place the patch changed asks `k.build.has('kcont-knote')`, and nothing else differs.
 *
 * Locking is the 1.19 uniprocessor design: spl only (kq_lock is a no-op simple_lock on UP;
 * kqsim models it on netbsd-4.0 builds, for the lock/spl check). knote() runs at whatever
 * IPL its caller is at; only the queue operations themselves raise to splsched.
 *
 * Later builds change it at the exact places (src/builds.ts):
 *   netbsd-4.0 (1.41)      kq_lock (a simplelock) inside splsched around the queue
 *   +ktickle-v1/v2         KQ_TICKLED: an ioctl wakes kevent, which returns EINTR; the
 *                          patch takes kq_lock at spl0, where interrupts still arrive
 *   +ktickle-v2-splsched   the same, with splsched() around its kq_lock
 *   netbsd-modern (1.140)  EVFILT_USER with f_touch, EV_DISPATCH, EV_RECEIPT; kqueue_register
 *                          re-checks the filter and replaces udata/sfflags/sdata on every
 *                          change; the timer's units, NOTE_ABSTIME and f_touch; NOTE_EXIT's
 *                          wait status; NOTE_TRACK's two knotes; EVFILT_EMPTY; EINVAL for
 *                          an unsupported filter
 */
import { kern_version_at_least } from '../builds.ts';
import { KASSERT, type KGen } from '../machine/machine.ts';
import type { Cpl } from '../machine/platform.ts';
import { splclock, splsched, splx } from '../machine/spl.ts';
import type { KeventOut } from '../trace.ts';
import {
  EACCES,
  EBADF,
  EFAULT,
  EINTR,
  EINVAL,
  EMFILE,
  ENAMETOOLONG,
  ENOENT,
  ENOMEM,
  ENOSYS,
  ENOTTY,
  ENXIO,
  ERESTART,
  ESRCH,
  EWOULDBLOCK,
} from './errno.ts';
import {
  EV_ADD,
  EV_CLEAR,
  EV_DELETE,
  EV_DISABLE,
  EV_DISPATCH,
  EV_ENABLE,
  EV_EOF,
  EV_ERROR,
  EV_FLAG1,
  EV_ONESHOT,
  EV_RECEIPT,
  EV_SYSFLAGS,
  EVFILT_AIO,
  EVFILT_EMPTY,
  EVFILT_FS,
  EVFILT_PROC,
  EVFILT_READ,
  EVFILT_SIGNAL,
  EVFILT_TIMER,
  EVFILT_USER,
  EVFILT_VNODE,
  EVFILT_WRITE,
  filter_name,
  flags_name,
  type Kevent,
  KN_ACTIVE,
  KN_DETACHED,
  KN_DISABLED,
  KN_QUEUED,
  KQ_NEVENTS,
  NOTE_ABSTIME,
  NOTE_CHILD,
  NOTE_EXIT,
  NOTE_FFAND,
  NOTE_FFCOPY,
  NOTE_FFCTRLMASK,
  NOTE_FFLAGSMASK,
  NOTE_FFOR,
  NOTE_FORK,
  NOTE_PCTRLMASK,
  NOTE_PDATAMASK,
  NOTE_TIMER_UNITMASK,
  NOTE_TRACK,
  NOTE_TRACKERR,
  NOTE_TRIGGER,
  status_name,
} from './event_h.ts';
import { hzto, mstohz, tick_us, time_us, tvtohz } from './kern_clock.ts';
import { fd_avail, fd_getfile, fdalloc, file_create } from './kern_descrip.ts';
import { P_WAITSTATUS } from './kern_exit.ts';
import { KC_AUTOFREE, KC_IPL_IMMED, type Kc, kc_free, kc_pool_get, kcont, kcont_run, kcont_state } from './kern_kcont.ts';
import { SimpleLock, simple_lock, simple_unlock } from './kern_lock.ts';
import { sig_filtops } from './kern_sig.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import { CLOCK_REALTIME, clock_timespec } from './kern_time.ts';
import { Callout, callout_reset, callout_schedule, callout_stop } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';
import { type File, type Filedesc, type Fileops, KN_HASH, KN_HASHSIZE, P_SUGID, type Proc, type WaitChannel } from './proc.ts';

/** struct filterops. f_event may run kernel code that has preemption points (NOTE_TRACK). */
export interface Filterops {
  readonly f_isfd: boolean;
  f_attach(k: Kernel, kn: Knote): number;
  f_detach(k: Kernel, kn: Knote): void;
  f_event(k: Kernel, kn: Knote, hint: number): KGen<boolean>;
  /**
   * Modern only (FreeBSD's and NetBSD 1.108's f_touch): EVENT_REGISTER applies a later change
   * to an existing knote; EVENT_PROCESS fills in the kevent the scan copies out.
   */
  f_touch?(k: Kernel, kn: Knote, kev: Kevent, type: 'EVENT_REGISTER' | 'EVENT_PROCESS'): KGen<number>;
}

export class Knote {
  kn_status = 0;
  kn_sfflags = 0;
  kn_sdata = 0;
  kn_fp: File | null = null;
  /** The watched object: a pipe, a socket, a process... (the kernel's kn_ptr / kn_hook). */
  kn_ptr: unknown = null;
  kn_hook: unknown = null;
  /** kcont-knote: the continuation KNOTE_ACTIVATE runs (kq_func for every kqueue knote). */
  kn_kcont: Kc | null = null;
  /** EVFILT_USER: 1 while the user event is triggered (kn_hookid in the kernel). */
  kn_hookid = 0;

  constructor(
    /** A serial number for the trace; the kernel would print the address. */
    readonly kn_serial: number,
    readonly kn_kq: Kqueue,
    public kn_fop: Filterops | null,
    /** The stored copy of the user's kevent (kn_id, kn_filter, kn_flags, kn_fflags, kn_data, udata). */
    public kn_kevent: Kevent,
  ) {}

  /** A scan marker: a zero-filled knote with no filterops. */
  get isMarker(): boolean {
    return this.kn_fop === null;
  }
}

/** kq_state bits. */
export const KQ_SELECT = 0x01;
export const KQ_SLEEP = 0x02;
/** ktickle: a tickle ioctl arrived and no kevent return has consumed it yet. */
export const KQ_TICKLED = 0x04;

export class Kqueue implements WaitChannel {
  /** The queue of active knotes (TAILQ), scan markers included. */
  kq_head: Knote[] = [];
  kq_count = 0;
  kq_state = 0;
  /** Knotes of other kqueues watching this one (EVFILT_READ on the kqueue descriptor). */
  kq_sel: Knote[] = [];
  /** The simplelock 1.41 takes with the queue (KQ_LOCK below); 1.19's is not modelled. */
  readonly kq_lock: SimpleLock;
  readonly chanName: string;

  constructor(
    readonly kq_serial: number,
    readonly kq_fdp: Filedesc,
  ) {
    this.chanName = `kq ${kq_serial}`;
    this.kq_lock = new SimpleLock(`kq ${kq_serial} kq_lock`);
  }
}

export interface Timespec {
  readonly sec: number;
  readonly nsec: number;
}

/* ---------------------------------------------------------------- trace helpers */

function kn_trace(k: Kernel, kn: Knote, op: string, why: string): void {
  k.bus.emit('knote', {
    op,
    kq: kn.kn_kq.kq_serial,
    kn: kn.kn_serial,
    ident: kn.kn_kevent.ident,
    filter: filter_name(kn.kn_kevent.filter),
    flags: flags_name(kn.kn_kevent.flags),
    status: status_name(kn.kn_status),
    why,
  });
}

export function kevent_out(kev: Kevent): KeventOut {
  return {
    ident: kev.ident,
    filter: filter_name(kev.filter),
    flags: flags_name(kev.flags),
    fflags: kev.fflags,
    data: kev.data,
    udata: kev.udata,
  };
}

/* ---------------------------------------------------------------- knote primitives */

/*
 * For partial-order reduction (Machine.touch): a step that handles a knote reads or writes
 * the knote, its kqueue and the object it watches (whose klist and state a filter reads),
 * named as that object's code names itself (a socket by its receive buffer).
 */
function kn_touch(k: Kernel, kn: Knote): void {
  if (!k.m.observer) return;
  k.m.touch('kn', kn.kn_serial);
  k.m.touch('chan', kn.kn_kq.chanName);
  const w = (kn.kn_fp?.f_data ?? kn.kn_ptr) as { so_rcv?: WaitChannel; chanName?: string } | null;
  const name = w?.so_rcv?.chanName ?? w?.chanName;
  if (name !== undefined) k.m.touch('chan', name);
}

/*
 * kq_lock, as 1.41 takes it around the queue operations, always inside splsched (on 2.0
 * builds it is not modelled: the README says why). On one cpu it changes no interleaving;
 * it is there for the lock/spl discipline check (sim/check/lock.ts).
 */
function KQ_LOCK(k: Kernel, kq: Kqueue, where: string): void {
  if (k.build.base === 'netbsd-4.0') simple_lock(k, kq.kq_lock, where);
}

function KQ_UNLOCK(k: Kernel, kq: Kqueue, where: string): void {
  if (k.build.base === 'netbsd-4.0') simple_unlock(k, kq.kq_lock, where);
}

/*
 * KNOTE_ACTIVATE: mark the knote active and, unless it is disabled or already queued,
 * queue it. A disabled knote stays active so EV_ENABLE can queue it later.
 */
export function* KNOTE_ACTIVATE(k: Kernel, kn: Knote): KGen {
  kn_touch(k, kn);
  kn.kn_status |= KN_ACTIVE;
  if (k.build.has('kcont-knote')) {
    kn_trace(k, kn, 'activate', (kn.kn_status & KN_DISABLED) !== 0 ? 'disabled: its kcont is not run' : 'event became true: run its kcont');
    if ((kn.kn_status & KN_DISABLED) === 0) yield* kcont_run(k, kn.kn_kcont as Kc, null, 0, KC_IPL_IMMED);
    return;
  }
  const skip = k.build.has('mutant-double-enqueue') ? KN_DISABLED : KN_QUEUED | KN_DISABLED;
  kn_trace(k, kn, 'activate', (kn.kn_status & KN_DISABLED) !== 0 ? 'disabled: stays off the queue' : 'event became true');
  if ((kn.kn_status & skip) === 0) {
    /*
     * The window (kern_event.c 1.19, the macro and knote_enqueue): between the test of
     * KN_QUEUED above and knote_enqueue's splsched nothing is raised, so the caller's IPL
     * holds (knote() raises nothing; kill(2) posts its signal's KNOTE at spl0). An
     * interrupt that activates the same knote here queues it first, and knote_enqueue's
     * KASSERT((kn->kn_status & KN_QUEUED) == 0) fails (without DIAGNOSTIC: queued twice). mutant-register-nospl opens the same window
     * in kqueue_register, which then runs at spl0.
     */
    yield 'KNOTE_ACTIVATE:enqueue';
    yield* knote_enqueue(k, kn);
  }
}

/* kcont-knote: KN_KC_ASSERT, the knote still has the default continuation. */
function KN_KC_ASSERT(k: Kernel, kn: Knote): void {
  const kc = kn.kn_kcont;
  KASSERT(kc !== null, '(kn->kn_kcont->kc_fn == kq_func) && (kn->kn_kcont->kc_env_arg == kn)');
  kcont_state(k).kc_pool.pool_check(kc, 'KN_KC_ASSERT');
  KASSERT(kc.kc_fn === kq_func && kc.kc_env_arg === kn, '(kn->kn_kcont->kc_fn == kq_func) && (kn->kn_kcont->kc_env_arg == kn)');
}

/* kcont-knote: the default continuation. The "already queued" test moved here. */
function* kq_func(k: Kernel, _obj: unknown, env: unknown, _status: number): KGen {
  const kn = env as Knote;
  KN_KC_ASSERT(k, kn);
  if ((kn.kn_status & KN_QUEUED) === 0) {
    // KNOTE_ACTIVATE's window: the test moved here, the spl did not.
    yield 'kq_func:enqueue';
    yield* knote_enqueue(k, kn);
  }
}

/* Call at any IPL; raises to splsched around the queue operation. */
export function* knote_enqueue(k: Kernel, kn: Knote): KGen {
  k.knote_pool.pool_check(kn, 'knote_enqueue');
  const kq = kn.kn_kq;
  kn_touch(k, kn);
  if (!k.build.has('mutant-double-enqueue')) KASSERT((kn.kn_status & KN_QUEUED) === 0, '(kn->kn_status & KN_QUEUED) == 0');
  if (k.build.has('mutant-enqueue-nospl')) {
    // No splsched: TAILQ_INSERT_TAIL stores through tqh_last as it was before an interrupt
    // that queued another knote there, which is overwritten (lost from the queue, counted).
    const tail = kq.kq_head.length;
    yield 'knote_enqueue:tailq-insert';
    kn_touch(k, kn);
    kq.kq_head[tail] = kn;
    kn.kn_status |= KN_QUEUED;
    kq.kq_count++;
    kn_trace(k, kn, 'enqueue', `kq_count is now ${kq.kq_count}`);
    yield* kqueue_wakeup(k, kq);
    return;
  }
  const s = splsched(k.m);
  KQ_LOCK(k, kq, 'knote_enqueue');
  kq.kq_head.push(kn);
  kn.kn_status |= KN_QUEUED;
  kq.kq_count++;
  kn_trace(k, kn, 'enqueue', `kq_count is now ${kq.kq_count}`);
  KQ_UNLOCK(k, kq, 'knote_enqueue');
  yield* splx(k.m, s, 'knote_enqueue:splx');
  yield* kqueue_wakeup(k, kq);
}

export function* knote_dequeue(k: Kernel, kn: Knote): KGen {
  const kq = kn.kn_kq;
  KASSERT((kn.kn_status & KN_QUEUED) !== 0, 'kn->kn_status & KN_QUEUED');
  kn_touch(k, kn);
  if (k.build.has('mutant-dequeue-nospl')) {
    // No splsched: TAILQ_REMOVE of the last knote points tqh_last back at its predecessor,
    // an interrupt links a knote there, and clearing the predecessor's link cuts it off.
    const i = kq.kq_head.indexOf(kn);
    const last = i === kq.kq_head.length - 1;
    yield 'knote_dequeue:tailq-remove';
    kn_touch(k, kn);
    kq.kq_head.splice(i, last ? kq.kq_head.length - i : 1);
    kn.kn_status &= ~KN_QUEUED;
    if (!k.build.has('mutant-count-skew')) kq.kq_count--;
    kn_trace(k, kn, 'dequeue', `kq_count is now ${kq.kq_count}`);
    return;
  }
  const s = splsched(k.m);
  KQ_LOCK(k, kq, 'knote_dequeue');
  kq.kq_head.splice(kq.kq_head.indexOf(kn), 1);
  kn.kn_status &= ~KN_QUEUED;
  if (!k.build.has('mutant-count-skew')) kq.kq_count--;
  kn_trace(k, kn, 'dequeue', `kq_count is now ${kq.kq_count}`);
  KQ_UNLOCK(k, kq, 'knote_dequeue');
  yield* splx(k.m, s, 'knote_dequeue:splx');
}

export function* kqueue_wakeup(k: Kernel, kq: Kqueue): KGen {
  k.m.touch('chan', kq.chanName);
  const s = splsched(k.m);
  KQ_LOCK(k, kq, 'kqueue_wakeup');
  if (kq.kq_state & KQ_SLEEP) {
    kq.kq_state &= ~KQ_SLEEP;
    wakeup(k, kq);
  }
  // selnotify: kqueues watching this one hear about it.
  yield* knote(k, kq.kq_sel, 0);
  KQ_UNLOCK(k, kq, 'kqueue_wakeup');
  yield* splx(k.m, s, 'kqueue_wakeup:splx');
}

/*
 * knote(9): a source calls this with its klist when something changed. Runs at the
 * caller's IPL and does not raise it. The list is walked as it was on entry: a filter may
 * unlink its own knote (NOTE_EXIT) without disturbing the walk, as with SLIST_FOREACH.
 */
export function* knote(k: Kernel, list: readonly Knote[], hint: number): KGen {
  for (const kn of [...list]) {
    k.knote_pool.pool_check(kn, 'knote');
    const fop = kn.kn_fop as Filterops;
    if (yield* fop.f_event(k, kn, hint)) yield* KNOTE_ACTIVATE(k, kn);
  }
}

/** Link a new knote into its process's lookup list (fd_knlist or fd_knhash). */
function knote_attach(kn: Knote, fdp: Filedesc): void {
  knote_list(kn, fdp, true).unshift(kn);
  kn.kn_status = 0;
}

function knote_list(kn: Knote, fdp: Filedesc, create: boolean): Knote[] {
  const fop = kn.kn_fop as Filterops;
  const id = kn.kn_kevent.ident;
  if (fop.f_isfd) {
    while (fdp.fd_knlist.length <= id) fdp.fd_knlist.push([]);
    return fdp.fd_knlist[id] as Knote[];
  }
  if (!fdp.fd_knhash) {
    KASSERT(create, 'fd_knhash exists');
    fdp.fd_knhash = Array.from({ length: KN_HASHSIZE }, () => []);
  }
  return fdp.fd_knhash[KN_HASH(id)] as Knote[];
}

/*
 * knote_drop: unlink the knote from its lookup list, dequeue it and free it. The caller has
 * already called f_detach (or attach failed). Call at spl0.
 */
export function* knote_drop(k: Kernel, kn: Knote, fdp: Filedesc, why: string): KGen {
  k.knote_pool.pool_check(kn, 'knote_drop');
  kn_touch(k, kn);
  const list = knote_list(kn, fdp, false);
  list.splice(list.indexOf(kn), 1);
  if (kn.kn_status & KN_QUEUED) yield* knote_dequeue(k, kn);
  kn_trace(k, kn, 'drop', why);
  if (k.build.has('kcont-knote')) {
    KN_KC_ASSERT(k, kn);
    kc_free(k, kn.kn_kcont as Kc, kn.kn_serial, 'knote_drop');
  }
  k.knote_pool.pool_put(kn, 'knote_drop');
}

/** Detach and drop every knote on a lookup list. */
function* knote_remove(k: Kernel, fdp: Filedesc, list: Knote[], why: string): KGen {
  while (list.length > 0) {
    const kn = list[0] as Knote;
    (kn.kn_fop as Filterops).f_detach(k, kn);
    yield* knote_drop(k, kn, fdp, why);
  }
}

/** A descriptor is being closed: every knote of this process on it goes, in every kqueue. */
export function* knote_fdclose(k: Kernel, p: Proc, fd: number): KGen {
  const list = p.p_fd.fd_knlist[fd];
  if (list) yield* knote_remove(k, p.p_fd, list, `descriptor ${fd} closed`);
}

/*
 * What an object's fo_kqfilter returns for a filter it does not support: 1 in 2.0 and 4.0
 * (seltrue_kqfilter and friends return 1, which is EPERM's number), EINVAL in the modern
 * source (kern_event.c 1.140 seltrue_kqfilter and kqueue_kqfilter, sys_pipe.c 1.160,
 * uipc_socket.c, genfs_vnops.c).
 */
export function kqfilter_unsupported(k: Kernel): number {
  return kern_version_at_least(k.build, 'netbsd-modern') ? EINVAL : 1;
}

/* ---------------------------------------------------------------- kqueue file */

function filt_kqdetach(_k: Kernel, kn: Knote): void {
  const kq = (kn.kn_fp as File).f_data as Kqueue;
  kq.kq_sel.splice(kq.kq_sel.indexOf(kn), 1);
}

function* filt_kqueue(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  const kq = (kn.kn_fp as File).f_data as Kqueue;
  kn.kn_kevent.data = kq.kq_count;
  return kn.kn_kevent.data > 0;
}

const kqread_filtops: Filterops = {
  f_isfd: true,
  f_attach: () => 0,
  f_detach: filt_kqdetach,
  f_event: filt_kqueue,
};

function kqueue_kqfilter(k: Kernel, fp: File, kn: Knote): number {
  const kq = fp.f_data as Kqueue;
  if (kn.kn_kevent.filter !== EVFILT_READ) return kqfilter_unsupported(k);
  kn.kn_fop = kqread_filtops;
  kq.kq_sel.unshift(kn);
  return 0;
}

/*
 * kqueue_close: free every knote of this process that belongs to the kqueue. They are not
 * dequeued one by one: the queue goes away with the kqueue.
 */
function* kqueue_close(k: Kernel, fp: File): KGen<number> {
  const kq = fp.f_data as Kqueue;
  k.m.touch('chan', kq.chanName);
  const p = curlwp(k).l_proc;
  const fdp = p.p_fd;
  const lists = [...fdp.fd_knlist, ...(fdp.fd_knhash ?? [])];
  for (const list of lists) {
    const second_loop = fdp.fd_knhash?.includes(list) ?? false;
    for (const kn of [...list]) {
      if (kn.kn_kq !== kq) continue;
      kn_touch(k, kn);
      (kn.kn_fop as Filterops).f_detach(k, kn);
      list.splice(list.indexOf(kn), 1);
      kn_trace(k, kn, 'drop', 'its kqueue was closed');
      // kcont-knote: in both of kqueue_close's loops (fd_knlist and fd_knhash).
      if (k.build.has('kcont-knote') && !(second_loop && k.build.has('mutant-kc-leak'))) {
        KN_KC_ASSERT(k, kn);
        kc_free(k, kn.kn_kcont as Kc, kn.kn_serial, 'kqueue_close');
      }
      k.knote_pool.pool_put(kn, 'kqueue_close');
    }
  }
  kq.kq_head = [];
  kq.kq_count = 0;
  k.kqueue_pool.pool_put(kq, 'kqueue_close');
  yield 'kqueue_close:done';
  return 0;
}

export const kqueueops: Fileops = {
  *fo_read() {
    return { error: ENXIO, data: '' };
  },
  *fo_write() {
    return { error: ENXIO, written: 0 };
  },
  fo_kqfilter: kqueue_kqfilter,
  fo_ioctl: kqueue_ioctl,
  fo_close: kqueue_close,
};

/* ---------------------------------------------------------------- syscalls */

export function* sys_kqueue(k: Kernel): KGen<{ error: number; fd: number }> {
  // Linux kevent has no kqueue; Dillon's API keeps kqueue() and replaces kevent (src/designs/).
  if (k.build.design === 'linux-kevent') return { error: ENOSYS, fd: -1 };
  if (!fd_avail(curlwp(k).l_proc, 1)) return { error: EMFILE, fd: -1 };
  const p = curlwp(k).l_proc;
  const kq = k.kqueue_pool.pool_get(() => new Kqueue(k.kq_serial++, p.p_fd));
  const fp = file_create(k, 'kqueue', kqueueops, kq, kq.chanName);
  const fd = fdalloc(p, fp);
  yield 'sys_kqueue:done';
  return { error: 0, fd };
}

/*
 * kevent(2): apply the changelist, then scan. A change that fails is reported as an
 * EV_ERROR event with the errno in data while there is room in the eventlist; then the
 * call returns those errors and does not scan. With no room, the call fails with the errno
 * and the changes before it stay applied.
 */
export function* sys_kevent(
  k: Kernel,
  fd: number,
  changes: readonly Kevent[],
  nevents: number,
  timeout: Timespec | null,
  out: Kevent[],
): KGen<{ error: number; retval: number }> {
  if (k.build.design !== null) return { error: ENOSYS, retval: 0 };
  const p = curlwp(k).l_proc;
  const fp = fd_getfile(p, fd);
  if (fp?.f_type !== 'kqueue') return { error: EBADF, retval: 0 };
  const kq = fp.f_data as Kqueue;
  let nerrors = 0;
  for (let i = 0; i < changes.length; i += KQ_NEVENTS) {
    // copyin a chunk into the staging buffer: the kernel works on its own copies.
    const chunk = changes.slice(i, i + KQ_NEVENTS).map((c) => ({ ...c }));
    for (const kevp of chunk) {
      kevp.flags &= ~EV_SYSFLAGS;
      const error = yield* kqueue_register(k, kq, kevp);
      // Modern: EV_RECEIPT reports a change that succeeded as an EV_ERROR entry with data 0;
      // with no room left the call ends there, successfully, leaving later changes undone.
      const receipt = error === 0 && (kevp.flags & EV_RECEIPT) !== 0 && kern_version_at_least(k.build, 'netbsd-modern');
      if (error === 0 && !receipt) continue;
      if (nevents === 0) return { error, retval: 0 };
      kevp.flags = EV_ERROR;
      kevp.data = error;
      out.push(kevp);
      nevents--;
      nerrors++;
    }
    yield 'kevent:changes-copied-in';
  }
  if (nerrors > 0) return { error: 0, retval: nerrors };
  return yield* kqueue_scan(k, fp, nevents, timeout, out);
}

/* ---------------------------------------------------------------- register */

export function* kqueue_register(k: Kernel, kq: Kqueue, kev: Kevent): KGen<number> {
  const fdp = kq.kq_fdp;
  const fops = kfilter_byfilter(k, kev.filter);
  if (!fops) return EINVAL;

  let kn: Knote | undefined;
  let fp: File | null = null;
  const p = curlwp(k).l_proc;
  if (fops.f_isfd) {
    fp = fd_getfile(p, kev.ident) ?? null;
    if (!fp) return EBADF;
    kn = fdp.fd_knlist[kev.ident]?.find((x) => x.kn_kq === kq && x.kn_kevent.filter === kev.filter);
  } else if (fdp.fd_knhash) {
    kn = fdp.fd_knhash[KN_HASH(kev.ident)]?.find((x) => x.kn_kevent.ident === kev.ident && x.kn_kq === kq && x.kn_kevent.filter === kev.filter);
  }

  if (!kn && (kev.flags & EV_ADD) === 0) return ENOENT;
  const modern = kern_version_at_least(k.build, 'netbsd-modern');
  const fresh = !kn;

  if (!kn) {
    const sfflags = kev.fflags;
    const sdata = kev.data;
    kev.fflags = 0;
    kev.data = 0;
    const created = k.knote_pool.pool_get(() => new Knote(k.kn_serial++, kq, fops, { ...kev }));
    created.kn_fp = fp;
    created.kn_sfflags = sfflags;
    created.kn_sdata = sdata;
    if (k.build.has('kcont-knote')) {
      created.kn_kcont = kcont(k, kc_pool_get(k), kq_func, created, KC_IPL_IMMED);
      if (k.build.has('mutant-kc-autofree')) created.kn_kcont.kc_flags |= KC_AUTOFREE;
    }
    knote_attach(created, fdp);
    const error = fops.f_attach(k, created);
    if (error !== 0) {
      yield* knote_drop(k, created, fdp, `attach failed (${error})`);
      return error;
    }
    kn = created;
    kn_touch(k, kn);
    kn_trace(k, kn, 'attach', 'registered by EV_ADD');
  }
  // EV_DELETE: an else-branch of EV_ADD in 2.0 (EV_ADD wins); modern tests it first, so it
  // deletes an existing knote whatever else the change says.
  if (kev.flags & EV_DELETE && (modern ? !fresh : (kev.flags & EV_ADD) === 0)) {
    kn.kn_fop?.f_detach(k, kn);
    yield* knote_drop(k, kn, fdp, 'EV_DELETE');
    return 0;
  }
  const fop = kn.kn_fop as Filterops;
  if (!fresh && modern) {
    // 1.140: every change to an existing knote replaces udata, then goes to the filter's
    // f_touch (non-fd filters: EVFILT_TIMER, EVFILT_USER) or replaces the saved values.
    kn.kn_kevent.udata = kev.udata;
    if (!fop.f_isfd && fop.f_touch) {
      const error = yield* fop.f_touch(k, kn, kev, 'EVENT_REGISTER');
      if (error) return error;
    } else {
      kn.kn_sfflags = kev.fflags;
      kn.kn_sdata = kev.data;
    }
  } else if (!fresh && kev.flags & EV_ADD) {
    // Later EV_ADDs replace the saved filter values and udata only; a filter that already
    // fired is not reset, and flags such as EV_ONESHOT are not refreshed.
    kn.kn_sfflags = kev.fflags;
    kn.kn_sdata = kev.data;
    kn.kn_kevent.udata = kev.udata;
    if (k.build.has('kcont-knote')) KN_KC_ASSERT(k, kn);
  }
  // Is it true already? 2.0 asks after an EV_ADD; modern after every change, so EV_ENABLE
  // after EV_DISPATCH requeues a knote whose condition still holds.
  if (kev.flags & EV_ADD || modern) {
    const s = k.build.has('mutant-register-nospl') ? k.m.cpl : splsched(k.m);
    if (yield* fop.f_event(k, kn, 0)) yield* KNOTE_ACTIVATE(k, kn);
    yield* splx(k.m, s, 'kqueue_register:splx');
  }
  KASSERT(kn !== undefined, 'kqueue_register: knote found or created');
  kn_touch(k, kn);

  if (kev.flags & EV_DISABLE && (kn.kn_status & KN_DISABLED) === 0) {
    const s = splsched(k.m);
    kn.kn_status |= KN_DISABLED;
    kn_trace(k, kn, 'disable', 'EV_DISABLE');
    yield* splx(k.m, s, 'kqueue_register:splx');
  }
  // Modern EV_ENABLE is knote_enqueue, which clears KN_DISABLED whether it was set or not.
  if (kev.flags & EV_ENABLE && (kn.kn_status & KN_DISABLED || modern)) {
    const s = splsched(k.m);
    kn.kn_status &= ~KN_DISABLED;
    kn_trace(k, kn, 'enable', 'EV_ENABLE');
    if (k.build.has('kcont-knote')) {
      if (kn.kn_status & KN_ACTIVE) yield* kcont_run(k, kn.kn_kcont as Kc, null, 0, KC_IPL_IMMED);
    } else if (kn.kn_status & KN_ACTIVE && (kn.kn_status & KN_QUEUED) === 0) yield* knote_enqueue(k, kn);
    yield* splx(k.m, s, 'kqueue_register:splx');
  }
  return 0;
}

/* ---------------------------------------------------------------- scan */

/** itimerfix(9) on the timeval a timespec converts to: EINVAL for an out-of-range value. */
function timeout_usec(k: Kernel, ts: Timespec): number | undefined {
  const sec = ts.sec;
  let usec = Math.trunc(ts.nsec / 1000);
  if (!Number.isInteger(sec) || sec < 0 || sec > 100_000_000 || !Number.isFinite(usec) || usec < 0 || usec >= 1_000_000) return undefined;
  // A timeout shorter than one tick waits one tick.
  if (sec === 0 && usec !== 0 && usec < tick_us(k)) usec = tick_us(k);
  return sec * 1_000_000 + usec;
}

/* A kevent timing out: every knote still queued waits for the next call (the trace says so). */
function timed_out_over(k: Kernel, kq: Kqueue, why: string): void {
  k.m.touch('chan', kq.chanName);
  for (const kn of kq.kq_head) if (!kn.isMarker) kn_trace(k, kn, 'timed-out', why);
}

/** EV_DISPATCH exists only on the modern build; older kernels keep the bit but ignore it. */
function dispatch(k: Kernel, kn: Knote): boolean {
  return (kn.kn_kevent.flags & EV_DISPATCH) !== 0 && kern_version_at_least(k.build, 'netbsd-modern');
}

function* copy_kevent(k: Kernel, kn: Knote): KGen<Kevent> {
  const kev = { ...kn.kn_kevent };
  const fop = kn.kn_fop as Filterops;
  if (kern_version_at_least(k.build, 'netbsd-modern') && !fop.f_isfd && fop.f_touch) yield* fop.f_touch(k, kn, kev, 'EVENT_PROCESS');
  return kev;
}

/* ---------------------------------------------------------------- ktickle (4.0 patch) */

function ktickle(k: Kernel): boolean {
  return k.build.has('ktickle-v1') || k.build.has('ktickle-v2');
}

/*
 * ktickle-v2-splsched: the patch's two kq_lock sites raised to splsched, as 1.41 takes
 * kq_lock everywhere else, so softnet's knote_enqueue cannot come in while it is held.
 * Returns the cpl to restore, or null on the patch as posted (the lock taken at spl0).
 */
function tickle_splsched(k: Kernel): Cpl | null {
  return k.build.has('ktickle-v2-splsched') ? splsched(k.m) : null;
}

function tickle_trace(k: Kernel, kq: Kqueue, op: 'tickle' | 'eintr' | 'clear' | 'return', why: string): void {
  k.bus.emit('ktickle', { op, kq: kq.kq_serial, kq_count: kq.kq_count, why });
}

/*
 * Every return from kqueue_scan goes through here. With ktickle the patch clears KQ_TICKLED
 * under kq_lock "as we are returning", so a tickle is consumed by whichever return comes
 * next, with or without real events. In 1.41 this simple_lock is taken at spl0, where an
 * interrupt can still arrive: the lock and unlock are preemption points.
 */
function* kqueue_scan_return(
  k: Kernel,
  kq: Kqueue,
  r: { error: number; retval: number },
  tickle_eintr: boolean,
): KGen<{ error: number; retval: number }> {
  if (!ktickle(k)) return r;
  const s = tickle_splsched(k);
  yield 'kqueue_scan:simple_lock';
  simple_lock(k, kq.kq_lock, 'kqueue_scan');
  k.m.touch('chan', kq.chanName);
  if (!(tickle_eintr && k.build.has('mutant-tickle-sticky'))) {
    if (kq.kq_state & KQ_TICKLED) tickle_trace(k, kq, 'clear', tickle_eintr ? 'consumed by the EINTR return' : 'consumed by this return');
    kq.kq_state &= ~KQ_TICKLED;
  }
  yield 'kqueue_scan:simple_unlock';
  simple_unlock(k, kq.kq_lock, 'kqueue_scan');
  if (s !== null) yield* splx(k.m, s, 'kqueue_scan:splx');
  tickle_trace(k, kq, 'return', r.error ? `error ${r.error}` : `${r.retval} event(s)`);
  return r;
}

export function* kqueue_scan(k: Kernel, fp: File, maxevents: number, tsp: Timespec | null, out: Kevent[]): KGen<{ error: number; retval: number }> {
  const kq = fp.f_data as Kqueue;
  const p = curlwp(k).l_proc;
  let count = maxevents;
  let error = 0;
  let tickle_eintr = false;
  if (count === 0) return yield* kqueue_scan_return(k, kq, { error: 0, retval: 0 }, false);

  let timeout = 0; // ticks to sleep; 0 = forever, -1 = poll
  let deadline_us = 0;
  if (tsp) {
    const t = timeout_usec(k, tsp);
    if (t === undefined) return yield* kqueue_scan_return(k, kq, { error: EINVAL, retval: 0 }, false);
    const s = splclock(k.m);
    deadline_us = time_us(k) + t;
    yield* splx(k.m, s, 'kqueue_scan:splx');
    timeout = hzto(k, deadline_us);
    if (timeout <= 0) timeout = -1;
  }

  // The marker: a zero-filled knote from malloc, never from the knote pool.
  const marker = new Knote(0, kq, null, { ident: 0, filter: 0, flags: 0, fflags: 0, data: 0, udata: 0 });
  let staged: Kevent[] = [];
  let first = true;

  scan: for (;;) {
    if (!first && tsp) {
      // retry: a wakeup re-computes the remaining time first; past the deadline the scan
      // returns 0 without looking at the queue, even for the event that woke it.
      timeout = hzto(k, deadline_us);
      if (timeout <= 0) {
        timed_out_over(k, kq, 'the deadline passed before the retry: kevent returns 0 and leaves it queued');
        break;
      }
    }
    first = false;

    // start:
    k.m.touch('chan', kq.chanName);
    let empty = kq.kq_count === 0;
    if (k.build.has('mutant-lost-wakeup')) {
      // The mutant reads kq_count before blocking interrupts: an event can slip in here.
      yield 'kqueue_scan:count-tested';
    }
    let s = splsched(k.m);
    k.m.touch('chan', kq.chanName);
    if (!k.build.has('mutant-lost-wakeup')) empty = kq.kq_count === 0;
    /*
     * ktickle-v1. Antti Kantee's first patch is not archived; all we know is his account of
     * its bug: "a tickle [was] returned even if there were real events pending". The
     * smallest change from v2 with that bug is v2's own test moved one level up, before
     * kq_count is looked at: the flag is tested as soon as the lock is held, so a tickle
     * wins over whatever is queued. v2 moved it into the `kq_count == 0` branch.
     */
    if (k.build.has('ktickle-v1') && kq.kq_state & KQ_TICKLED) {
      error = EINTR;
      tickle_eintr = true;
      tickle_trace(k, kq, 'eintr', 'v1 tests KQ_TICKLED before kq_count');
      yield* splx(k.m, s, 'kqueue_scan:splx');
      break;
    }
    if (empty) {
      if (timeout < 0) {
        error = EWOULDBLOCK;
      } else if (k.build.has('ktickle-v2') && kq.kq_state & KQ_TICKLED) {
        // ktickle-v2: tickled and nothing pending, so return EINTR instead of sleeping.
        error = EINTR;
        tickle_eintr = true;
        tickle_trace(k, kq, 'eintr', 'tickled and nothing queued: EINTR instead of sleeping');
      } else {
        kq.kq_state |= KQ_SLEEP;
        if (k.build.has('mutant-wakeup-before-sleep')) {
          // The spl comes down before ltsleep has put the lwp on the sleep queue.
          yield* splx(k.m, s, 'kqueue_scan:splx-before-sleep');
          k.m.touch('chan', kq.chanName);
        }
        error = yield* ltsleep(k, kq, true, 'kqread', timeout);
        if (error === EWOULDBLOCK) timed_out_over(k, kq, 'queued after the timeout fired: kevent returns 0 and leaves it queued');
      }
      yield* splx(k.m, s, 'kqueue_scan:splx');
      if (error === 0) continue;
      // Signals do not restart kevent; a timeout is a normal return with no events.
      if (error === ERESTART) error = EINTR;
      else if (error === EWOULDBLOCK) error = 0;
      break;
    }

    kq.kq_head.push(marker);
    while (count > 0) {
      k.m.touch('chan', kq.chanName);
      const kn = kq.kq_head.shift();
      // An empty queue ends the scan only when mutant-marker-early took the marker away.
      if (kn === marker || kn === undefined) {
        yield* splx(k.m, s, 'kqueue_scan:splx');
        if (count === maxevents) continue scan;
        break scan;
      }
      k.knote_pool.pool_check(kn, 'kqueue_scan');
      kn_touch(k, kn);
      kq.kq_count--;
      if (kn.kn_status & KN_DISABLED && !k.build.has('mutant-return-disabled')) {
        kn.kn_status &= ~KN_QUEUED;
        kn_trace(k, kn, 'skip', 'disabled: dropped from the queue, stays active');
        continue;
      }
      const oneshot = (kn.kn_kevent.flags & EV_ONESHOT) !== 0 && !k.build.has('mutant-oneshot-requeue');
      if (!oneshot && !(yield* (kn.kn_fop as Filterops).f_event(k, kn, 0))) {
        if (k.build.has('mutant-scan-recheck-window')) {
          // The spl comes down between the re-check and clearing KN_QUEUED.
          yield* splx(k.m, s, 'kqueue_scan:recheck-splx');
          s = splsched(k.m);
          kn_touch(k, kn);
        }
        kn.kn_status &= ~(KN_QUEUED | KN_ACTIVE);
        kn_trace(k, kn, 'skip', 'no longer true when re-checked');
        continue;
      }
      staged.push(yield* copy_kevent(k, kn));
      kn_trace(k, kn, 'deliver', `copied out to pid ${p.p_pid}`);
      if (oneshot) {
        kn.kn_status &= ~KN_QUEUED;
        // mutant-marker-early: the marker goes before the spl comes down, as if the scan were done.
        if (k.build.has('mutant-marker-early') && kq.kq_head.includes(marker)) kq.kq_head.splice(kq.kq_head.indexOf(marker), 1);
        yield* splx(k.m, s, 'kqueue_scan:oneshot-splx');
        (kn.kn_fop as Filterops).f_detach(k, kn);
        yield* knote_drop(k, kn, p.p_fd, 'EV_ONESHOT delivered');
        s = splsched(k.m);
      } else if (kn.kn_kevent.flags & EV_CLEAR) {
        kn.kn_kevent.data = 0;
        kn.kn_kevent.fflags = 0;
        kn.kn_status &= ~(KN_QUEUED | KN_ACTIVE);
      } else if (dispatch(k, kn)) {
        // Modern EV_DISPATCH: disabled after each delivery until EV_ENABLE. NetBSD tests
        // it after EV_CLEAR, so EV_CLEAR|EV_DISPATCH is only cleared, never disabled.
        kn.kn_status |= KN_DISABLED;
        kn.kn_status &= ~(KN_QUEUED | KN_ACTIVE);
      } else {
        // Level-triggered: back on the tail, behind the marker, for the next scan.
        kq.kq_head.push(kn);
        kq.kq_count++;
      }
      count--;
      if (staged.length === KQ_NEVENTS) {
        yield* splx(k.m, s, 'kqueue_scan:copyout-splx');
        out.push(...staged);
        staged = [];
        s = splsched(k.m);
      }
    }
    k.m.touch('chan', kq.chanName);
    const at = kq.kq_head.indexOf(marker);
    if (at >= 0) kq.kq_head.splice(at, 1);
    yield* splx(k.m, s, 'kqueue_scan:splx');
    break;
  }
  out.push(...staged);
  return yield* kqueue_scan_return(k, kq, { error, retval: maxevents - count }, tickle_eintr);
}

/* ---------------------------------------------------------------- filters */

/** file_filtops: the file's fo_kqfilter picks the real ops (pipe, socket, tty, kqueue). */
const file_filtops: Filterops = {
  f_isfd: true,
  f_attach(k, kn) {
    const fp = kn.kn_fp as File;
    return fp.f_ops.fo_kqfilter(k, fp, kn);
  },
  f_detach() {},
  *f_event() {
    return false;
  },
};

/* EVFILT_PROC */

/*
 * Whether the current process may watch p: not if p is owned by another (the real uids
 * differ) or has changed credentials (P_SUGID), unless the watcher is the super-user
 * (suser(9) looks at the effective uid). Modern's kauth listener (kqueue_listener_cb) and
 * secmodel_suser decide the same way.
 */
function proc_watchable(k: Kernel, p: Proc): boolean {
  const self = curlwp(k).l_proc;
  return (p.p_cred.ruid === self.p_cred.ruid && (p.p_flag & P_SUGID) === 0) || self.p_cred.euid === 0;
}

function filt_procattach(k: Kernel, kn: Knote): number {
  const p = k.procs.find((x) => x.p_pid === kn.kn_kevent.ident && x.p_stat === 'active');
  if (!p) return ESRCH;
  if (!proc_watchable(k, p)) return EACCES;
  kn.kn_ptr = p;
  kn.kn_kevent.flags |= EV_CLEAR;
  // Modern: NOTE_CHILD is only ever made by the kernel (knote_proc_fork_track).
  if (kern_version_at_least(k.build, 'netbsd-modern')) kn.kn_sfflags &= ~NOTE_CHILD;
  // A knote the kernel registered for NOTE_TRACK on a new child reports NOTE_CHILD at once.
  else if (kn.kn_kevent.flags & EV_FLAG1) {
    kn.kn_kevent.data = kn.kn_sdata;
    kn.kn_kevent.fflags = NOTE_CHILD;
    kn.kn_kevent.flags &= ~EV_FLAG1;
  }
  p.p_klist.unshift(kn);
  return 0;
}

function filt_procdetach(_k: Kernel, kn: Knote): void {
  if (kn.kn_status & KN_DETACHED) return;
  const p = kn.kn_ptr as Proc;
  p.p_klist.splice(p.p_klist.indexOf(kn), 1);
}

function* filt_proc(k: Kernel, kn: Knote, hint: number): KGen<boolean> {
  const event = (hint & NOTE_PCTRLMASK) >>> 0;
  if (kn.kn_sfflags & event) kn.kn_kevent.fflags = (kn.kn_kevent.fflags | event) >>> 0;
  if (event === NOTE_EXIT) {
    // The process is going away: unlink now rather than in detach, and deliver once.
    kn.kn_status |= KN_DETACHED;
    kn.kn_kevent.flags |= EV_EOF | EV_ONESHOT;
    const p = kn.kn_ptr as Proc;
    p.p_klist.splice(p.p_klist.indexOf(kn), 1);
    // Modern knote_proc_exit: data is the wait status (P_WAITSTATUS).
    if (kern_version_at_least(k.build, 'netbsd-modern')) kn.kn_kevent.data = P_WAITSTATUS(p);
    return true;
  }
  if (event === NOTE_FORK && kn.kn_sfflags & NOTE_TRACK && kern_version_at_least(k.build, 'netbsd-modern')) {
    if (yield* knote_proc_fork_track(k, kn, hint & NOTE_PDATAMASK)) kn.kn_kevent.fflags = (kn.kn_kevent.fflags | NOTE_TRACKERR) >>> 0;
  } else if (event === NOTE_FORK && kn.kn_sfflags & NOTE_TRACK) {
    const kev: Kevent = {
      ident: hint & NOTE_PDATAMASK,
      filter: kn.kn_kevent.filter,
      flags: kn.kn_kevent.flags | EV_ADD | EV_ENABLE | EV_FLAG1,
      fflags: kn.kn_sfflags,
      data: kn.kn_kevent.ident,
      udata: kn.kn_kevent.udata,
    };
    const error = yield* kqueue_register(k, kn.kn_kq, kev);
    if (error) kn.kn_kevent.fflags = (kn.kn_kevent.fflags | NOTE_TRACKERR) >>> 0;
  }
  return kn.kn_kevent.fflags !== 0;
}

const proc_filtops: Filterops = {
  f_isfd: false,
  f_attach: filt_procattach,
  f_detach: filt_procdetach,
  f_event: filt_proc,
};

/*
 * Modern knote_proc_fork_track: rather than kqueue_register, two knotes for the child, so
 * that NOTE_CHILD and the child's NOTE_EXIT never fold into one event: kntrack follows the
 * child (its own NOTE_TRACK included), and knchild, on no klist and KN_DETACHED, reports
 * NOTE_CHILD once (EV_ONESHOT), with the parent's pid in data. EACCES if the forking process
 * may not watch the child (set-id, or another's): the caller's NOTE_TRACKERR.
 */
function* knote_proc_fork_track(k: Kernel, okn: Knote, pid: number): KGen<number> {
  const p1 = curlwp(k).l_proc;
  const p2 = k.procs.find((x) => x.p_pid === pid) as Proc;
  if (!proc_watchable(k, p2)) return EACCES;
  const kq = okn.kn_kq;
  const kev: Kevent = {
    ident: pid,
    filter: okn.kn_kevent.filter,
    flags: okn.kn_kevent.flags | EV_ADD | EV_ENABLE | EV_CLEAR,
    fflags: 0,
    data: 0,
    udata: okn.kn_kevent.udata,
  };
  const kntrack = k.knote_pool.pool_get(() => new Knote(k.kn_serial++, kq, proc_filtops, { ...kev }));
  kntrack.kn_sfflags = okn.kn_sfflags;
  kntrack.kn_sdata = p1.p_pid;
  kntrack.kn_ptr = p2;
  const knchild = k.knote_pool.pool_get(
    () => new Knote(k.kn_serial++, kq, proc_filtops, { ...kev, flags: kev.flags | EV_ONESHOT, fflags: NOTE_CHILD, data: p1.p_pid }),
  );
  knchild.kn_ptr = p2;
  p2.p_klist.unshift(kntrack);
  knote_attach(kntrack, kq.kq_fdp);
  knote_attach(knchild, kq.kq_fdp);
  knchild.kn_status = KN_DETACHED;
  kn_trace(k, kntrack, 'attach', `NOTE_TRACK: follows child ${pid}`);
  kn_trace(k, knchild, 'attach', `NOTE_TRACK: reports NOTE_CHILD of ${pid}`);
  yield* KNOTE_ACTIVATE(k, knchild);
  return 0;
}

/*
 * EVFILT_TIMER: a callout per knote, run from softclock.
 *   2.0 (1.19): data is a period in milliseconds (mstohz), EV_CLEAR always, and the knote
 *   counts expirations; fflags mean nothing and a later EV_ADD does not touch the timer.
 *   Modern (1.140, filt_timercompute): fflags name data's unit (NOTE_SECONDS, NOTE_MSECONDS,
 *   NOTE_USECONDS, NOTE_NSECONDS) and NOTE_ABSTIME makes data a CLOCK_REALTIME deadline that
 *   fires once (level-triggered, no EV_CLEAR; already past: true at once); periods are
 *   tstohz ticks; filt_timertouch makes a later EV_ADD stop, reset and restart the timer.
 */

/** kn_sdata of a modern timer that does not run again (FILT_TIMER_NOSCHED). */
const FILT_TIMER_NOSCHED = -1;
const INT_MAX = 0x7fffffff;
const NSEC_PER_UNIT = [1_000_000, 1_000_000_000, 1000, 1];

/* filt_timercompute: the ticks to the first expiry; kev's data becomes the period to re-arm. */
function filt_timercompute(k: Kernel, kev: Kevent): { error: number; tticks: number } {
  if (kev.fflags & ~(NOTE_TIMER_UNITMASK | NOTE_ABSTIME)) return { error: EINVAL, tticks: 0 };
  let ns = kev.data * (NSEC_PER_UNIT[kev.fflags & NOTE_TIMER_UNITMASK] as number);
  if (kev.fflags & NOTE_ABSTIME) {
    const now = clock_timespec(k, CLOCK_REALTIME) as Timespec;
    kev.data = FILT_TIMER_NOSCHED;
    const left = ns - (now.sec * 1e9 + now.nsec);
    if (left <= 0) return { error: 0, tticks: FILT_TIMER_NOSCHED };
    ns = left;
  } else {
    kev.flags |= EV_CLEAR;
  }
  let tticks = tvtohz(k, Math.trunc(ns / 1000));
  if (tticks === 0) {
    if (kev.data === 0) return { error: EINVAL, tticks: 0 };
    tticks = 1;
  } else if (tticks > INT_MAX) return { error: EINVAL, tticks: 0 };
  kev.data = kev.flags & EV_ONESHOT ? FILT_TIMER_NOSCHED : tticks;
  return { error: 0, tticks };
}

/* filt_timerstart: arm the callout, or fire at once for a deadline already past. */
function filt_timerstart(k: Kernel, kn: Knote, tticks: number): void {
  if (tticks === FILT_TIMER_NOSCHED) kn.kn_kevent.data = 1;
  else callout_reset(k, kn.kn_hook as Callout, tticks, filt_timerexpire, kn);
}

function* filt_timerexpire(k: Kernel, arg: unknown): KGen {
  const kn = arg as Knote;
  k.knote_pool.pool_check(kn, 'filt_timerexpire');
  kn.kn_kevent.data++;
  yield* KNOTE_ACTIVATE(k, kn);
  if (kern_version_at_least(k.build, 'netbsd-modern')) {
    if (kn.kn_sdata !== FILT_TIMER_NOSCHED) callout_schedule(k, kn.kn_hook as Callout, kn.kn_sdata);
  } else if ((kn.kn_kevent.flags & EV_ONESHOT) === 0) {
    callout_schedule(k, kn.kn_hook as Callout, mstohz(k, kn.kn_sdata));
  }
}

function filt_timerattach(k: Kernel, kn: Knote): number {
  if (kern_version_at_least(k.build, 'netbsd-modern')) {
    const kev = { ...kn.kn_kevent, fflags: kn.kn_sfflags, data: kn.kn_sdata };
    const r = filt_timercompute(k, kev);
    if (r.error) return r.error;
    // Counted only after the checks, and given back when the limit is hit.
    if (k.kq_ncallouts + 1 >= k.kq_calloutmax) return ENOMEM;
    k.kq_ncallouts++;
    kn.kn_sdata = kev.data;
    kn.kn_kevent.flags = kev.flags;
    kn.kn_hook = new Callout(`filt_timerexpire(kn ${kn.kn_serial})`);
    filt_timerstart(k, kn, r.tticks);
    return 0;
  }
  if (k.kq_ncallouts >= k.kq_calloutmax) return ENOMEM;
  // XXX as in the kernel: counted before the EINVAL check, and a failed attach is
  // dropped without detach, so each EV_ADD with data 0 leaks one count toward the limit.
  k.kq_ncallouts++;
  let tticks = mstohz(k, kn.kn_sdata);
  if (tticks === 0) {
    if (kn.kn_sdata === 0) return EINVAL;
    tticks = 1;
  }
  kn.kn_kevent.flags |= EV_CLEAR;
  const c = new Callout(`filt_timerexpire(kn ${kn.kn_serial})`);
  callout_reset(k, c, tticks, filt_timerexpire, kn);
  kn.kn_hook = c;
  return 0;
}

function filt_timerdetach(k: Kernel, kn: Knote): void {
  // Modern: "prevent rescheduling when we expire".
  if (kern_version_at_least(k.build, 'netbsd-modern')) kn.kn_sdata = FILT_TIMER_NOSCHED;
  callout_stop(k, kn.kn_hook as Callout);
  k.kq_ncallouts--;
}

/*
 * Modern filt_timertouch: an EV_ADD to an existing timer stops it, takes it off the queue
 * (knote_deactivate), resets the count and starts it again with the new values and flags.
 */
function* filt_timertouch(k: Kernel, kn: Knote, kev: Kevent, type: 'EVENT_REGISTER' | 'EVENT_PROCESS'): KGen<number> {
  if (type === 'EVENT_PROCESS' || (kev.flags & EV_ADD) === 0) return 0;
  callout_stop(k, kn.kn_hook as Callout);
  if (kn.kn_status & KN_QUEUED) yield* knote_dequeue(k, kn);
  kn.kn_status &= ~KN_ACTIVE;
  kn.kn_kevent.data = 0;
  const r = filt_timercompute(k, kev);
  if (r.error) return r.error;
  kn.kn_sdata = kev.data;
  kn.kn_kevent.flags = kev.flags;
  kn.kn_sfflags = kev.fflags;
  filt_timerstart(k, kn, r.tticks);
  return 0;
}

function* filt_timer(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  return kn.kn_kevent.data !== 0;
}

const timer_filtops: Filterops = {
  f_isfd: false,
  f_attach: filt_timerattach,
  f_detach: filt_timerdetach,
  f_event: filt_timer,
  f_touch: filt_timertouch,
};

/*
 * EVFILT_USER (modern; NetBSD kern_event.c 1.108+, read at 1.140, as FreeBSD's filt_user*):
 * a knote attached to nothing, triggered by a later kevent change carrying NOTE_TRIGGER.
 * kn_hookid says whether it is triggered; the low 24 bits of fflags are a word the changes
 * update (FFAND, FFOR, FFCOPY) and the scan reports, with data = the last change's data.
 */
function filt_userattach(_k: Kernel, kn: Knote): number {
  // XXX as in the kernel: attach tests kn_fflags, which kqueue_register has just zeroed, so
  // EV_ADD|NOTE_TRIGGER does not trigger, and the add's fflags stay in kn_sfflags unmasked.
  kn.kn_hookid = kn.kn_kevent.fflags & NOTE_TRIGGER ? 1 : 0;
  return 0;
}

function* filt_user(_k: Kernel, kn: Knote, _hint: number): KGen<boolean> {
  return kn.kn_hookid !== 0;
}

function* filt_usertouch(_k: Kernel, kn: Knote, kev: Kevent, type: 'EVENT_REGISTER' | 'EVENT_PROCESS'): KGen<number> {
  if (type === 'EVENT_REGISTER') {
    if (kev.fflags & NOTE_TRIGGER) kn.kn_hookid = 1;
    const ffctrl = (kev.fflags & NOTE_FFCTRLMASK) >>> 0;
    const ffl = (kev.fflags & NOTE_FFLAGSMASK) >>> 0;
    if (ffctrl === NOTE_FFAND) kn.kn_sfflags = (kn.kn_sfflags & ffl) >>> 0;
    else if (ffctrl === NOTE_FFOR) kn.kn_sfflags = (kn.kn_sfflags | ffl) >>> 0;
    else if (ffctrl === NOTE_FFCOPY) kn.kn_sfflags = ffl;
    kn.kn_sdata = kev.data;
    // A change carrying EV_CLEAR resets the trigger too (FreeBSD).
    if (kev.flags & EV_CLEAR) {
      kn.kn_hookid = 0;
      kn.kn_kevent.data = 0;
      kn.kn_kevent.fflags = 0;
    }
    return 0;
  }
  kev.fflags = kn.kn_sfflags;
  kev.data = kn.kn_sdata;
  if (kn.kn_kevent.flags & EV_CLEAR) {
    kn.kn_hookid = 0;
    kn.kn_kevent.data = 0;
    kn.kn_kevent.fflags = 0;
  }
  return 0;
}

const user_filtops: Filterops = {
  f_isfd: false,
  f_attach: filt_userattach,
  f_detach() {},
  f_event: filt_user,
  f_touch: filt_usertouch,
};

/*
 * The system filter table (sys_kfilters in the kernel), by EVFILT_*. EVFILT_AIO has NULL
 * ops: not implemented. A switch rather than an array built at load time, because
 * sig_filtops lives in kern_sig, which imports this module.
 */
function kfilter_byfilter(k: Kernel, filter: number): Filterops | null {
  switch (filter) {
    case EVFILT_READ:
    case EVFILT_WRITE:
    case EVFILT_VNODE:
      return file_filtops;
    case EVFILT_PROC:
      return proc_filtops;
    case EVFILT_SIGNAL:
      return sig_filtops;
    case EVFILT_TIMER:
      return timer_filtops;
    case EVFILT_USER:
      return kern_version_at_least(k.build, 'netbsd-modern') ? user_filtops : null;
    case EVFILT_EMPTY:
      // Modern: a descriptor filter like READ and WRITE; sockets implement it (filt_soempty).
      return kern_version_at_least(k.build, 'netbsd-modern') ? file_filtops : null;
    default:
      return null;
  }
}

/* ---------------------------------------------------------------- kqueue ioctl */

/** struct kfilter_mapping, the argument of KFILTER_BYFILTER and KFILTER_BYNAME. */
export interface KfilterMapping {
  name: string;
  /** Size of the user's name buffer (KFILTER_BYFILTER), NUL included. */
  len: number;
  filter: number;
}

/** The longest filter name KFILTER_BYNAME copies in, NUL included. */
export const KFILTER_MAXNAME = 256;

/** The names in sys_kfilters. EVFILT_AIO has an entry (with NULL ops), so it has a name. */
function kfilter_names(k: Kernel): readonly (readonly [number, string])[] {
  const sys: [number, string][] = [
    [EVFILT_READ, 'EVFILT_READ'],
    [EVFILT_WRITE, 'EVFILT_WRITE'],
    [EVFILT_AIO, 'EVFILT_AIO'],
    [EVFILT_VNODE, 'EVFILT_VNODE'],
    [EVFILT_PROC, 'EVFILT_PROC'],
    [EVFILT_SIGNAL, 'EVFILT_SIGNAL'],
    [EVFILT_TIMER, 'EVFILT_TIMER'],
  ];
  // Modern names EVFILT_FS, EVFILT_USER and EVFILT_EMPTY too (kqsim models no EVFILT_FS ops).
  if (kern_version_at_least(k.build, 'netbsd-modern'))
    sys.push([EVFILT_FS, 'EVFILT_FS'], [EVFILT_USER, 'EVFILT_USER'], [EVFILT_EMPTY, 'EVFILT_EMPTY']);
  return sys;
}

function is_mapping(arg: unknown): arg is KfilterMapping {
  if (typeof arg !== 'object' || arg === null) return false;
  const a = arg as Record<string, unknown>;
  return typeof a.name === 'string' && typeof a.len === 'number' && typeof a.filter === 'number';
}

/*
 * kqueue_ioctl: KFILTER_BYFILTER finds the name of a filter (ENOENT if none; ENAMETOOLONG,
 * with the name cut to the buffer, if it does not fit in len bytes); KFILTER_BYNAME finds the
 * filter of a name (ENOENT if none). A bad argument pointer is EFAULT; other commands ENOTTY.
 * ktickle adds a third command; the archived diff lost its case label, kqsim calls it
 * KTICKLE. Called at spl0 from process context.
 */
function* kqueue_ioctl(k: Kernel, fp: File, cmd: string, arg: unknown): KGen<number> {
  const kq = fp.f_data as Kqueue;
  switch (cmd) {
    case 'KFILTER_BYFILTER': {
      if (!is_mapping(arg)) return EFAULT;
      const name = kfilter_names(k).find(([f]) => f === arg.filter)?.[1];
      if (name === undefined) return ENOENT;
      if (name.length + 1 > arg.len) {
        arg.name = name.slice(0, Math.max(0, arg.len));
        return ENAMETOOLONG;
      }
      arg.name = name;
      return 0;
    }
    case 'KFILTER_BYNAME': {
      if (!is_mapping(arg)) return EFAULT;
      if (arg.name.length + 1 > KFILTER_MAXNAME) return ENAMETOOLONG;
      const filter = kfilter_names(k).find(([, n]) => n === arg.name)?.[0];
      if (filter === undefined) return ENOENT;
      arg.filter = filter;
      return 0;
    }
    case 'KTICKLE': {
      if (!ktickle(k)) return ENOTTY;
      // The patch takes kq_lock here at spl0, where an interrupt can still arrive while it
      // is held; -splsched raises to splsched first.
      const s = tickle_splsched(k);
      yield 'kqueue_ioctl:simple_lock';
      simple_lock(k, kq.kq_lock, 'kqueue_ioctl');
      k.m.touch('chan', kq.chanName);
      kq.kq_state |= KQ_TICKLED;
      tickle_trace(k, kq, 'tickle', kq.kq_state & KQ_SLEEP ? 'a thread sleeps in kevent: wake it' : 'nobody sleeps in kevent: the flag waits');
      yield 'kqueue_ioctl:simple_unlock';
      simple_unlock(k, kq.kq_lock, 'kqueue_ioctl');
      if (s !== null) yield* splx(k.m, s, 'kqueue_ioctl:splx');
      if (!k.build.has('mutant-tickle-no-wakeup')) yield* kqueue_wakeup(k, kq);
      return 0;
    }
    default:
      return ENOTTY;
  }
}
