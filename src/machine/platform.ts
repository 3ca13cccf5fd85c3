/*
 * Platforms (ports) as data: the interrupt priority levels a port names, the raw values its
 * spl routines store, and which interrupt sources each level blocks.
 *
 * Machine-independent code must never compare raw IPL values with `<`: NetBSD 2.0's spl(9)
 * says priorities are not a strict hierarchy, and macppc numbers its levels in reverse and
 * implements spl as bitmasks. Everything goes through the Platform functions below.
 *
 *   i386, macppc, macppc_softintr   the ports of 2004 (macppc twice: with and without
 *                            generic soft interrupts, which the sources read do not settle)
 *   platform_get(name)       look up a platform, or undefined
 *   PLATFORMS                every platform, in listing order
 *   Platform.raise/masks/... the only way to reason about a cpl value
 */

/** The IPL names machine-independent code uses (spl(9), NetBSD 2.0). */
export type IplName =
  | 'none'
  | 'softclock'
  | 'softnet'
  | 'bio'
  | 'net'
  | 'softserial'
  | 'tty'
  | 'vm'
  | 'audio'
  | 'clock'
  | 'sched'
  | 'high'
  | 'serial';

export const IPL_NAMES: readonly IplName[] = [
  'none',
  'softclock',
  'softnet',
  'bio',
  'net',
  'softserial',
  'tty',
  'vm',
  'audio',
  'clock',
  'sched',
  'high',
  'serial',
];

/**
 * An interrupt source: a hardware line class or a soft interrupt. Its handler runs with the
 * cpl raised to the IPL of the same name.
 */
export type IrqSource = 'serial' | 'clock' | 'audio' | 'tty' | 'net' | 'bio' | 'softserial' | 'softnet' | 'softclock';

export const SOFT_SOURCES: readonly IrqSource[] = ['softserial', 'softnet', 'softclock'];

/** A cpl value as the port stores it: a level number (i386) or a mask of sources (macppc). */
export type Cpl = number;

export interface Platform {
  readonly name: string;
  readonly description: string;
  /** Clock interrupts per second. */
  readonly hz: number;
  /** The raw value the port's spl routine for each IPL stores (for display and raw-compare hazards). */
  readonly rawIpl: Readonly<Record<IplName, number>>;
  /** Whether the port provides softintr_establish(9) (`__HAVE_GENERIC_SOFT_INTERRUPTS`). */
  readonly genericSoftInterrupts: boolean;
  /**
   * The order in which the port dispatches sources that are pending and unmasked at once
   * (Xspllower, do_pending_int): the first is taken; the others wait until its handler
   * lowers the spl or returns.
   */
  readonly deliveryOrder: readonly IrqSource[];
  /** The cpl an spl call for `ipl` stores on a cpu whose cpl is `cur` (splraise semantics). */
  raise(cur: Cpl, ipl: IplName): Cpl;
  /** The cpl of spl0 / IPL_NONE. */
  readonly cplNone: Cpl;
  /** True when a cpu at `cpl` holds off interrupts from `src`. */
  masks(cpl: Cpl, src: IrqSource): boolean;
  /** True when `a` blocks everything `b` blocks (the platform's partial order on cpls). */
  covers(a: Cpl, b: Cpl): boolean;
  /** The cpl of a named IPL on its own. */
  cplOf(ipl: IplName): Cpl;
  /** A short human name for a cpl: the IPL name whose cpl equals it, else its raw form. */
  describe(cpl: Cpl): string;
}

/** The IPL a source's handler runs at. The same on every port. */
export function ipl_of_source(src: IrqSource): IplName {
  return src;
}

