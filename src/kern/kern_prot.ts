/*
 * kern_prot.c: process identity and credentials.
 *
 *   sys_getpid, sys_getppid, sys_getuid, sys_geteuid
 *   sys_setuid(k, uid)     real, effective and saved uid all become uid: the super-user may
 *                          pick any, others only their real uid (EPERM otherwise)
 *   sys_seteuid(k, euid)   the effective uid becomes euid: the super-user may pick any,
 *                          others only their real or saved uid
 * A change of credentials marks the process P_SUGID (p_sugid), which filt_procattach checks:
 * others, root aside, may no longer watch it. "Super-user" is suser(9): effective uid 0.
 */
import type { KGen } from '../machine/machine.ts';
import { EINVAL, EPERM } from './errno.ts';
import { curlwp } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { type Cred, P_SUGID, type Proc } from './proc.ts';

export function sys_getpid(k: Kernel): number {
  return curlwp(k).l_proc.p_pid;
}

/** The parent's pid; 1 (init) for a process started at boot, as a child of init would see. */
export function sys_getppid(k: Kernel): number {
  return curlwp(k).l_proc.p_pptr?.p_pid ?? 1;
}

export function sys_getuid(k: Kernel): number {
  return curlwp(k).l_proc.p_cred.ruid;
}

export function sys_geteuid(k: Kernel): number {
  return curlwp(k).l_proc.p_cred.euid;
}

function valid_uid(uid: number): boolean {
  return Number.isInteger(uid) && uid >= 0 && uid <= 0xfffffffe;
}

/* Install new credentials; if anything changed, the process becomes set-id (p_sugid). */
function cred_set(p: Proc, next: Cred): void {
  const c = p.p_cred;
  if (c.ruid === next.ruid && c.euid === next.euid && c.svuid === next.svuid) return;
  Object.assign(c, next);
  p.p_flag |= P_SUGID;
}

export function* sys_setuid(k: Kernel, uid: number): KGen<number> {
  const p = curlwp(k).l_proc;
  if (!valid_uid(uid)) return EINVAL;
  if (uid !== p.p_cred.ruid && p.p_cred.euid !== 0) return EPERM;
  cred_set(p, { ruid: uid, euid: uid, svuid: uid });
  yield 'setuid:done';
  return 0;
}

export function* sys_seteuid(k: Kernel, euid: number): KGen<number> {
  const p = curlwp(k).l_proc;
  const c = p.p_cred;
  if (!valid_uid(euid)) return EINVAL;
  if (euid !== c.ruid && euid !== c.svuid && c.euid !== 0) return EPERM;
  cred_set(p, { ...c, euid });
  yield 'seteuid:done';
  return 0;
}
