/*
 * kern_kcont.c 1.9 and sys/kcont.h 1.3 (kcont(9), `options KCONT`): continuations, a
 * function plus an argument that an object runs when it is done, now or later at a
 * lower "level". Re-expressed from the C source's structure, with its names, its bugs
 * (each marked XXX) and, under the `kcont-knote` build, Pavel Cahyna's 2004 changes.
 *
 *   struct kc: Kc, KC_AUTOFREE, KC_DEFERRED, the KC_IPL_* classes, kc_ipl_name
 *   struct kcqueue: Kcq (a SIMPLEQ with its real head/tail pointers, so misuse corrupts it)
 *   kcont, kcont_malloc, kc_free     fill in / allocate a kc from kc_pool / give it back
 *   kcont_enqueue, kcont_enqueue_atomic, kcont_dequeue_atomic
 *   kcont_defer                      save the context and queue the kc for later
 *   kcont_run                        1.9: drain a queue; kcont-knote: run (or defer) ONE kc
 *   kcont_run_all                    kcont-knote: drain a queue (1.9's kcont_run renamed)
 *   kcont_run_softclock/softnet/softserial, kcont_worker   who drains the deferral queues
 *   kcont_init                       boot: queues, soft interrupts, the kthread
 *   kc_ipl_spl                       the machine IPL a KC_IPL_* class stands for, per port
 *   kcont_ipl_of                     XXX a machine IPL to a KC_IPL_* class by raw numbers
 *
 * The KC_IPL_* codes are kcont's own, totally ordered scale (PROCESS < SOFTCLOCK <
 * SOFTNET < SOFTSERIAL < IMMED). kcont_run compares the caller's `curipl` with the kc's
 * class on that scale; it never sees the machine's cpl. How a class maps to real levels
 * is the port's business (kc_ipl_spl), and on a port without generic soft interrupts
 * (macppc in 2004) every deferral goes to the process-context kthread.
 */
import { KASSERT, type KGen } from '../machine/machine.ts';
import type { IplName, IrqSource } from '../machine/platform.ts';
import { splvm, splx } from '../machine/spl.ts';
import { EWOULDBLOCK, errno_name } from './errno.ts';
import { ltsleep, wakeup } from './kern_synch.ts';
import { Callout } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';
import { type Lwp, Proc, type WaitChannel } from './proc.ts';
import { Pool } from './subr_pool.ts';

/** kc_flags. */
export const KC_AUTOFREE = 0x01; // kcont allocated this kc: free it after the call
export const KC_DEFERRED = 0x02; // kc_obj and kc_status were saved by a deferral

/** kc_ipl: kcont's own scale, not machine IPLs. */
export const KC_IPL_DEFER_PROCESS = 0;
export const KC_IPL_DEFER_SOFTCLOCK = 1;
export const KC_IPL_DEFER_SOFTNET = 2;
export const KC_IPL_DEFER_SOFTSERIAL = 3;
export const KC_IPL_IMMED = 0x10;

export type KcIpl =
  | typeof KC_IPL_DEFER_PROCESS
  | typeof KC_IPL_DEFER_SOFTCLOCK
  | typeof KC_IPL_DEFER_SOFTNET
  | typeof KC_IPL_DEFER_SOFTSERIAL
  | typeof KC_IPL_IMMED;

const KC_IPL_NAMES: Readonly<Record<KcIpl, string>> = {
  [KC_IPL_DEFER_PROCESS]: 'KC_IPL_DEFER_PROCESS',
  [KC_IPL_DEFER_SOFTCLOCK]: 'KC_IPL_DEFER_SOFTCLOCK',
  [KC_IPL_DEFER_SOFTNET]: 'KC_IPL_DEFER_SOFTNET',
  [KC_IPL_DEFER_SOFTSERIAL]: 'KC_IPL_DEFER_SOFTSERIAL',
  [KC_IPL_IMMED]: 'KC_IPL_IMMED',
};

export function kc_ipl_name(ipl: KcIpl): string {
  return KC_IPL_NAMES[ipl];
}

/** The KC_IPL_* class of a name as printed in traces, or undefined. */
export function kc_ipl_by_name(name: string): KcIpl | undefined {
  for (const ipl of [KC_IPL_DEFER_PROCESS, KC_IPL_DEFER_SOFTCLOCK, KC_IPL_DEFER_SOFTNET, KC_IPL_DEFER_SOFTSERIAL, KC_IPL_IMMED] as const) {
    if (KC_IPL_NAMES[ipl] === name) return ipl;
  }
  return undefined;
}

