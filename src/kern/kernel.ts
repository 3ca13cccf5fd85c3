/*
 * The kernel's global state (what C keeps in file-scope variables) and boot: one Kernel per
 * run, so runs never share anything.
 *
 *   kernel_boot(opts)          build the machine, establish interrupt handlers, start no process
 *   Kernel.proc_create(...)    a process whose single lwp runs `main` in user mode
 *   Kernel.teardown_check()    pools must be empty once every process has exited
 */
import type { Build } from '../builds.ts';
import type { Chooser } from '../machine/chooser.ts';
import { DEFAULT_LIMITS, type DeviceEvent, type KGen, Machine, type MachineLimits, panic, type Yield } from '../machine/machine.ts';
import type { Platform } from '../machine/platform.ts';
import type { TraceBus } from '../trace.ts';
import { kcont_listeners_detach } from './kcont_listener.ts';
import { hardclock, softclock } from './kern_clock.ts';
import type { Knote, Kqueue } from './kern_event.ts';
import { LwpExit } from './kern_exit.ts';
import { type KcontState, kcont_init } from './kern_kcont.ts';
import { type Callout, callout_next_due } from './kern_timeout.ts';
import type { Libc } from './libc.ts';
import { ExpectationFailed, Libc as LibcImpl } from './libc.ts';
import { type NetState, net_attach } from './netinet.ts';
import { type Lwp, Proc } from './proc.ts';
import { Pool } from './subr_pool.ts';
import type { Pipe } from './sys_pipe.ts';
import { type TtyState, tty_attach } from './tty.ts';

/** A user program: a generator over the libc API. Its return value is the exit status. */
export type UserMain = (u: Libc) => Generator<Yield, number | undefined | void, void>;

export interface NicPacket {
  readonly at: number;
  readonly port: number;
  readonly data: string;
}

export interface SerialInput {
  readonly at: number;
  readonly data: string;
}

export interface BootOptions {
  readonly platform: Platform;
  readonly build: Build;
  readonly bus: TraceBus;
  readonly chooser: Chooser;
  readonly limits?: MachineLimits;
  /** Packets arriving at nic0 (IPL_NET), by tick. */
  readonly nic?: readonly NicPacket[];
  /** Characters arriving at com0 (IPL_SERIAL), by tick. */
  readonly serial?: readonly SerialInput[];
}

export class Kernel {
  readonly m: Machine;
  readonly bus: TraceBus;
  readonly build: Build;
  readonly procs: Proc[] = [];
  readonly sleepq: Lwp[] = [];
  readonly callouts: Callout[] = [];
  callout_seq = 0;

  readonly knote_pool = new Pool<Knote>('knote_pool');
  readonly kqueue_pool = new Pool<Kqueue>('kqueue_pool');
  readonly pipe_pool = new Pool<Pipe>('pipe_pool');

  kn_serial = 1;
  kq_serial = 1;
  file_serial = 1;
  private next_pid = 1;

  /** Timer knotes may use at most this many callouts (kq_calloutmax). */
  kq_ncallouts = 0;
  readonly kq_calloutmax = 4096;

  /** kcont(9)'s state; null unless the build has `options KCONT`. */
  kcont: KcontState | null = null;

  net!: NetState;
  tty!: TtyState;

  constructor(opts: BootOptions) {
    this.bus = opts.bus;
    this.build = opts.build;
    this.m = new Machine(opts.platform, opts.bus, opts.chooser, opts.limits ?? DEFAULT_LIMITS);
  }

  proc_create(name: string, main: UserMain, parent: Proc | null, uid: number): Proc {
    const p = new Proc(this.next_pid++, name, parent, { ruid: uid, euid: uid, svuid: uid });
    this.procs.push(p);
    const thread = this.m.thread_create(`${name}[${p.p_pid}]`, proc_main(this, p, main), p.l);
    thread.userMode = true;
    p.l.thread = thread;
    return p;
  }

  /** Every process has exited: whatever a pool still holds was leaked. */
  teardown_check(): void {
    if (this.procs.some((p) => p.p_stat === 'active')) return;
    if (this.kcont) kcont_listeners_detach(this);
    for (const pool of [this.knote_pool, this.kqueue_pool, this.pipe_pool, ...(this.kcont ? [this.kcont.kc_pool] : [])]) {
      const n = pool.pool_leaks();
      if (n > 0) panic(`${pool.name}: ${n} item(s) leaked at teardown`);
    }
  }
}

function* proc_main(k: Kernel, p: Proc, main: UserMain): KGen {
  const u = new LibcImpl(k, p);
  try {
    const status = yield* main(u);
    yield* u.exit_from_main(typeof status === 'number' ? status : 0);
  } catch (e) {
    if (!(e instanceof LwpExit || e instanceof ExpectationFailed)) throw e;
  }
}

export function kernel_boot(opts: BootOptions): Kernel {
  const k = new Kernel(opts);
  const m = k.m;
  m.intr_establish('clock', () => hardclock(k));
  m.intr_establish('softclock', () => softclock(k));
  m.timers.push(() => callout_next_due(k));
  // init_main calls kcont_init before autoconfiguration, so its soft interrupt handlers
  // come before the drivers'.
  if (opts.build.option('KCONT')) kcont_init(k);
  const nic: readonly DeviceEvent[] = (opts.nic ?? []).map((pk) => ({
    at: pk.at,
    what: `packet for port ${pk.port} (${pk.data.length} bytes)`,
    payload: pk,
  }));
  k.net = net_attach(k, nic);
  const serial: readonly DeviceEvent[] = (opts.serial ?? []).map((s) => ({
    at: s.at,
    what: `${s.data.length} character(s) ${JSON.stringify(s.data)}`,
    payload: s.data,
  }));
  k.tty = tty_attach(k, serial);
  return k;
}
