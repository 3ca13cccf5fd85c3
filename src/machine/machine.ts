/*
 * The simulated uniprocessor: threads as generators, interrupt frames, the cpl, pending
 * interrupts, devices and a discrete-event virtual clock.
 *
 * Kernel code is written as generators (design decision 1). Each `yield` is a preemption
 * point; code between two yields is atomic. At every preemption point of every context, a
 * thread or an interrupt handler (the DESIGN's "interrupts, as the hardware takes them"):
 *   1. a pending interrupt that the cpl does not mask is taken at once, as hardware would,
 *      and nests on the interrupted frame (the first in the port's dispatch order, and not
 *      before the first step of a handler just entered);
 *   2. otherwise, if something else could happen here, the Chooser decides: a device whose
 *      level the cpl does not mask asserting its line, the clock ticking (while IPL_CLOCK is
 *      not masked, at most `busy_ticks_max` times a run, so exploration stays finite), or,
 *      while the current thread is in user mode, a switch to another runnable process;
 *   3. otherwise the current context runs to its next yield (one step).
 * A handler's first step, from its entry to its first yield, is taken without a choice: an
 * interrupt that could land there lands just as well before it, with the same effect.
 * A device only asserts its line where its interrupt can be taken: one that arrives while
 * its level is masked is modelled as arriving at the point where it is unmasked (splx is a
 * preemption point), which takes the same interrupt at the same place.
 * When the cpu is idle, virtual time jumps to the next tick at which a device event or a
 * timer is due, where hardclock runs; a busy tick advances it by one tick.
 *
 *   Machine.thread_create / setrunnable / intr_establish / softintr_schedule
 *   Machine.boot_threads()   let kernel threads created at boot run until they block
 *   Machine.run()            drive the machine until it finishes, deadlocks or stops
 *   Machine.stop(outcome)    end the run from a hook (a violation) or from kernel code
 *   Machine.touch(kind, id)  kernel code names a shared object its step reads or writes, for
 *                            the partial-order reduction of sim/explore (a no-op otherwise)
 *   Machine.contextKey() / contextPoint()   who runs the next step, and from which point
 *   Machine.heartbeat        told before every step who takes it (a watchdog's view)
 *   ControlFlow              the stackless base of KernelPanic, RunStopped, LwpExit, ...
 */
import type { TraceBus, TraceClock } from '../trace.ts';
import type { ChoiceOption, Chooser } from './chooser.ts';
import type { Cpl, IrqSource, Platform } from './platform.ts';

/** Yielded by code that has just put its thread to sleep: switch away from it. */
export const BLOCK: unique symbol = Symbol('block');
export type Yield = string | typeof BLOCK;
/** A piece of kernel (or user) code that can be preempted at its yields. */
export type KGen<T = void> = Generator<Yield, T, void>;

export type ThreadState = 'runnable' | 'onproc' | 'sleeping' | 'done';

export class Thread {
  state: ThreadState = 'runnable';
  /** The cpl this thread had when it last left the cpu. */
  cpl: Cpl;
  /** True while the thread runs user code (a point where the scheduler may preempt it). */
  userMode = false;
  /** The label of the preemption point it is stopped at. */
  at = 'start';
  /**
   * Switched to and not yet stepped. Switching away again from there would only undo the
   * choice that brought it here, so the scheduler offers no switch until it has run a step:
   * without this an exhaustive search could ping-pong between two threads forever.
   */
  fresh = false;
  /**
   * A kernel daemon (the kcont kthread): it never exits, so a run whose other threads are
   * done ends without it, and it is not counted as a sleeper in a deadlock.
   */
  daemon = false;

  /** The option that lets this thread run on at a choice point. */
  readonly cont: ChoiceOption;
  /** The option of switching to this thread from another one in user mode. */
  readonly switchTo: ChoiceOption;

  constructor(
    readonly tid: number,
    readonly name: string,
    readonly gen: KGen,
    cplNone: Cpl,
    /** The kernel object this thread belongs to (an lwp). */
    readonly owner: unknown,
  ) {
    this.cpl = cplNone;
    this.cont = { kind: 'continue', label: `continue ${name}`, ctx: `thread:${tid}` };
    this.switchTo = { kind: 'switch', label: `switch to ${name}`, tid };
  }
}