/**
 * The machine IPL a deferral class stands for: a continuation that asked for it must not
 * run in a context that blocks more than this level does (IMMED: no promise). The same
 * names on every port; what they block is the port's (Platform.covers).
 */
export function kc_ipl_spl(ipl: KcIpl): IplName | null {
  switch (ipl) {
    case KC_IPL_DEFER_PROCESS:
      return 'none';
    case KC_IPL_DEFER_SOFTCLOCK:
      return 'softclock';
    case KC_IPL_DEFER_SOFTNET:
      return 'softnet';
    case KC_IPL_DEFER_SOFTSERIAL:
      return 'softserial';
    default:
      return null;
  }
}

/*
 * XXX kcont_ipl_of: the KC_IPL_* class a caller at machine level `ipl` passes as curipl,
 * as machine-independent code of 2004 would derive it: comparing the port's raw IPL
 * numbers the way i386 orders them. Right on i386; on macppc, whose numbers run the other
 * way, IPL_NET (5) compares below IPL_SOFTCLOCK (8) and maps to KC_IPL_DEFER_SOFTCLOCK, so
 * a softnet continuation "may run now" at IPL_NET. This raw comparison is modelled on
 * purpose, as the hazard Stone warned about; nothing else in kqsim compares raw IPLs.
 */
export function kcont_ipl_of(k: Kernel, ipl: IplName): KcIpl {
  const raw = k.m.platform.rawIpl;
  if (raw[ipl] === raw.none) return KC_IPL_DEFER_PROCESS;
  if (raw[ipl] <= raw.softclock) return KC_IPL_DEFER_SOFTCLOCK;
  if (raw[ipl] <= raw.softnet) return KC_IPL_DEFER_SOFTNET;
  if (raw[ipl] <= raw.softserial) return KC_IPL_DEFER_SOFTSERIAL;
  return KC_IPL_IMMED;
}

/** kc_fn(obj, env_arg, status): may have preemption points (kq_func enqueues a knote). */
export type KcFn = (k: Kernel, obj: unknown, env: unknown, status: number) => KGen;

/** struct kc. `kc_serial` stands for its address in traces. */
export class Kc {
  kc_next: Kc | null = null;
  kc_fn: KcFn | null = null;
  kc_env_arg: unknown = null;
  kc_obj: unknown = null;
  kc_status = 0;
  kc_ipl: KcIpl = KC_IPL_IMMED;
  kc_flags = 0;

  constructor(readonly kc_serial: number) {}
}

/**
 * A kcqueue: SIMPLEQ_HEAD(, kc). `sqh_last` is the last kc, or null for "&sqh_first"; the
 * operations are the macro's, so inserting a kc that is already on the queue corrupts it
 * exactly as in C (its kc_next ends up pointing at itself or at a later kc).
 */
export class Kcq implements WaitChannel {
  sqh_first: Kc | null = null;
  sqh_last: Kc | null = null;

  constructor(
    readonly chanName: string,
    /** One of kcont's own deferral queues (not an object's callback list). */
    readonly deferral: boolean,
  ) {}
}

/** kcont's global state: what kern_kcont.c keeps in file-scope variables. */
export interface KcontState {
  /** Global since the kcont-knote patch (kcont.h: extern struct pool kc_pool). */
  readonly kc_pool: Pool<Kc>;
  readonly kcq_softclock: Kcq;
  readonly kcq_softnet: Kcq;
  readonly kcq_softserial: Kcq;
  readonly kcq_process_ctxt: Kcq;
  /** The generic soft interrupts kcont has scheduled and not yet run (one per queue). */
  readonly si_pending: Set<IrqSource>;
  /** The kcont kthread's lwp. */
  readonly worker: Lwp;
  kc_serial: number;
  /** In-kernel knote listeners (src/kern/kcont_listener.ts), torn down at the end of a run. */
  readonly listeners: unknown[];
}

export function kcont_state(k: Kernel): KcontState {
  KASSERT(k.kcont !== null, 'options KCONT');
  return k.kcont;
}

function fn_name(kc: Kc): string {
  return kc.kc_fn?.name || 'NULL';
}

