/*
 * Which event API a program is built for: NetBSD's kqueue, or a design of src/designs/. A
 * program knows this when it is compiled (#ifdef); a scenario written against several
 * designs asks here instead of probing syscalls, so its syscall counts hold only its work.
 *
 *   event_design(u)   'kqueue', 'linux-kevent' or 'dillon-2000'
 */
import type { DesignName } from '../builds.ts';
import type { Libc } from '../kern/libc.ts';

export type EventDesign = 'kqueue' | DesignName;

export function event_design(u: Libc): EventDesign {
  return u.gate().k.build.design ?? 'kqueue';
}