/*
 * i386, NetBSD 2.0: the x86 interrupt code of 2003 (Frank van der Linden's, which brought
 * SMP to i386 in 2.0). Levels are small integers that grow with priority and a cpu at
 * level L holds off every source whose level is <= L. Read at arch/i386/include/intrdefs.h
 * 1.1.2.2 (2002-12-11), the file that became arch/x86/include/intrdefs.h (1.2, 2003-05-04,
 * seen through OpenBSD amd64's copy, same numbers); the netbsd-2 branch's own copy was not
 * read. Two facts the model depends on:
 *   - IPL_SCHED is IPL_CLOCK (0xc) and IPL_SERIAL is IPL_HIGH (0xd): splsched does not block
 *     the UART, on i386 as on macppc. (The older 0x50..0xd0 numbering of intr.h 1.12.10.9,
 *     2000, had IPL_SERIAL 0xe0 above splsched = splhigh 0xd0: no different there.)
 *   - Pending interrupts are dispatched by Xspllower/Xdoreti highest pending bit first
 *     (bsrl over ipending & iunmask[cpl]; spl.S itself not read: the account, and
 *     x86 intrdefs.h 1.5.32.3 of 2007 notes that the SIR bits' position makes "soft
 *     interrupt take priority over hardware interrupts when lowering the priority level"),
 *     and the soft interrupts hold the top bits: SIR_CLOCK 31, SIR_NET 30, SIR_SERIAL 29,
 *     above every hardware slot. So softclock is dispatched before softnet, and softnet
 *     before softserial, lowest level first; the others wait until the one running lowers
 *     its spl (see deliveryOrder).
 */
const I386_LEVELS: Record<IplName, number> = {
  none: 0x0,
  softclock: 0x4,
  softnet: 0x5,
  bio: 0x6,
  net: 0x7,
  softserial: 0x8,
  tty: 0x9,
  vm: 0xa, // IPL_IMP
  audio: 0xb,
  clock: 0xc,
  sched: 0xc, // IPL_SCHED = IPL_CLOCK
  high: 0xd,
  serial: 0xd, // IPL_SERIAL = IPL_HIGH
};

/* When several names share a value (i386: clock = sched = high = serial), show the most general. */
const DISPLAY_ORDER: readonly IplName[] = [
  'none',
  'softclock',
  'softnet',
  'bio',
  'net',
  'softserial',
  'tty',
  'vm',
  'audio',
  'high',
  'clock',
  'sched',
  'serial',
];

/* Every trace event names the cpl, so the names are computed once per table and value. */
const described = new WeakMap<Readonly<Record<IplName, number>>, Map<Cpl, string>>();

function describe_by_table(table: Readonly<Record<IplName, number>>, cpl: Cpl, fmt: (n: number) => string): string {
  let names = described.get(table);
  if (!names) described.set(table, (names = new Map()));
  let name = names.get(cpl);
  if (name === undefined) {
    name = DISPLAY_ORDER.find((n) => table[n] === cpl) ?? fmt(cpl);
    names.set(cpl, name);
  }
  return name;
}

export const i386: Platform = {
  name: 'i386',
  description:
    'NetBSD 2.0 i386: integer IPLs, a total order (NONE 0x0 .. HIGH = SERIAL 0xd, SCHED = CLOCK 0xc), soft interrupts dispatched lowest first',
  hz: 100,
  rawIpl: I386_LEVELS,
  genericSoftInterrupts: true,
  // bsrl order: SIR_CLOCK 31, SIR_NET 30, SIR_SERIAL 29, then the hardware slots (legacy
  // IRQs by number: the NIC's, com0's IRQ 4, the clock's IRQ 0; the model never has two
  // hardware sources pending at once, so their order does not show).
  deliveryOrder: ['softclock', 'softnet', 'softserial', 'net', 'bio', 'tty', 'audio', 'serial', 'clock'],
  cplNone: 0,
  raise(cur, ipl) {
    const want = I386_LEVELS[ipl];
    return Math.max(want, cur);
  },
  masks(cpl, src) {
    return I386_LEVELS[ipl_of_source(src)] <= cpl;
  },
  covers(a, b) {
    return a >= b;
  },
  cplOf(ipl) {
    return I386_LEVELS[ipl];
  },
  describe(cpl) {
    return describe_by_table(I386_LEVELS, cpl, (n) => `0x${n.toString(16)}`);
  },
};

/*
 * macppc, 2004 era (arch/macppc/include/intr.h, macppc/extintr.c): the IPL numbers are
 * reversed (NONE 9 .. SERIAL 0) and an spl call ORs `imask[ipl]`, a bitmask of the sources
 * that level blocks, into the cpl. "Higher priority" means "blocks a superset". Read at
 * macppc intr.h 1.25 (2007; the numbering is the same in evbppc, bebox, pmppc and mvmeppc)
 * and through amiga's copy of the 2002 macppc intr.h (amiga intr.h 1.9): splsched() is
 * splhigh(), and IPL_SERIAL (0) is a level of its own above IPL_HIGH.
 *
 * The masks below follow intr_calculatemasks: each soft level blocks itself, then a chain
 * SOFTCLOCK < SOFTNET < BIO < NET < SOFTSERIAL < TTY < VM < AUDIO < CLOCK < HIGH < SERIAL
 * is enforced by OR-ing each level's mask into the next.
 */
