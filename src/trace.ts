/*
 * The one trace bus. Every observable event of a run goes through here: the invariant layer,
 * the narrator, the exporters and the tests all subscribe to the same stream (design
 * decision 7). Events are plain data with stable field order so a JSON line of one is
 * byte-identical across runs.
 *
 *   TraceBus.emit(kind, body)   stamp an event with step/tick/context/cpl and publish it
 *   TraceKinds                  the event vocabulary (extend it by declaration merging)
 */
import { EventEmitter } from 'eventemitter3';

/** One kevent as a syscall returned it, in the units the user sees. */
export interface KeventOut {
  readonly ident: number;
  readonly filter: string;
  readonly flags: string;
  readonly fflags: number;
  readonly data: number;
  readonly udata: number;
}

/** The event vocabulary. Each key is a `kind`; its value is that event's own fields. */
export interface TraceKinds {
  /** A syscall was entered from user mode. */
  syscall: { pid: number; name: string; args: string };
  /** A syscall returned to user mode: `ret` on success, or -1 with `errno`. */
  sysret: { pid: number; name: string; ret: number; errno: string; events?: readonly KeventOut[] };
  /** A device asserted its interrupt line. */
  device: { device: string; src: string; what: string };
  /** The cpu took an interrupt; `over` is what it interrupted. */
  intr: { src: string; over: string };
  /** An interrupt handler returned. */
  'intr-done': { src: string };
  /** A soft interrupt was scheduled (setsoftnet, softintr_schedule, ...). */
  softintr: { src: string; by: string };
  /** The cpl changed through an spl call. */
  spl: { fn: string; from: string; to: string };
  /** A knote changed state or was handled by kqueue code. */
  knote: { op: string; kq: number; kn: number; ident: number; filter: string; flags: string; status: string; why: string };
  /** A thread went to sleep. `timo` is in ticks, 0 = forever. */
  sleep: { thread: string; wchan: string; wmesg: string; timo: number };
  /** A sleeping thread was made runnable. */
  wakeup: { thread: string; reason: string };
  /** The cpu switched to another thread (or to idle). */
  switch: { from: string; to: string; why: string };
  /** The virtual clock advanced; hardclock will run. */
  tick: { tick: number; skipped: number };
  /** A callout function ran from softclock. */
  callout: { fn: string };
  /** A signal was posted to a process. */
  signal: { pid: number; sig: string; action: string };
  /** A process exited. */
  exit: { pid: number; status: number };
  /** The scheduler's chooser decided at a point with several options. */
  choice: { at: string; options: readonly string[]; chosen: number };
  /** Free text from a scenario or from kernel printf. */
  log: { text: string };
  /** A KASSERT failed or the kernel found corruption: the run stops here. */
  panic: { message: string };
  /** A named invariant failed: the run stops here. */
  violation: { invariant: string; message: string };
  /** A finding (an invariant of what the code never promised) failed: the run goes on. */
  finding: { invariant: string; message: string };
  /*
   * kcont(9) (options KCONT). `kc` is a serial number; `asked` is the KC_IPL_* class the kc
   * asked for and `curipl` the class its caller said it runs at (kcont's own scale).
   */
  /** A kc was filled in by kcont() (for a knote's kn_kcont, `kn` is that knote, else 0). */
  'kcont-alloc': { kc: number; fn: string; kn: number; asked: string; flags: string };
  /** A caller asked for a kc to run (kcont_run / kcont_run_one / each kc of kcont_run_all). */
  'kcont-request': { kc: number; fn: string; by: string; asked: string; curipl: string; obj: string; status: number };
  /** kcont_defer: the kc cannot run at curipl; it goes on a deferral queue. */
  'kcont-deferred': { kc: number; fn: string; asked: string; curipl: string; queue: string; why: string };
  /** SIMPLEQ_INSERT_TAIL of a kc on a kcont queue (done at splvm). */
  'kcont-enqueued': { kc: number; queue: string };
  /** SIMPLEQ_REMOVE_HEAD of a kcont queue; kc 0 = the queue was empty. */
  'kcont-dequeued': { kc: number; queue: string };
  /** kcont_run calls kc_fn. `by` is the function's name in this build (kcont_run or kcont_run_one). */
  'kcont-run': { kc: number; fn: string; by: string; asked: string; curipl: string; obj: string; status: number; deferred: boolean };
  /** A kc went back to kc_pool. `kn` is the knote it belonged to (0 if none). */
  'kcont-free': { kc: number; kn: number; by: string };
  /** The kcont kthread returned from its sleep (`status` 0 = woken, EWOULDBLOCK = the hz poll). */
  'kcont-kthread': { status: string; why: string };
  /**
   * ktickle (netbsd-4.0+ktickle-v1/v2): `tickle` the ioctl set KQ_TICKLED; `eintr` kqueue_scan
   * decided to return the tickle as EINTR, with `kq_count` events queued at that moment;
   * `clear` the scan cleared KQ_TICKLED on its way out; `return` the scan returns.
   */
  ktickle: { op: 'tickle' | 'eintr' | 'clear' | 'return'; kq: number; kq_count: number; why: string };
  /**
   * simple_lock(9) (kern_lock.ts): a lock taken or released at `where`; `holder` is the
   * context that held it before this event ('' if none), so a recursion shows.
   */
  lock: { op: 'simple_lock' | 'simple_unlock'; lock: string; where: string; holder: string };
  /**
   * A snapshot of what a state pane shows (opt-in: RunSpec.snapshots), emitted after any
   * event that changed it. Sections are plain data keyed by name so a new subsystem can add
   * one without the viewers changing.
   */
  state: { sections: Readonly<Record<string, readonly string[]>> };
}

export type TraceKind = keyof TraceKinds;

export interface TraceStamp {
  /** Position in the trace, from 0. */
  readonly seq: number;
  /** Simulator steps taken so far (one step = one resume of a generator to its next yield). */
  readonly step: number;
  /** Virtual clock, in hardclock ticks. */
  readonly tick: number;
  /** What the cpu was running: a thread name, an interrupt, or `idle`. */
  readonly ctx: string;
  /** The cpl, as the platform names it. */
  readonly ipl: string;
}

export type TraceEvent = {
  [K in TraceKind]: TraceStamp & { readonly kind: K } & Readonly<TraceKinds[K]>;
}[TraceKind];

export type TraceEventOf<K extends TraceKind> = Extract<TraceEvent, { kind: K }>;

/** What the bus needs from the machine to stamp events. */
export interface TraceClock {
  readonly steps: number;
  readonly ticks: number;
  contextName(): string;
  iplName(): string;
}

export class TraceBus {
  private readonly emitter = new EventEmitter<{ event: [TraceEvent] }>();
  private seq = 0;
  private clock: TraceClock | undefined;

  attach(clock: TraceClock): void {
    this.clock = clock;
  }

  on(listener: (ev: TraceEvent) => void): void {
    this.emitter.on('event', listener);
  }

  off(listener: (ev: TraceEvent) => void): void {
    this.emitter.off('event', listener);
  }

  emit<K extends TraceKind>(kind: K, body: TraceKinds[K]): void {
    const c = this.clock;
    const ev = {
      seq: this.seq++,
      step: c ? c.steps : 0,
      tick: c ? c.ticks : 0,
      ctx: c ? c.contextName() : 'boot',
      ipl: c ? c.iplName() : 'none',
      kind,
      ...body,
    } as TraceEvent;
    this.emitter.emit('event', ev);
  }
}
