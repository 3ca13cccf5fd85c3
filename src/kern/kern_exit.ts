/*
 * kern_exit.c and kern_fork.c: process exit and fork, with their knote hooks.
 *
 *   exit1(k, rv, sig)     close every descriptor, post NOTE_EXIT to the process's klist,
 *                         become a zombie and post SIGCHLD to the parent; rv is exit(2)'s
 *                         status, sig the signal that killed the process (0 if none);
 *                         then unwind the thread (LwpExit)
 *   exit1_return(k, rv, sig)   the same without the unwinding, where main has returned
 *   W_EXITCODE(rv, sig), P_WAITSTATUS(p)   the wait status (sys/wait.h, sys/proc.h)
 *   sys_wait4(k, pid, options)   reap a zombie child: its pid and wait status (WNOHANG: 0
 *                         if none is ready yet); ECHILD if there is no such child
 *   fork1(k, body)        a child sharing the parent's open files (not its kqueues); posts
 *                         NOTE_FORK with the child's pid to the parent's klist
 *   sys_execve(k)         posts NOTE_EXEC (the image itself is not modelled)
 */
import { ControlFlow, type KGen } from '../machine/machine.ts';
import { ECHILD } from './errno.ts';
import { NOTE_EXEC, NOTE_EXIT, NOTE_FORK } from './event_h.ts';
import { fdcopy, fdfree } from './kern_descrip.ts';
import { knote } from './kern_event.ts';
import { psignal, SIGCHLD } from './kern_sig.ts';
import { curlwp, ltsleep, wakeup } from './kern_synch.ts';
import { realtimer_stop } from './kern_time.ts';
import type { Kernel, UserMain } from './kernel.ts';
import { P_SUGID, type Proc } from './proc.ts';

/** sys/wait.h: the status wait4 reports, exit code in the second byte, signal in the first. */
export function W_EXITCODE(rv: number, sig: number): number {
  return ((rv & 0xff) << 8) | (sig & 0x7f);
}

/* sys/wait.h's macros, for programs reading a wait status. */
export const WIFEXITED = (status: number): boolean => (status & 0x7f) === 0;
export const WEXITSTATUS = (status: number): number => (status >> 8) & 0xff;
export const WIFSIGNALED = (status: number): boolean => (status & 0x7f) !== 0 && (status & 0x7f) !== 0x7f;
export const WTERMSIG = (status: number): number => status & 0x7f;

/** The wait status of a process that has exited (modern NOTE_EXIT reports it in data). */
export function P_WAITSTATUS(p: Proc): number {
  return W_EXITCODE(p.p_xstat, p.p_xsig);
}

export function* exit1(k: Kernel, rv: number, sig = 0): KGen<never> {
  const p = curlwp(k).l_proc;
  yield* exit1_return(k, rv, sig);
  // The thread never runs again: unwind its whole stack to the process's root generator.
  throw new LwpExit(p.p_pid);
}

/*
 * exit1 without the unwinding, for the root of a thread's stack (its main returned), which
 * has no frame above it to unwind: throwing there would cost more than the exit itself.
 */
export function* exit1_return(k: Kernel, rv: number, sig = 0): KGen {
  const p = curlwp(k).l_proc;
  // Recorded first, as the source does, so NOTE_EXIT's filter can read the wait status.
  p.p_xstat = rv;
  p.p_xsig = sig;
  realtimer_stop(k, p);
  yield* fdfree(k, p);
  yield* knote(k, p.p_klist, NOTE_EXIT);
  p.p_stat = 'zombie';
  p.p_siglist = [];
  // The trace shows a death by signal as the shell would (128 + signal); wait4 gets W_EXITCODE.
  k.bus.emit('exit', { pid: p.p_pid, status: sig ? 128 + sig : rv });
  if (p.p_pptr && p.p_pptr.p_stat === 'active') {
    yield* psignal(k, p.p_pptr, SIGCHLD);
    wakeup(k, p.p_pptr);
  }
}

/** Thrown by exit1 through every frame of the exiting thread; caught where the thread began. */
export class LwpExit extends ControlFlow {
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

/** wait4's options (sys/wait.h). */
export const WNOHANG = 0x00000001;

/*
 * wait4(2), as the source loops: find a child matching pid (-1: any; process groups are not
 * modelled, so 0 and below -1 mean any too); a zombie is reaped and reported; else ECHILD if
 * none matched, 0 with WNOHANG, or sleep on the parent ("wait") until exit1 wakes it.
 */
export function* sys_wait4(k: Kernel, pid: number, options: number): KGen<{ error: number; pid: number; status: number }> {
  const parent = curlwp(k).l_proc;
  for (;;) {
    k.m.touch('chan', parent.chanName);
    const mine = parent.p_children.filter((c) => c.p_stat !== 'reaped' && (pid <= 0 || c.p_pid === pid));
    if (mine.length === 0) return { error: ECHILD, pid: 0, status: 0 };
    const zombie = mine.find((c) => c.p_stat === 'zombie');
    if (zombie) {
      zombie.p_stat = 'reaped';
      yield 'wait4:reaped';
      return { error: 0, pid: zombie.p_pid, status: P_WAITSTATUS(zombie) };
    }
    if (options & WNOHANG) return { error: 0, pid: 0, status: 0 };
    const error = yield* ltsleep(k, parent, true, 'wait', 0);
    if (error) return { error, pid: 0, status: 0 };
  }
}