/** One scheduled arrival at a device: the device asserts its line at or after `at` ticks. */
export interface DeviceEvent {
  readonly at: number;
  readonly what: string;
  readonly payload: unknown;
}

export class Device {
  /** What arrived and was not yet taken by the driver (the receive ring). */
  readonly ring: unknown[] = [];
  next = 0;
  /** The option of each event's arrival, made when first offered. */
  private readonly options: ChoiceOption[] = [];

  constructor(
    readonly name: string,
    readonly src: IrqSource,
    readonly events: readonly DeviceEvent[],
  ) {}

  armed(ticks: number): boolean {
    const ev = this.events[this.next];
    return ev !== undefined && ev.at <= ticks;
  }

  nextTime(): number | undefined {
    return this.events[this.next]?.at;
  }

  /** The option of the next event arriving (the device asserting its line). */
  nextOption(): ChoiceOption {
    let o = this.options[this.next];
    if (o === undefined) {
      const ev = this.events[this.next] as DeviceEvent;
      o = { kind: 'irq', label: `${this.name} ${ev.what}`, device: this.name, event: this.next };
      this.options[this.next] = o;
    }
    return o;
  }
}

interface Frame {
  readonly src: IrqSource;
  readonly gen: KGen;
  readonly savedCpl: Cpl;
  /** Machine.contextId() while this handler runs. */
  readonly id: number;
  /** The label of the preemption point the handler is stopped at (`start` before its first step). */
  at: string;
  /** The option that lets this handler run on: made once per frame. */
  readonly cont: ChoiceOption;
}

export type Outcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'deadlock'; readonly sleeping: readonly string[] }
  | { readonly kind: 'panic'; readonly message: string }
  | { readonly kind: 'violation'; readonly invariant: string; readonly message: string };

/**
 * The base of exceptions that carry control rather than report a bug (a panic unwinding to
 * Machine.run, a run stopped, an lwp exiting): they capture no stack, which would cost more
 * than the rest of the run they end.
 */
