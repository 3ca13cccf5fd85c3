/*
 * The one trace bus. Every observable event of a run goes through here: the invariant layer,
 * the narrator, the exporters and the tests all subscribe to the same stream (design
 * decision 7). Events are plain data with stable field order so a JSON line of one is
 * byte-identical across runs.
 *
 * An event costs what its audience needs, and nothing when it has none (exploration runs
 * thousands of executions nobody looks at): a `listener` sees every event, stamped with
 * step/tick/context/cpl (recording, narration, live views); a `hook` sees only its own kind,
 * unstamped, called directly (the invariants); an event of a kind nobody listens to or hooks
 * is dropped before anything is built, except that a `fingerprint`, when one is set, folds
 * a few numbers of it (see TraceFingerprint).
 *
 *   TraceBus.emit(kind, body)   publish an event to whoever wants its kind
 *   TraceBus.wants(kind)        someone will look at this kind (guard a costly body with it)
 *   TraceBus.pass(kind)         what emit does for an event nobody wants (the guard's else)
 *   TraceBus.on/off(listener)   every event, stamped, in the order subscribed
 *   TraceBus.hook(kind, fn)     one kind's bodies, in the same order as the listeners
 *   TraceFingerprint            an incremental 53-bit hash of a run's numeric footprint
 *   TraceKinds                  the event vocabulary (extend it by declaration merging)
 */

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
  /** A number for the running context (a thread id, or minus one more than an interrupt source's index), for fingerprints. */
  contextId(): number;
  /** The cpl as a number (the port's raw value), for fingerprints. */
  cplValue(): number;
}

/** What a hook receives: one kind's own fields, without the stamp. */
export type TraceBody<K extends TraceKind> = Readonly<TraceKinds[K]>;

type Listener = (ev: TraceEvent) => void;

interface Subscriber {
  /** null: a listener, for every kind. */
  readonly kind: TraceKind | null;
  readonly fn: (ev: never) => void;
}

interface Route {
  readonly fns: readonly ((ev: unknown) => void)[];
  /** A listener is among them: build the stamped event. */
  readonly stamped: boolean;
  /** The kind's number in fingerprints (kind_code). */
  readonly code: number;
}

/*
 * FNV-1a in two 32-bit lanes, folded from numbers rather than text. Deterministic on every
 * platform and in every worker, so fingerprints from different threads and machines can be
 * compared (sim/explore counts distinct traces with them).
 */
export class TraceFingerprint {
  private a = 0x811c9dc5;
  private b = 0x9e3779b9 ^ 0x01000193;

  /** Fold one number (any 32 bits of it). */
  mix(n: number): void {
    this.a = Math.imul(this.a ^ (n & 0xffff), 0x01000193) >>> 0;
    this.a = Math.imul(this.a ^ (n >>> 16), 0x01000193) >>> 0;
    this.b = Math.imul(this.b ^ n, 0x01000393) >>> 0;
  }

  /** The hash so far, as a whole number below 2^53 (exact as a JSON number). */
  value(): number {
    return this.a * 0x200000 + (this.b >>> 11);
  }
}

/** A kind's number in fingerprints: a hash of its name, so it is the same everywhere. */
const kindCodes = new Map<string, number>();
function kind_code(kind: string): number {
  let c = kindCodes.get(kind);
  if (c === undefined) {
    c = 0x811c9dc5;
    for (let i = 0; i < kind.length; i++) c = Math.imul(c ^ kind.charCodeAt(i), 0x01000193) >>> 0;
    kindCodes.set(kind, c);
  }
  return c;
}

export class TraceBus {
  private readonly subscribers: Subscriber[] = [];
  /** Who gets each kind, worked out once per kind after the subscribers last changed. */
  private readonly routes = new Map<string, Route>();
  private seq = 0;
  private clock: TraceClock | undefined;
  /** When set, every event folds its kind, context and cpl into it (recorded or not). */
  fingerprint: TraceFingerprint | null = null;

  attach(clock: TraceClock): void {
    this.clock = clock;
  }

  on(listener: Listener): void {
    this.subscribe({ kind: null, fn: listener });
  }

  off(listener: Listener): void {
    const i = this.subscribers.findIndex((s) => s.kind === null && s.fn === listener);
    if (i >= 0) this.subscribers.splice(i, 1);
    this.routes.clear();
  }

  hook<K extends TraceKind>(kind: K, fn: (ev: TraceBody<K>) => void): void {
    this.subscribe({ kind, fn });
  }

  wants(kind: TraceKind): boolean {
    return this.route(kind).fns.length > 0;
  }

  emit<K extends TraceKind>(kind: K, body: TraceKinds[K]): void {
    const r = this.route(kind);
    const seq = this.count(r);
    if (r.fns.length === 0) return;
    const c = this.clock;
    const ev = r.stamped
      ? {
          seq,
          step: c ? c.steps : 0,
          tick: c ? c.ticks : 0,
          ctx: c ? c.contextName() : 'boot',
          ipl: c ? c.iplName() : 'none',
          kind,
          ...body,
        }
      : body;
    for (const fn of r.fns) fn(ev);
  }

  /**
   * An event of this kind happened but nobody wants its body (see wants()): number it and
   * fold it into the fingerprint, exactly as emit() would. Returns its seq.
   */
  pass(kind: TraceKind): number {
    return this.count(this.route(kind));
  }

  /** Number an event of route `r` and fold it into the fingerprint. */
  private count(r: Route): number {
    const fp = this.fingerprint;
    const c = this.clock;
    if (fp) {
      fp.mix(r.code);
      if (c) {
        fp.mix(c.contextId());
        fp.mix(c.cplValue());
      }
    }
    return this.seq++;
  }

  private subscribe(s: Subscriber): void {
    this.subscribers.push(s);
    // A hook changes only its own kind's route (a run subscribes dozens before its first event).
    if (s.kind === null) this.routes.clear();
    else this.routes.delete(s.kind);
  }

  private route(kind: string): Route {
    let r = this.routes.get(kind);
    if (r === undefined) {
      const fns: ((ev: unknown) => void)[] = [];
      let stamped = false;
      for (const s of this.subscribers) {
        if (s.kind !== null && s.kind !== kind) continue;
        fns.push(s.fn as (ev: unknown) => void);
        stamped ||= s.kind === null;
      }
      r = { fns, stamped, code: kind_code(kind) };
      this.routes.set(kind, r);
    }
    return r;
  }
}
