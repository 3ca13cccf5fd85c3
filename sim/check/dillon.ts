/*
 * Invariants of Dillon's 2000 API (build dillon-2000, src/designs/dillon_2000.ts): the one
 * thing the design promises, and the hazard it brings, reported as a finding when an
 * interleaving produces it.
 *
 *   dillon-copyout-data-only      the kernel writes only the data field of a user struct
 *   dillon-uevent-live            (hazard) it writes through a pointer whose struct is gone
 */
import { LONG_SIZE } from '../../src/designs/dillon_2000.ts';
import { uvm_of } from '../../src/designs/uvm.ts';
import type { Invariant } from './invariant.ts';

/* "the kernel does a copyout of *ONLY* the kernel data update for the event structure (the 'data') field" */
const copyoutDataOnly: Invariant = {
  name: 'dillon-copyout-data-only',
  description: "Dillon 2000: kevent writes only the data field (sizeof(long)) of the user's struct event",
  watch: () => ({
    on: {
      dillon(ev) {
        if (ev.op !== 'copyout' || ev.bytes === LONG_SIZE) return null;
        return `kevent wrote ${ev.bytes} bytes into the struct event at 0x${ev.addr.toString(16)}, not only its ${LONG_SIZE}-byte data field`;
      },
    },
  }),
};

/*
 * The kernel holds a user pointer from kqueuectl until the registration goes; nothing ties it
 * to the struct's lifetime. A program that frees (and perhaps reuses) the struct first has
 * the kernel write into memory that is no longer that struct.
 */
const ueventLive: Invariant = {
  name: 'dillon-uevent-live',
  description: 'Dillon 2000 (hazard): kevent writes through a registered pointer whose struct event was freed or reused',
  watch: (k) => {
    const registered = new Map<string, number>();
    return {
      on: {
        dillon(ev) {
          const key = `${ev.kq}:${ev.fd}:${ev.filter}`;
          const p = k.procs.find((x) => x.p_pid === ev.pid);
          if (!p) return null;
          const block = uvm_of(p).at(ev.addr);
          if (ev.op === 'register') registered.set(key, block?.serial ?? 0);
          if (ev.op === 'forget') registered.delete(key);
          if (ev.op !== 'copyout') return null;
          const at = `0x${ev.addr.toString(16)}`;
          if (!block?.live)
            return `kevent writes data for fd ${ev.fd} into the struct event at ${at}, which the program has freed: a stale user pointer`;
          if (registered.has(key) && block.serial !== registered.get(key))
            return `kevent writes data for fd ${ev.fd} into ${at}, which now holds another struct event (the address was reused): a stale user pointer`;
          return null;
        },
      },
    };
  },
};

export const DILLON_INVARIANTS: readonly Invariant[] = [copyoutDataOnly, ueventLive];
