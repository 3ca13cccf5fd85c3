/*
 * The process-side structures (sys/proc.h, sys/filedesc.h, sys/file.h): a process with one
 * lwp, its descriptor table with the per-process knote lists, and open files.
 */
import type { KGen, Thread } from '../machine/machine.ts';
import type { Knote } from './kern_event.ts';
import type { LwpEntry } from './kern_lwp.ts';
import type { Callout } from './kern_timeout.ts';
import type { Kernel } from './kernel.ts';

/** A sleep channel: any kernel object a thread can sleep on, with a name for the trace. */
export interface WaitChannel {
  readonly chanName: string;
}

export type SigDisposition = 'default' | 'ignore' | 'catch';

export interface SigAction {
  readonly disposition: SigDisposition;
  /** SA_RESTART: a syscall interrupted by this signal is restarted (ltsleep returns ERESTART). */
  readonly restart: boolean;
}

/** L_SINTR: the lwp sleeps interruptibly (PCATCH). L_TIMEOUT: its sleep timed out. */
export const L_SINTR = 0x1;
export const L_TIMEOUT = 0x2;

export class Lwp {
  l_flag = 0;
  l_wchan: WaitChannel | null = null;
  l_wmesg = '';
  /** The callout that ends a timed sleep (endtsleep). */
  l_tsleep_ch: Callout | null = null;
  thread!: Thread;

  constructor(readonly l_proc: Proc) {}
}

export interface Fileops {
  /** Read at `offset` (pread), or at and past the file's own offset when it is null. */
  fo_read(k: Kernel, fp: File, nbytes: number, nonblock: boolean, offset: number | null): KGen<{ error: number; data: string }>;
  fo_write(k: Kernel, fp: File, data: string, nonblock: boolean, offset: number | null): KGen<{ error: number; written: number }>;
  /** Attach a knote to the object behind the file; returns an errno (or 1, as the kernel does). */
  fo_kqfilter(k: Kernel, fp: File, kn: Knote): number;
  fo_ioctl(k: Kernel, fp: File, cmd: string, arg: unknown): KGen<number>;
  fo_close(k: Kernel, fp: File): KGen<number>;
}

/** `kevent`: Linux kevent's /dev/kevent queue (src/designs/linux_kevent.ts). */
export type FileType = 'kqueue' | 'pipe' | 'socket' | 'tty' | 'vnode' | 'kevent';

/* f_flag bits (sys/fcntl.h: FREAD = O_RDONLY + 1, and so on) */
export const FREAD = 0x0001;
export const FWRITE = 0x0002;
export const FNONBLOCK = 0x0004;
export const FAPPEND = 0x0008;

export class File implements WaitChannel {
  f_count = 1;
  /** FREAD / FWRITE / FNONBLOCK / FAPPEND. Pipes, sockets and ttys are opened read-write. */
  f_flag = FREAD | FWRITE;
  /** The offset of the next read or write (vnodes; fo_read and fo_write move it). */
  f_offset = 0;

  constructor(
    readonly f_serial: number,
    readonly f_type: FileType,
    readonly f_ops: Fileops,
    readonly f_data: object,
    readonly chanName: string,
  ) {}
}

/** Buckets of the per-process hash of non-fd knotes (timer, signal, proc). */
export const KN_HASHSIZE = 64;

export function KN_HASH(val: number): number {
  return (val ^ (val >>> 8)) & (KN_HASHSIZE - 1);
}

export class Filedesc {
  fd_ofiles: (File | null)[] = [];
  /** Knotes of fd filters, by descriptor; each list has its newest knote first (SLIST). */
  fd_knlist: Knote[][] = [];
  /** Knotes of non-fd filters; created on first use, as fd_knhash is. */
  fd_knhash: Knote[][] | null = null;
}

/** A zombie stays until its parent's wait4 reaps it. */
export type ProcStat = 'active' | 'zombie' | 'reaped';

/** The process's credentials (struct pcred + ucred, reduced to the user ids). */
export interface Cred {
  /** Real uid (p_ruid). */
  ruid: number;
  /** Effective uid (cr_uid): what permission checks use. */
  euid: number;
  /** Saved set-user-id (p_svuid). */
  svuid: number;
}

/** p_flag: the process changed its credentials (set-id), so others may not trace it. */
export const P_SUGID = 0x00000100;

export class Proc implements WaitChannel {
  p_stat: ProcStat = 'active';
  readonly p_fd = new Filedesc();
  /** Knotes watching this process (EVFILT_PROC) or its signals (EVFILT_SIGNAL); newest first. */
  p_klist: Knote[] = [];
  readonly p_sigacts = new Map<number, SigAction>();
  /** Posted, not yet delivered signals, in posting order. */
  p_siglist: number[] = [];
  /** Signals delivered to a catching handler, in order (what the scenario can observe). */
  readonly p_caught: number[] = [];
  p_xstat = 0;
  /** The signal that terminated the process (0 for exit(2)); with p_xstat, the wait status. */
  p_xsig = 0;
  p_flag = 0;
  readonly p_cred: Cred;
  /** The ITIMER_REAL callout (alarm, setitimer; kern_time.ts), created on first use, and its overruns. */
  p_realtimer: Callout | null = null;
  p_realtimer_overruns = 0;
  readonly p_children: Proc[] = [];
  readonly l: Lwp;
  /*
   * The lwps lwp_create made (kern_lwp.ts), as struct proc's p_lwps, without the first (l).
   * On the Proc rather than in a WeakMap keyed by it: an entry's lwp points back at its
   * process, and V8's scavenges keep such a WeakMap value, and so the key and the whole run,
   * alive until a full collection.
   */
  readonly p_lwps: LwpEntry[] = [];
  readonly chanName: string;

  constructor(
    readonly p_pid: number,
    readonly p_comm: string,
    readonly p_pptr: Proc | null,
    cred: Cred,
  ) {
    this.p_cred = { ...cred };
    this.l = new Lwp(this);
    this.chanName = `proc ${p_pid}`;
  }
}