const PPC_LEVELS: Record<IplName, number> = {
  none: 9,
  softclock: 8,
  softnet: 7,
  bio: 6,
  net: 5,
  softserial: 4,
  tty: 3,
  vm: 3,
  audio: 2,
  clock: 1,
  sched: 1,
  high: 1,
  serial: 0,
};

/** One bit per source in a macppc cpl. Soft bits follow SIR_CLOCK 28, SIR_NET 29, SIR_SERIAL 30. */
const PPC_BIT: Record<IrqSource, number> = {
  serial: 1 << 0,
  clock: 1 << 1,
  audio: 1 << 2,
  tty: 1 << 3,
  net: 1 << 5,
  bio: 1 << 6,
  softclock: 1 << 28,
  softnet: 1 << 29,
  softserial: 1 << 30,
};

function ppc_calculate_masks(): Record<IplName, number> {
  const m: Record<IplName, number> = {
    none: 0,
    softclock: PPC_BIT.softclock,
    softnet: PPC_BIT.softnet,
    bio: PPC_BIT.bio,
    net: PPC_BIT.net,
    softserial: PPC_BIT.softserial,
    tty: PPC_BIT.tty,
    vm: 0,
    audio: PPC_BIT.audio,
    clock: PPC_BIT.clock,
    sched: 0,
    high: 0,
    serial: PPC_BIT.serial,
  };
  const chain: IplName[] = ['softclock', 'softnet', 'bio', 'net', 'softserial', 'tty', 'vm', 'audio', 'clock', 'high', 'serial'];
  for (let i = 1; i < chain.length; i++) {
    const lower = chain[i - 1] as IplName;
    const upper = chain[i] as IplName;
    m[upper] |= m[lower];
  }
  m.sched = m.high;
  return m;
}

const PPC_IMASK = ppc_calculate_masks();

/*
 * Whether macppc had generic soft interrupts in NetBSD 2.0 is not settled from sources
 * read: powerpc/include/softintr.h 1.1 (2004-03-24, Matt Thomas) offers softintr_establish
 * to the powerpc ports, and Stone's review (2004-09) names the kcont-versus-generic-softints
 * problem on mac-ppc. So both are platforms: `macppc` without them (every kcont deferral
 * goes to the kthread), `macppc-softintr` with them (one queue per soft level). Pending
 * interrupts are dispatched hardware first, then softserial, softnet, softclock: the order
 * of extintr.c's do_pending_int as kqsim assumes it (not read).
 */
const PPC_DELIVERY: readonly IrqSource[] = ['serial', 'clock', 'audio', 'tty', 'net', 'bio', 'softserial', 'softnet', 'softclock'];

export const macppc: Platform = {
  name: 'macppc',
  description: 'NetBSD macppc (2004): reversed IPL numbers, spl as bitmasks, no generic soft interrupts',
  hz: 100,
  rawIpl: PPC_LEVELS,
  genericSoftInterrupts: false,
  deliveryOrder: PPC_DELIVERY,
  cplNone: 0,
  raise(cur, ipl) {
    return cur | PPC_IMASK[ipl];
  },
  masks(cpl, src) {
    return (cpl & PPC_BIT[src]) !== 0;
  },
  covers(a, b) {
    return (a & b) === b;
  },
  cplOf(ipl) {
    return PPC_IMASK[ipl];
  },
  describe(cpl) {
    return describe_by_table(PPC_IMASK, cpl, (n) => `mask 0x${(n >>> 0).toString(16)}`);
  },
};

export const macppc_softintr: Platform = {
  ...macppc,
  name: 'macppc-softintr',
  description: 'macppc as above, but with the powerpc generic soft interrupts (softintr.h 1.1, 2004-03): one handler queue per soft level',
  genericSoftInterrupts: true,
};

export const PLATFORMS: readonly Platform[] = [i386, macppc, macppc_softintr];

export function platform_get(name: string): Platform | undefined {
  return PLATFORMS.find((p) => p.name === name);
}
