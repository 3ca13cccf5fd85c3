/*
 * sys/event.h (NetBSD 2.0, revision 1.12): filters, flags, filter notes, knote status bits
 * and struct kevent. Filters are small positive numbers on NetBSD (FreeBSD uses negative
 * ones).
 */

export const EVFILT_READ = 0;
export const EVFILT_WRITE = 1;
export const EVFILT_AIO = 2;
export const EVFILT_VNODE = 3;
export const EVFILT_PROC = 4;
export const EVFILT_SIGNAL = 5;
export const EVFILT_TIMER = 6;
/** Filters registered later with kfilter_register(9) get numbers from here up (2.0 and 4.0). */
export const EVFILT_SYSCOUNT = 7;
/* Modern NetBSD (event.h 1.39+): EVFILT_FS 7 (not modelled), EVFILT_USER 8, EVFILT_EMPTY 9. */
export const EVFILT_FS = 7;
export const EVFILT_USER = 8;
export const EVFILT_EMPTY = 9;

export const EV_ADD = 0x0001;
export const EV_DELETE = 0x0002;
export const EV_ENABLE = 0x0004;
export const EV_DISABLE = 0x0008;
export const EV_ONESHOT = 0x0010;
export const EV_CLEAR = 0x0020;
/** Modern: report every change as an EV_ERROR entry, data 0 on success. */
export const EV_RECEIPT = 0x0040;
/** Modern: disable the knote after each delivery. */
export const EV_DISPATCH = 0x0080;
/** Bits reserved for the kernel: stripped from every change on entry. */
export const EV_SYSFLAGS = 0xf000;
/** Kernel-internal: a knote registered by NOTE_TRACK on a new child. */
export const EV_FLAG1 = 0x2000;
export const EV_EOF = 0x8000;
export const EV_ERROR = 0x4000;

/* EVFILT_READ / EVFILT_WRITE on sockets */
export const NOTE_LOWAT = 0x0001;

/* EVFILT_VNODE: what happened to the vnode (the hint VN_KNOTE passes, and the fflags asked for) */
export const NOTE_DELETE = 0x0001;
export const NOTE_WRITE = 0x0002;
export const NOTE_EXTEND = 0x0004;
export const NOTE_ATTRIB = 0x0008;
export const NOTE_LINK = 0x0010;
export const NOTE_RENAME = 0x0020;
export const NOTE_REVOKE = 0x0040;
/* Modern (NetBSD 10, event.h 1.4x): vfs_vnops posts these four too. */
export const NOTE_OPEN = 0x0080;
export const NOTE_CLOSE = 0x0100;
export const NOTE_CLOSE_WRITE = 0x0200;
export const NOTE_READ = 0x0400;

/* EVFILT_PROC */
export const NOTE_EXIT = 0x80000000;
export const NOTE_FORK = 0x40000000;
export const NOTE_EXEC = 0x20000000;
export const NOTE_PCTRLMASK = 0xf0000000;
export const NOTE_PDATAMASK = 0x000fffff;
export const NOTE_TRACK = 0x00000001;
export const NOTE_TRACKERR = 0x00000002;
export const NOTE_CHILD = 0x00000004;

/* EVFILT_TIMER (modern): the unit of data, and an absolute deadline on CLOCK_REALTIME */
export const NOTE_MSECONDS = 0x00000000;
export const NOTE_SECONDS = 0x00000001;
export const NOTE_USECONDS = 0x00000002;
export const NOTE_NSECONDS = 0x00000003;
export const NOTE_ABSTIME = 0x00000010;
/** Kernel-internal in event.h (_KERNEL): the unit bits of fflags. */
export const NOTE_TIMER_UNITMASK = 0x0003;

/* EVFILT_SIGNAL: the hint knote() passes from psignal (kernel-internal) */
export const NOTE_SIGNAL = 0x08000000;

/*
 * EVFILT_USER (modern event.h): on input the top two bits of fflags say how the low 24 bits
 * update the stored fflags; on output only the stored low 24 bits are returned.
 */
export const NOTE_FFNOP = 0x00000000;
export const NOTE_FFAND = 0x40000000;
export const NOTE_FFOR = 0x80000000;
export const NOTE_FFCOPY = 0xc0000000;
export const NOTE_FFCTRLMASK = 0xc0000000;
export const NOTE_FFLAGSMASK = 0x00ffffff;
export const NOTE_TRIGGER = 0x01000000;

/* knote kn_status bits */
export const KN_ACTIVE = 0x01;
export const KN_QUEUED = 0x02;
export const KN_DISABLED = 0x04;
export const KN_DETACHED = 0x08;

/** How many kevents kevent() copies in or out at a time (the kqueue's staging buffer). */
export const KQ_NEVENTS = 8;

/** struct kevent, as user code passes and receives it. */
export interface Kevent {
  ident: number;
  filter: number;
  flags: number;
  fflags: number;
  data: number;
  udata: number;
}

/** EV_SET(3): fill in a kevent. */
export function EV_SET(ident: number, filter: number, flags: number, fflags = 0, data = 0, udata = 0): Kevent {
  return { ident, filter, flags, fflags, data, udata };
}

const FILTER_NAMES = [
  'EVFILT_READ',
  'EVFILT_WRITE',
  'EVFILT_AIO',
  'EVFILT_VNODE',
  'EVFILT_PROC',
  'EVFILT_SIGNAL',
  'EVFILT_TIMER',
  'EVFILT_FS',
  'EVFILT_USER',
  'EVFILT_EMPTY',
];

export function filter_name(filter: number): string {
  return FILTER_NAMES[filter] ?? `filter ${filter}`;
}

const FLAG_NAMES: readonly [number, string][] = [
  [EV_ADD, 'EV_ADD'],
  [EV_DELETE, 'EV_DELETE'],
  [EV_ENABLE, 'EV_ENABLE'],
  [EV_DISABLE, 'EV_DISABLE'],
  [EV_ONESHOT, 'EV_ONESHOT'],
  [EV_CLEAR, 'EV_CLEAR'],
  [EV_RECEIPT, 'EV_RECEIPT'],
  [EV_DISPATCH, 'EV_DISPATCH'],
  [EV_FLAG1, 'EV_FLAG1'],
  [EV_ERROR, 'EV_ERROR'],
  [EV_EOF, 'EV_EOF'],
];

/*
 * The names are built once per value: every knote event of every run names its flags and
 * status, and a run sees only a handful of distinct values.
 */
function memoized(spell: (bits: number) => string): (bits: number) => string {
  const names = new Map<number, string>();
  return (bits) => {
    let name = names.get(bits);
    if (name === undefined) {
      name = spell(bits);
      names.set(bits, name);
    }
    return name;
  };
}

export const flags_name = memoized(flags_spell);
export const status_name = memoized(status_spell);

function flags_spell(flags: number): string {
  const parts = FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, n]) => n);
  const known = FLAG_NAMES.reduce((acc, [bit]) => acc | bit, 0);
  const rest = flags & ~known;
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.length ? parts.join('|') : '0';
}

function status_spell(status: number): string {
  const parts: string[] = [];
  if (status & KN_ACTIVE) parts.push('ACTIVE');
  if (status & KN_QUEUED) parts.push('QUEUED');
  if (status & KN_DISABLED) parts.push('DISABLED');
  if (status & KN_DETACHED) parts.push('DETACHED');
  return parts.length ? parts.join('|') : '0';
}
