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
 */
import { panic } from '../machine/machine.ts';

export class Pool<T extends object> {
  private readonly live = new Set<T>();
  private readonly freed = new WeakSet<T>();
  gets = 0;
  puts = 0;

  constructor(readonly name: string) {}

  pool_get(make: () => T): T {
    const item = make();
    this.live.add(item);
    this.gets++;
    return item;
  }

  pool_put(item: T, where: string): void {
    if (this.freed.has(item) && !this.live.has(item)) panic(`pool_put: ${this.name}: double free in ${where}`);
    if (!this.live.has(item)) panic(`pool_put: ${this.name}: item not from this pool in ${where}`);
    this.live.delete(item);
    this.freed.add(item);
    this.puts++;
  }

  pool_check(item: T, where: string): void {
    if (!this.live.has(item)) {
      panic(this.freed.has(item) ? `${this.name}: use after free in ${where}` : `${this.name}: wild pointer in ${where}`);
    }
  }

  pool_leaks(): number {
    return this.live.size;
  }

  /** The allocated items, oldest first (for consistency checks, never for kernel logic). */
  items(): readonly T[] {
    return [...this.live];
  }
}