function obj_name(obj: unknown): string {
  if (obj === null || obj === undefined) return 'NULL';
  const o = obj as { chanName?: unknown; kn_serial?: unknown; name?: unknown };
  if (typeof o.kn_serial === 'number') return `knote ${o.kn_serial}`;
  if (typeof o.chanName === 'string') return o.chanName;
  if (typeof o.name === 'string') return o.name;
  return typeof obj === 'object' ? 'object' : String(obj);
}

function flags_name(flags: number): string {
  const names = [flags & KC_AUTOFREE ? 'KC_AUTOFREE' : '', flags & KC_DEFERRED ? 'KC_DEFERRED' : ''].filter((x) => x !== '');
  return names.length > 0 ? names.join('|') : '0';
}

/* ---------------------------------------------------------------- allocation */

/** kcont(): fill in caller-provided memory. Flags start at 0. */
export function kcont(k: Kernel, kc: Kc, fn: KcFn, env: unknown, ipl: KcIpl): Kc {
  kc.kc_fn = fn;
  kc.kc_env_arg = env;
  kc.kc_ipl = ipl;
  kc.kc_flags = 0;
  kc.kc_obj = null;
  kc.kc_status = 0;
  kc.kc_next = null;
  const kn = (env as { kn_serial?: unknown } | null)?.kn_serial;
  k.bus.emit('kcont-alloc', {
    kc: kc.kc_serial,
    fn: fn_name(kc),
    kn: typeof kn === 'number' ? kn : 0,
    asked: kc_ipl_name(ipl),
    flags: flags_name(0),
  });
  return kc;
}

/** pool_get(&kc_pool, PR_WAITOK): a fresh kc (never fails in kqsim). */
export function kc_pool_get(k: Kernel): Kc {
  const st = kcont_state(k);
  return st.kc_pool.pool_get(() => new Kc(st.kc_serial++));
}

/**
 * kcont_malloc: kcont() on memory from kc_pool. XXX as in 1.9: KC_AUTOFREE is not set,
 * although the comment above it in kcont.h says the kc will be freed after its call.
 */
export function kcont_malloc(k: Kernel, fn: KcFn, env: unknown, ipl: KcIpl): Kc {
  return kcont(k, kc_pool_get(k), fn, env, ipl);
}

/** pool_put(&kc_pool, kc), with who freed it (`kn`: the knote it belonged to, or 0). */
export function kc_free(k: Kernel, kc: Kc, kn: number, by: string): void {
  k.bus.emit('kcont-free', { kc: kc.kc_serial, kn, by });
  kcont_state(k).kc_pool.pool_put(kc, by);
}

/* ---------------------------------------------------------------- queues */

/** kcont_enqueue: add a kc to an object's callback list (the object runs it later). */
export function* kcont_enqueue(k: Kernel, kcq: Kcq, kc: Kc): KGen {
  yield* kcont_enqueue_atomic(k, kcq, kc);
}

/*
 * SIMPLEQ_INSERT_TAIL at splvm. XXX IP-safety (Stone's review): splvm does not block every
 * interrupt that can call knote() (IPL_SERIAL, IPL_CLOCK, IPL_AUDIO on i386; SERIAL, CLOCK
 * and AUDIO on macppc), so the preemption point between linking the kc and moving the tail
 * pointer is real: a handler that enqueues on the same queue there corrupts it.
 */
export function* kcont_enqueue_atomic(k: Kernel, kcq: Kcq, kc: Kc): KGen {
  const s = splvm(k.m);
  // Partial-order reduction: a kcqueue is shared with soft interrupts and the kthread.
  k.m.touch('chan', kcq.chanName);
  k.m.touch('kc', kc.kc_serial);
  kc.kc_next = null;
  if (kcq.sqh_last === null) kcq.sqh_first = kc;
  else kcq.sqh_last.kc_next = kc;
  k.bus.emit('kcont-enqueued', { kc: kc.kc_serial, queue: kcq.chanName });
  yield 'kcont_enqueue_atomic:linked';
  k.m.touch('chan', kcq.chanName);
  kcq.sqh_last = kc;
  yield* splx(k.m, s, 'kcont_enqueue_atomic:splx');
}

