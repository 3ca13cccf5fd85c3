/*
 * pool(9): fixed-size object allocators that catch the three memory errors a kernel
 * developer fears. A freed item is remembered, so touching it again (pool_check), freeing
 * it twice, or finishing a run with items still out are simulated panics, as a DIAGNOSTIC
 * kernel with pool poisoning would report them.
 *
 *   Pool.pool_get(make)   allocate (make builds the object)
 *   Pool.pool_put(item)   free; panics on a double free or a foreign item
 *   Pool.pool_check(item, where)   panics if `item` was freed (use after free)
 *   Pool.pool_leaks()     how many items are still allocated
 *   Pool.items()          the allocated items, oldest first
 *   Pool.live             the same as a set, to iterate without copying (every-step checks)
 */
import { panic } from '../machine/machine.ts';

export class Pool<T extends object> {
  private readonly allocated = new Set<T>();
  /*
   * A Set, not a WeakSet: a pool lives for one run, so holding freed items costs little,
   * while weak collections make every garbage collection of an exploration slower.
   */
  private readonly freed = new Set<T>();
  gets = 0;
  puts = 0;

  constructor(readonly name: string) {}

  pool_get(make: () => T): T {
    const item = make();
    this.allocated.add(item);
    this.gets++;
    return item;
  }

  pool_put(item: T, where: string): void {
    if (this.freed.has(item) && !this.allocated.has(item)) panic(`pool_put: ${this.name}: double free in ${where}`);
    if (!this.allocated.has(item)) panic(`pool_put: ${this.name}: item not from this pool in ${where}`);
    this.allocated.delete(item);
    this.freed.add(item);
    this.puts++;
  }

  pool_check(item: T, where: string): void {
    if (!this.allocated.has(item)) {
      panic(this.freed.has(item) ? `${this.name}: use after free in ${where}` : `${this.name}: wild pointer in ${where}`);
    }
  }

  pool_leaks(): number {
    return this.allocated.size;
  }

  /** The allocated items, oldest first (for consistency checks, never for kernel logic). */
  items(): readonly T[] {
    return [...this.allocated];
  }

  /** The allocated items, oldest first, without a copy. */
  get live(): ReadonlySet<T> {
    return this.allocated;
  }
}
