/*
 * Simulated user memory, for the designs whose kernel reads or writes user structs in place
 * (Dillon's `struct event`, Linux kevent's ring): a process's heap as malloc(3) hands it out.
 * Every block has an address and an allocation serial; a freed block's address is handed out
 * again first (LIFO per size, as a simple malloc does), so a pointer kept across a free(3)
 * points at whatever block occupies that address now. Freed memory stays mapped, as heap
 * memory does: a write through a stale pointer lands in it silently. Only an address that no
 * block ever had faults (EFAULT).
 *
 *   uvm_of(p)                     the process's address space (made on first use)
 *   Uvm.malloc(size, fields)      a block; returns its address (never 0: 0 is NULL)
 *   Uvm.free(addr)                free(3); the address may be handed out again
 *   Uvm.at(addr)                  the block occupying addr now (live or freed), if any
 *   Uvm.list()                    every address's current block (for state views)
 *   copyout(k, p, addr, bytes, what, write)   the kernel writes into user memory: counted,
 *                                 traced; false (EFAULT) if nothing is mapped there
 *   copy_count(k, p, dir, bytes, what)        a copy to or from a buffer the caller passed in
 *                                 the call (arrays the model keeps as JS values), traced
 */
import type { Kernel } from '../kern/kernel.ts';
import type { Proc } from '../kern/proc.ts';

declare module '../trace.ts' {
  interface TraceKinds {
    /** copyin (`in`) or copyout (`out`) of `bytes` between the kernel and process `pid`'s memory. */
    copy: { pid: number; dir: 'in' | 'out'; bytes: number; what: string };
  }
}

/** One malloc(3) block. `fields` is the struct the program keeps there. */
export interface Block {
  readonly addr: number;
  readonly size: number;
  /** Allocation serial: two blocks at one address have different serials. */
  readonly serial: number;
  live: boolean;
  readonly fields: Record<string, unknown>;
}

/** Where the heap starts, and the alignment malloc keeps. */
const HEAP_BASE = 0x1000;
const ALIGN = 16;

export class Uvm {
  private readonly blocks = new Map<number, Block>();
  private readonly freelist = new Map<number, number[]>();
  private brk = HEAP_BASE;
  private serial = 1;

  malloc(size: number, fields: Record<string, unknown>): number {
    const rounded = Math.max(ALIGN, Math.ceil(size / ALIGN) * ALIGN);
    const reuse = this.freelist.get(rounded)?.pop();
    const addr = reuse ?? this.brk;
    if (reuse === undefined) this.brk += rounded;
    this.blocks.set(addr, { addr, size: rounded, serial: this.serial++, live: true, fields });
    return addr;
  }

  /** free(3). Freeing NULL does nothing; a double free is the program's bug: false. */
  free(addr: number): boolean {
    if (addr === 0) return true;
    const b = this.blocks.get(addr);
    if (!b?.live) return false;
    b.live = false;
    const list = this.freelist.get(b.size) ?? [];
    list.push(addr);
    this.freelist.set(b.size, list);
    return true;
  }

  at(addr: number): Block | undefined {
    return this.blocks.get(addr);
  }

  /** The block at each address ever handed out, by address (for state views). */
  list(): readonly Block[] {
    return [...this.blocks.values()].sort((a, b) => a.addr - b.addr);
  }
}

/* Keyed by the per-run Proc object, so runs never share memory. */
const SPACES = new WeakMap<Proc, Uvm>();

/** p's address space if the process has used simulated memory (views must not create one). */
export function uvm_peek(p: Proc): Uvm | undefined {
  return SPACES.get(p);
}

export function uvm_of(p: Proc): Uvm {
  let u = SPACES.get(p);
  if (!u) {
    u = new Uvm();
    SPACES.set(p, u);
  }
  return u;
}

export function copy_count(k: Kernel, p: Proc, dir: 'in' | 'out', bytes: number, what: string): void {
  if (bytes > 0) k.bus.emit('copy', { pid: p.p_pid, dir, bytes, what });
}

/** The kernel writes `bytes` at `addr` of p's memory; `write` changes the block's fields. */
export function copyout(k: Kernel, p: Proc, addr: number, bytes: number, what: string, write: (b: Block) => void): boolean {
  const b = uvm_of(p).at(addr);
  if (!b) return false;
  write(b);
  copy_count(k, p, 'out', bytes, what);
  return true;
}