/* SIMPLEQ_REMOVE_HEAD at splvm, which also clears the removed kc's link. Same XXX. */
export function* kcont_dequeue_atomic(k: Kernel, kcq: Kcq): KGen<Kc | null> {
  const s = splvm(k.m);
  k.m.touch('chan', kcq.chanName);
  const kc = kcq.sqh_first;
  if (kc !== null) {
    k.m.touch('kc', kc.kc_serial);
    kcq.sqh_first = kc.kc_next;
    k.bus.emit('kcont-dequeued', { kc: kc.kc_serial, queue: kcq.chanName });
    yield 'kcont_dequeue_atomic:unlinked';
    k.m.touch('chan', kcq.chanName);
    if (kcq.sqh_first === null) kcq.sqh_last = null;
    kc.kc_next = null;
  } else {
    k.bus.emit('kcont-dequeued', { kc: 0, queue: kcq.chanName });
  }
  yield* splx(k.m, s, 'kcont_dequeue_atomic:splx');
  return kc;
}

/* ---------------------------------------------------------------- defer and run */

/**
 * kcont_defer: save obj and status (first deferral only) and queue the kc where its class
 * is drained: its soft interrupt's queue, or, on a port without generic soft interrupts
 * and for KC_IPL_DEFER_PROCESS, the kthread's. XXX KC_DEFERRED is never cleared, so a
 * reused kc keeps the context saved by its first deferral.
 */
export function* kcont_defer(k: Kernel, kc: Kc, obj: unknown, status: number, curipl: KcIpl): KGen {
  const st = kcont_state(k);
  k.m.touch('kc', kc.kc_serial);
  if ((kc.kc_flags & KC_DEFERRED) === 0) {
    kc.kc_flags |= KC_DEFERRED;
    kc.kc_obj = obj;
    kc.kc_status = status;
  }
  const generic = k.m.platform.genericSoftInterrupts;
  let kcq: Kcq;
  let src: IrqSource | null = null;
  if (generic && kc.kc_ipl === KC_IPL_DEFER_SOFTCLOCK) [kcq, src] = [st.kcq_softclock, 'softclock'];
  else if (generic && kc.kc_ipl === KC_IPL_DEFER_SOFTNET) [kcq, src] = [st.kcq_softnet, 'softnet'];
  else if (generic && kc.kc_ipl === KC_IPL_DEFER_SOFTSERIAL) [kcq, src] = [st.kcq_softserial, 'softserial'];
  else {
    KASSERT(kc.kc_ipl !== KC_IPL_IMMED, '0 /* kcont_defer: bad kc_ipl */');
    kcq = st.kcq_process_ctxt;
  }
  const level = kc_ipl_spl(kc.kc_ipl) as IplName;
  const masked = src !== null && k.m.platform.masks(k.m.cpl, src) ? `; ${src} is masked at the cpl ${k.m.iplName()}` : '';
  const where =
    src !== null
      ? `the ${src} soft interrupt will drain it`
      : kc.kc_ipl === KC_IPL_DEFER_PROCESS
        ? 'the kcont kthread will drain it in process context'
        : `${k.m.platform.name} has no generic soft interrupts, so the kcont kthread will run it (at ${level === 'none' ? 'spl0' : `spl0, below ${level}`})`;
  k.bus.emit('kcont-deferred', {
    kc: kc.kc_serial,
    fn: fn_name(kc),
    asked: kc_ipl_name(kc.kc_ipl),
    curipl: kc_ipl_name(curipl),
    queue: kcq.chanName,
    why: `its caller runs at ${kc_ipl_name(curipl)}, above ${kc_ipl_name(kc.kc_ipl)}${masked}, so the continuation is deferred: ${where}`,
  });
  yield* kcont_enqueue_atomic(k, kcq, kc);
  if (src !== null) {
    st.si_pending.add(src);
    k.m.softintr_schedule(src);
  } else {
    wakeup(k, st.kcq_process_ctxt);
  }
}

/** The single-kc function's name in this build: Cahyna's kcont_run, or Stone's kcont_run_one. */
function run_one_name(k: Kernel): string {
  return k.build.has('kcont-run-one') ? 'kcont_run_one' : 'kcont_run';
}

/** The queue-draining function's name: 1.9's kcont_run, or kcont_run_all after the patch. */
function run_all_name(k: Kernel): string {
  return k.build.has('kcont-knote') ? 'kcont_run_all' : 'kcont_run';
}