export class ControlFlow extends Error {
  constructor(message?: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** A kernel assertion failed or the kernel detected corruption. Unwinds to Machine.run. */
export class KernelPanic extends ControlFlow {
  override readonly name = 'KernelPanic';
}

/** Thrown (by the machine's owner) to end the run at once, after stop() set the outcome. */
export class RunStopped extends ControlFlow {
  override readonly name = 'RunStopped';
}

/** The run went past its step or tick budget (a scenario that never ends). */
export class BudgetExceeded extends ControlFlow {
  override readonly name = 'BudgetExceeded';
}

export function panic(message: string): never {
  throw new KernelPanic(message);
}

export function KASSERT(cond: boolean, what: string): asserts cond {
  if (!cond) throw new KernelPanic(`kernel diagnostic assertion "${what}" failed`);
}

/*
 * What partial-order reduction needs to see of a run. A transition is everything the machine
 * does from one scheduling boundary (a thread about to be resumed or asked to yield, or the
 * idle loop) to the next; `touch` names the shared objects it reads or writes.
 */
export interface StepObserver {
  boundary(m: Machine): void;
  touch(kind: string, id: string | number): void;
}

/**
 * Told before every step who is about to run it (a watchdog outside the thread running the
 * machine reads it, to name what hung). Null in ordinary runs.
 */
export interface Heartbeat {
  beat(m: Machine): void;
}

export interface MachineLimits {
  readonly steps_max: number;
  readonly ticks_max: number;
  /** How many clock ticks may land while the cpu is busy (not idle) in one run. */
  readonly busy_ticks_max: number;
}

export const DEFAULT_LIMITS: MachineLimits = { steps_max: 200_000, ticks_max: 1_000_000, busy_ticks_max: 1 };

/** The option of a clock tick landing while the cpu is busy. */
const TICK_OPTION: ChoiceOption = { kind: 'tick', label: 'clock tick (hardclock)' };

const NO_HANDLERS: readonly (() => KGen)[] = [];

/*
 * An interrupt frame's code: every handler established for its source, in order. A named
 * generator, not one made per interrupt: V8 gives every new generator function a fresh
 * prototype and map on its first call, which costs more than a short handler.
 */
function* run_handlers(handlers: readonly (() => KGen)[]): KGen {
  for (const h of handlers) yield* h();
}

export class Machine implements TraceClock {
  cpl: Cpl;
  curthread: Thread | null = null;
  steps = 0;
  ticks = 0;
  /** Clock ticks that landed while the cpu was busy (bounded by limits.busy_ticks_max). */
  busyTicks = 0;
  readonly threads: Thread[] = [];
  readonly devices: Device[] = [];
  /** Hooks run after every step; used by the invariant layer. */
  readonly afterStep: (() => void)[] = [];
  /** Sources of future timed work (callouts): the earliest absolute tick, if any. */
  readonly timers: (() => number | undefined)[] = [];
  /** Set by sim/explore for partial-order reduction; null in ordinary runs. */
  observer: StepObserver | null = null;
  /** Set by sim/ when scenario code runs under a watchdog. */
  heartbeat: Heartbeat | null = null;

  private readonly frames: Frame[] = [];
  private readonly runq: Thread[] = [];
  private readonly pending = new Set<IrqSource>();
  private readonly handlers = new Map<IrqSource, (() => KGen)[]>();
  /** The "continue" option of each source's handler, made once. */
  private readonly intrConts = new Map<IrqSource, ChoiceOption>();
  private outcome: Outcome | undefined;
  private nextTid = 1;

  constructor(
    readonly platform: Platform,
    readonly bus: TraceBus,
    readonly chooser: Chooser,
    readonly limits: MachineLimits = DEFAULT_LIMITS,
  ) {
    this.cpl = platform.cplNone;
    bus.attach(this);
  }

  /** The current step reads or writes the shared object `kind id` (see StepObserver). */
  touch(kind: string, id: string | number = ''): void {
    if (this.observer) this.observer.touch(kind, id);
  }

  iplName(): string {
    return this.platform.describe(this.cpl);
  }

  cplValue(): number {
    return this.cpl;
  }

  /* ---- threads ---- */

  thread_create(name: string, gen: KGen, owner: unknown): Thread {
    const t = new Thread(this.nextTid++, name, gen, this.platform.cplNone, owner);
    this.threads.push(t);
    this.runq.push(t);
    return t;
  }

  /**
   * Boot: run every runnable thread until it blocks, without asking the chooser, as
   * init_main starts its kernel threads before the first process exists. Kernel threads
   * that start by sleeping therefore add no scheduling decisions to a run.
   */
  boot_threads(): void {
    for (let t = this.runq[0]; t; t = this.runq[0]) {
      this.switchTo(t.tid, 'boot', 'kernel thread starts');
      while (this.curthread === t) this.resumeThread(t);
    }
  }

  /** Make a sleeping thread runnable (the caller has taken it off its sleep queue). */
  setrunnable(t: Thread): void {
    KASSERT(t.state === 'sleeping', 'setrunnable: thread is asleep');
    t.state = 'runnable';
    this.runq.push(t);
    this.touch('thread', t.tid);
  }

  /** Nothing to run: no interrupt in progress, no current thread, an empty run queue. */
  isIdle(): boolean {
    return this.frames.length === 0 && this.curthread === null && this.runq.length === 0;
  }

  /** True while an interrupt handler is running (kernel code may not sleep there). */
  inInterrupt(): boolean {
    return this.frames.length > 0;
  }

  contextName(): string {
    const f = this.frames[this.frames.length - 1];
    if (f) return `intr ${f.src}`;
    return this.curthread ? this.curthread.name : 'idle';
  }

  /** A number for contextKey() (a thread's tid, or below 0 for an interrupt), without making a string. */
  contextId(): number {
    const f = this.frames[this.frames.length - 1];
    if (f) return f.id;
    return this.curthread ? this.curthread.tid : 0;
  }

  /**
   * Who runs the next step: `thread:<tid>` or `intr:<src>` (a source never nests in itself,
   * because its handler runs at its own level), or null when the cpu is idle. Stable across
   * executions, for exploration strategies that name agents and transitions.
   */
  contextKey(): string | null {
    const f = this.frames[this.frames.length - 1];
    if (f) return `intr:${f.src}`;
    return this.curthread ? `thread:${this.curthread.tid}` : null;
  }

  /**
   * The label of the preemption point the running context is stopped at (`start` before a
   * handler's first step), or null when the cpu is idle. For sim/ views of a run's steps.
   */
  contextPoint(): string | null {
    const f = this.frames[this.frames.length - 1];
    if (f) return f.at;
    return this.curthread ? this.curthread.at : null;
  }

  /* ---- interrupts ---- */

  intr_establish(src: IrqSource, handler: () => KGen): void {
    const list = this.handlers.get(src) ?? [];
    list.push(handler);
    this.handlers.set(src, list);
  }

  /** Post a soft interrupt; it is taken at the first preemption point where the cpl allows. */
  softintr_schedule(src: IrqSource): void {
    this.touch('pending');
    if (!this.pending.has(src)) {
      this.pending.add(src);
      this.bus.emit('softintr', { src, by: this.contextName() });
    }
  }

  isPending(src: IrqSource): boolean {
    return this.pending.has(src);
  }

  /** The pending interrupts in delivery order (for state views, never for kernel logic). */
  pendingSources(): IrqSource[] {
    return this.platform.deliveryOrder.filter((src) => this.pending.has(src));
  }

  /** The interrupt frames, outermost first (for state views). */
  intrStack(): IrqSource[] {
    return this.frames.map((f) => f.src);
  }

  device_attach(name: string, src: IrqSource, events: readonly DeviceEvent[]): Device {
    const d = new Device(name, src, events);
    this.devices.push(d);
    return d;
  }

  /* ---- running ---- */

  /** End the run at the next opportunity with this outcome (first outcome wins). */
  stop(outcome: Outcome): void {
    this.outcome ??= outcome;
  }

  stopped(): Outcome | undefined {
    return this.outcome;
  }

  run(): Outcome {
    try {
      this.loop();
    } catch (e) {
      if (e instanceof RunStopped && this.outcome) return this.outcome;
      if (!(e instanceof KernelPanic)) throw e;
      this.bus.emit('panic', { message: e.message });
      this.stop({ kind: 'panic', message: e.message });
    }
    // loop() only returns once an outcome is set.
    return this.outcome as Outcome;
  }

  private loop(): void {
    for (;;) {
      if (this.outcome) return;
      if (this.steps >= this.limits.steps_max) {
        throw new BudgetExceeded(`step budget of ${this.limits.steps_max} steps exceeded at tick ${this.ticks}`);
      }
      const frame = this.frames[this.frames.length - 1];
      // A port dispatches one pending interrupt at a time and only looks again when that
      // handler lowers the spl or returns: nothing nests before a handler's first step.
      const src = frame?.at === 'start' ? undefined : this.deliverable();
      if (src) {
        this.takeInterrupt(src);
        continue;
      }
      if (frame) {
        this.observer?.boundary(this);
        if (frame.at !== 'start' && this.chooseAtPoint(frame.at, frame.cont, null)) continue;
        this.heartbeat?.beat(this);
        this.resumeFrame(frame);
        continue;
      }
      const t = this.curthread;
      if (t) {
        this.observer?.boundary(this);
        if (this.chooseAtPoint(t.at, t.cont, t)) continue;
        this.heartbeat?.beat(this);
        this.resumeThread(t);
        continue;
      }
      this.observer?.boundary(this);
      this.idle();
    }
  }

  private deliverable(): IrqSource | undefined {
    if (this.pending.size === 0) return undefined;
    for (const src of this.platform.deliveryOrder) {
      if (this.pending.has(src) && !this.platform.masks(this.cpl, src)) return src;
    }
    return undefined;
  }

  private takeInterrupt(src: IrqSource): void {
    this.pending.delete(src);
    this.touch('pending');
    const over = this.contextName();
    const savedCpl = this.cpl;
    this.cpl = this.platform.raise(this.cpl, src);
    this.frames.push({
      src,
      gen: run_handlers(this.handlers.get(src) ?? NO_HANDLERS),
      savedCpl,
      id: -1 - this.platform.deliveryOrder.indexOf(src),
      at: 'start',
      cont: this.intrCont(src),
    });
    this.bus.emit('intr', { src, over });
  }

  private intrCont(src: IrqSource): ChoiceOption {
    let o = this.intrConts.get(src);
    if (o === undefined) {
      o = { kind: 'continue', label: `continue intr ${src}`, ctx: `intr:${src}` };
      this.intrConts.set(src, o);
    }
    return o;
  }

  private resumeFrame(frame: Frame): void {
    this.steps++;
    const r = frame.gen.next();
    if (r.done) {
      this.frames.pop();
      this.cpl = frame.savedCpl;
      this.bus.emit('intr-done', { src: frame.src });
    } else if (r.value === BLOCK) {
      panic(`sleep from interrupt context (${frame.src})`);
    } else {
      frame.at = r.value;
    }
    this.runHooks();
  }

  private resumeThread(t: Thread): void {
    this.steps++;
    t.fresh = false;
    this.touch('thread', t.tid);
    const r = t.gen.next();
    if (r.done) {
      t.state = 'done';
      this.curthread = null;
      this.bus.emit('switch', { from: t.name, to: 'idle', why: 'exited' });
      this.cpl = this.platform.cplNone;
    } else if (r.value === BLOCK) {
      KASSERT(t.state === 'sleeping', 'BLOCK yielded by a thread that is not asleep');
      t.cpl = this.cpl;
      this.curthread = null;
      this.cpl = this.platform.cplNone;
    } else {
      t.at = r.value;
    }
    this.runHooks();
  }

  private runHooks(): void {
    for (const h of this.afterStep) {
      h();
      if (this.outcome) return;
    }
  }

  /**
   * At a preemption point of the running context (a thread `t`, or the handler on top when
   * `t` is null): ask the chooser whether something other than "continue" happens here.
   * Returns true if so.
   */
  private chooseAtPoint(at: string, cont: ChoiceOption, t: Thread | null): boolean {
    // Most points offer nothing but "continue": find that out before building any options.
    const tick = this.busyTicks < this.limits.busy_ticks_max && !this.platform.masks(this.cpl, 'clock');
    const switches = t?.userMode === true && !t.fresh && this.runq.length > 0;
    if (!tick && !switches && !this.deviceMayInterrupt()) return false;
    const options: ChoiceOption[] = [cont];
    this.addDeviceOptions(options, true);
    if (tick) options.push(TICK_OPTION);
    if (switches) for (const r of this.runq) options.push(r.switchTo);
    if (options.length === 1) return false;
    const pick = this.choose(at, options);
    switch (pick.kind) {
      case 'continue':
        return false;
      case 'switch':
        this.preempt(t as Thread, pick.tid);
        return true;
      case 'irq':
        this.fire(pick.device);
        return true;
      case 'tick':
        this.busyTick();
        return true;
      case 'run':
        return panic('a run option at a preemption point');
    }
  }

  /** Some device has an armed event whose level the cpl lets in. */
  private deviceMayInterrupt(): boolean {
    for (const d of this.devices) if (d.armed(this.ticks) && !this.platform.masks(this.cpl, d.src)) return true;
    return false;
  }

  /** Every device with an armed event (and, if `unmaskedOnly`, whose level the cpl lets in). */
  private addDeviceOptions(options: ChoiceOption[], unmaskedOnly: boolean): void {
    for (const d of this.devices) {
      if (!d.armed(this.ticks) || (unmaskedOnly && this.platform.masks(this.cpl, d.src))) continue;
      options.push(d.nextOption());
    }
  }

  /**
   * The clock ticks while the cpu is busy: time moves on by one tick, devices whose input is
   * due by then may assert their lines, and hardclock is taken at once (the cpl lets it in).
   */
  private busyTick(): void {
    this.busyTicks++;
    this.ticks++;
    this.touch('time');
    for (const d of this.devices) if (d.nextTime() === this.ticks) this.touch('device', d.name);
    this.bus.emit('tick', { tick: this.ticks, skipped: 0 });
    this.pending.add('clock');
    this.touch('pending');
  }

  private choose(at: string, options: ChoiceOption[]): ChoiceOption {
    const idx = this.chooser.choose({ step: this.steps, at, options });
    const pick = options[idx];
    if (!pick) throw new RangeError(`chooser picked option ${idx} of ${options.length} at step ${this.steps}`);
    // The labels cost more than the rest of the choice: build them only for someone.
    if (this.bus.wants('choice')) this.bus.emit('choice', { at, options: options.map((o) => o.label), chosen: idx });
    else this.bus.pass('choice');
    this.bus.fingerprint?.mix(idx);
    return pick;
  }

  private fire(deviceName: string): void {
    const d = this.devices.find((x) => x.name === deviceName);
    KASSERT(d !== undefined, `device ${deviceName} exists`);
    const ev = d.events[d.next];
    KASSERT(ev !== undefined && ev.at <= this.ticks, `device ${deviceName} has an armed event`);
    d.next++;
    d.ring.push(ev.payload);
    this.pending.add(d.src);
    this.touch('device', d.name);
    this.touch('pending');
    this.bus.emit('device', { device: d.name, src: d.src, what: ev.what });
  }

  private preempt(t: Thread, to: number): void {
    t.cpl = this.cpl;
    t.state = 'runnable';
    this.runq.push(t);
    this.switchTo(to, t.name, 'preempted in user mode');
  }

  private switchTo(tid: number, from: string, why: string): void {
    const i = this.runq.findIndex((r) => r.tid === tid);
    const t = this.runq[i];
    KASSERT(t !== undefined, `thread ${tid} is on the run queue`);
    this.runq.splice(i, 1);
    t.state = 'onproc';
    t.fresh = true;
    this.curthread = t;
    this.cpl = t.cpl;
    this.bus.emit('switch', { from, to: t.name, why });
  }

  private idle(): void {
    this.cpl = this.platform.cplNone;
    if (this.runq.length > 0) {
      let pick = this.runq[0] as Thread;
      if (this.runq.length > 1) {
        const options = this.runq.map((r): ChoiceOption => ({ kind: 'run', label: `run ${r.name}`, tid: r.tid }));
        const o = this.choose('idle', options);
        if (o.kind === 'run') pick = this.runq.find((r) => r.tid === o.tid) as Thread;
      }
      this.switchTo(pick.tid, 'idle', 'runnable');
      return;
    }
    const options: ChoiceOption[] = [];
    this.addDeviceOptions(options, false);
    if (options.length > 0) {
      const o = options.length > 1 ? this.choose('idle', options) : (options[0] as ChoiceOption);
      if (o.kind === 'irq') this.fire(o.device);
      return;
    }
    const next = this.nextDue();
    if (next === undefined) {
      const sleeping = this.threads.filter((t) => t.state === 'sleeping' && !t.daemon).map((t) => t.name);
      this.stop(sleeping.length === 0 ? { kind: 'done' } : { kind: 'deadlock', sleeping });
      return;
    }
    if (next > this.limits.ticks_max) {
      throw new BudgetExceeded(`tick budget of ${this.limits.ticks_max} ticks exceeded (next event at tick ${next})`);
    }
    const skipped = next - this.ticks - 1;
    this.ticks = next;
    this.touch('time');
    this.bus.emit('tick', { tick: next, skipped });
    this.pending.add('clock');
  }

  private nextDue(): number | undefined {
    let best: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && (best === undefined || t < best)) best = t;
    };
    for (const d of this.devices) consider(d.nextTime());
    for (const f of this.timers) consider(f());
    if (best !== undefined && best <= this.ticks) best = this.ticks + 1;
    return best;
  }
}
