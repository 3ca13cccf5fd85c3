/*
 * kern_exit.c and kern_fork.c: process exit and fork, with their knote hooks.
 *
 *   exit1(k, status)      close every descriptor, post NOTE_EXIT to the process's klist,
 *                         become a zombie and post SIGCHLD to the parent
 *   fork1(k, body)        a child sharing the parent's open files (not its kqueues); posts
 *                         NOTE_FORK with the child's pid to the parent's klist
 *   sys_execve(k)         posts NOTE_EXEC (the image itself is not modelled)
 */
import type { KGen } from '../machine/machine.ts';
import { NOTE_EXEC, NOTE_EXIT, NOTE_FORK } from './event_h.ts';
import { fdcopy, fdfree } from './kern_descrip.ts';
import { knote } from './kern_event.ts';
import { psignal, SIGCHLD } from './kern_sig.ts';
import { curlwp, wakeup } from './kern_synch.ts';
import type { Kernel, UserMain } from './kernel.ts';
import { P_SUGID, type Proc } from './proc.ts';

export function* exit1(k: Kernel, status: number): KGen<never> {
  const p = curlwp(k).l_proc;
  yield* fdfree(k, p);
  yield* knote(k, p.p_klist, NOTE_EXIT);
  p.p_stat = 'zombie';
  p.p_xstat = status;
  p.p_siglist = [];
  k.bus.emit('exit', { pid: p.p_pid, status });
  if (p.p_pptr && p.p_pptr.p_stat === 'active') {
    yield* psignal(k, p.p_pptr, SIGCHLD);
    wakeup(k, p.p_pptr);
  }
  // The thread never runs again: unwind its whole stack to the process's root generator.
  throw new LwpExit(p.p_pid);
}

/** Thrown by exit1 through every frame of the exiting thread; caught where the thread began. */
export class LwpExit extends Error {
  override readonly name = 'LwpExit';
  constructor(readonly pid: number) {
    super(`pid ${pid} exited`);
  }
}

export function* fork1(k: Kernel, name: string, body: UserMain): KGen<Proc> {
  const parent = curlwp(k).l_proc;
  const child = k.proc_create(name, body, parent, parent.p_cred.ruid);
  // The child has the parent's credentials, and stays set-id if the parent was (kern_fork.c).
  Object.assign(child.p_cred, parent.p_cred);
  child.p_flag = parent.p_flag & P_SUGID;
  fdcopy(parent, child);
  parent.p_children.push(child);
  yield* knote(k, parent.p_klist, NOTE_FORK | child.p_pid);
  return child;
}

export function* sys_execve(k: Kernel): KGen {
  const p = curlwp(k).l_proc;
  yield* knote(k, p.p_klist, NOTE_EXEC);
}