/**
 * The run-or-defer body, shared by 1.9's loop and the patch's single-kc function. `request`
 * is false when the kc comes off one of kcont's own deferral queues (a redelivery, not a
 * new run request). Returns the obj and status it used, which 1.9's loop keeps (XXX).
 */
function* kcont_run_kc(
  k: Kernel,
  kc: Kc,
  obj: unknown,
  status: number,
  curipl: KcIpl,
  by: string,
  request: boolean,
): KGen<{ obj: unknown; status: number }> {
  const st = kcont_state(k);
  k.m.touch('kc', kc.kc_serial);
  // What a request and a run say about the kc: the same fields, with the obj and status in use.
  const described = (o: unknown, stat: number) => ({
    kc: kc.kc_serial,
    fn: fn_name(kc),
    by,
    asked: kc_ipl_name(kc.kc_ipl),
    curipl: kc_ipl_name(curipl),
    obj: obj_name(o),
    status: stat,
  });
  if (request) k.bus.emit('kcont-request', described(obj, status));
  st.kc_pool.pool_check(kc, by);
  // If execution of kc was already deferred, restore its context.
  if (kc.kc_flags & KC_DEFERRED) {
    if (obj !== null) {
      k.bus.emit('log', {
        text: `kc ${kc.kc_serial} still has KC_DEFERRED from an earlier deferral (XXX never cleared): kcont_run would run it with that deferral's (${obj_name(kc.kc_obj)}, ${kc.kc_status}), not (${obj_name(obj)}, ${status})`,
      });
    }
    KASSERT(obj === null, 'obj == NULL');
    obj = kc.kc_obj;
    status = kc.kc_status;
  }
  const now = k.build.has('mutant-kcont-inverted-ipl') ? curipl >= kc.kc_ipl : curipl <= kc.kc_ipl;
  if (kc.kc_ipl === KC_IPL_IMMED || now) {
    // kc_fn may free the kc (it can be part of kc_env_arg): save the flags first.
    const saved_flags = kc.kc_flags;
    k.bus.emit('kcont-run', { ...described(obj, status), deferred: !request });
    yield* (kc.kc_fn as KcFn)(k, obj, kc.kc_env_arg, status);
    if (saved_flags & KC_AUTOFREE) kc_free(k, kc, knote_of(kc), `${by} (KC_AUTOFREE)`);
  } else {
    yield* kcont_defer(k, kc, obj, status, curipl);
  }
  return { obj, status };
}

function knote_of(kc: Kc): number {
  const kn = (kc.kc_env_arg as { kn_serial?: unknown } | null)?.kn_serial;
  return typeof kn === 'number' ? kn : 0;
}

/**
 * kcont-knote: run (or defer) one kc. Named kcont_run in the patch, kcont_run_one with
 * `+kcont-run-one` (Stone's review). Calls without preemption points of their own when
 * the kc runs at once, so the default knote continuation adds no scheduling decisions.
 */
export function* kcont_run(k: Kernel, kc: Kc, obj: unknown, status: number, curipl: KcIpl): KGen {
  KASSERT(k.build.has('kcont-knote'), 'kcont_run(kc, ...) exists only with the kcont-knote patch');
  yield* kcont_run_kc(k, kc, obj, status, curipl, run_one_name(k), true);
}

/**
 * Run every kc of a queue, calling or deferring each: 1.9's kcont_run(kcq, ...), renamed
 * kcont_run_all by the patch, which also makes each kc use the caller's obj and status.
 * XXX 1.9: once a deferred kc restored its saved context, the loop keeps that obj and
 * status for the kcs after it.
 */
export function* kcont_run_all(k: Kernel, kcq: Kcq, obj: unknown, status: number, curipl: KcIpl): KGen {
  const patched = k.build.has('kcont-knote');
  let o = obj;
  let st = status;
  for (let kc = yield* kcont_dequeue_atomic(k, kcq); kc !== null; kc = yield* kcont_dequeue_atomic(k, kcq)) {
    if (patched) {
      yield* kcont_run_kc(k, kc, obj, status, curipl, run_one_name(k), !kcq.deferral);
    } else {
      ({ obj: o, status: st } = yield* kcont_run_kc(k, kc, o, st, curipl, run_all_name(k), !kcq.deferral));
    }
  }
}

/* ---------------------------------------------------------------- who drains */

/*
 * The generic soft interrupt handlers. kqsim's machine has one handler list per soft IPL,
 * so each handler runs only when kcont itself scheduled it (si_pending), as a separate
 * softintr_establish cookie would.
 */
function* kcont_softintr(k: Kernel, src: IrqSource, kcq: Kcq, curipl: KcIpl): KGen {
  const st = kcont_state(k);
  if (!st.si_pending.delete(src)) return;
  if (src === 'softclock' && kcq !== st.kcq_softclock) {
    k.bus.emit('log', { text: `kcont_run_softclock drains ${kcq.chanName}, the argument 1.9 registered it with (XXX), not kcq_softclock` });
  }
  yield* kcont_run_all(k, kcq, null, 0, curipl);
}

export function* kcont_run_softclock(k: Kernel, kcq: Kcq): KGen {
  yield* kcont_softintr(k, 'softclock', kcq, KC_IPL_DEFER_SOFTCLOCK);
}

export function* kcont_run_softnet(k: Kernel, kcq: Kcq): KGen {
  yield* kcont_softintr(k, 'softnet', kcq, KC_IPL_DEFER_SOFTNET);
}

export function* kcont_run_softserial(k: Kernel, kcq: Kcq): KGen {
  yield* kcont_softintr(k, 'softserial', kcq, KC_IPL_DEFER_SOFTSERIAL);
}

/**
 * The process-context kthread (1.9): sleep on the queue with PCATCH and a timeout of hz
 * ticks, tolerate EWOULDBLOCK (so a wakeup that came before the sleep is caught by the
 * poll), drain at KC_IPL_DEFER_PROCESS. Any other error ends the thread.
 */
function* kcont_worker(k: Kernel): KGen {
  const st = kcont_state(k);
  for (;;) {
    const status = yield* ltsleep(k, st.kcq_process_ctxt, true, 'kcont', k.m.platform.hz);
    k.bus.emit('kcont-kthread', {
      // EWOULDBLOCK is EAGAIN's number; the kernel's own name for a timeout is the one meant.
      status: status === 0 ? '0' : status === EWOULDBLOCK ? 'EWOULDBLOCK' : errno_name(status),
      why: status === 0 ? 'woken by kcont_defer' : status === EWOULDBLOCK ? 'the once-per-hz poll found work queued without a wakeup' : 'signalled',
    });
    if (status !== 0 && status !== EWOULDBLOCK) break;
    yield* kcont_run_all(k, st.kcq_process_ctxt, null, 0, KC_IPL_DEFER_PROCESS);
  }
}

/**
 * kcont_init (from init_main, before autoconfiguration): the queues, the soft interrupts
 * where the port has generic ones, and the kthread, which starts and goes to sleep.
 */
export function kcont_init(k: Kernel): void {
  const kproc = new Proc(0, 'kcont', null, { ruid: 0, euid: 0, svuid: 0 });
  const st: KcontState = {
    kc_pool: new Pool<Kc>('kc_pool'),
    kcq_softclock: new Kcq('kcq_softclock', true),
    kcq_softnet: new Kcq('kcq_softnet', true),
    kcq_softserial: new Kcq('kcq_softserial', true),
    kcq_process_ctxt: new Kcq('kcq_process_ctxt', true),
    si_pending: new Set(),
    worker: kproc.l,
    kc_serial: 1,
    listeners: [],
  };
  k.kcont = st;
  if (k.m.platform.genericSoftInterrupts) {
    // XXX kern_kcont.c 1.4 through 1.13.26.1 (so 1.9) hands the softclock handler the
    // softnet queue: softclock continuations are never run, and softnet ones may run at
    // softclock, below the level they asked for.
    k.m.intr_establish('softclock', () => kcont_run_softclock(k, st.kcq_softnet));
    k.m.intr_establish('softnet', () => kcont_run_softnet(k, st.kcq_softnet));
    k.m.intr_establish('softserial', () => kcont_run_softserial(k, st.kcq_softserial));
  }
  const l = st.worker;
  l.l_tsleep_ch = new Callout('endtsleep(kcont)');
  l.l_tsleep_ch.c_idle = () => st.kcq_process_ctxt.sqh_first === null;
  l.thread = k.m.thread_create('kcont', kcont_worker(k), l);
  l.thread.daemon = true;
  k.m.boot_threads();
}
