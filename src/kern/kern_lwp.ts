/*
 * kern_lwp.c, reduced to what a two-thread server needs: more lwps in one process, sharing
 * its descriptor table (and so its kqueues), and waiting for one to finish.
 *
 *   lwp_create(k, p, name, main)   a new lwp of p running `main(l)` in user mode; returns its lid
 *   lwp_exit(k, l)                 the lwp is done: wake whoever waits for it
 *   lwp_wait(k, p, lid)            sleep until that lwp of p has exited; ESRCH if there is none
 *
 * Signals still go to the process's first lwp (Proc.l); an lwp other than the first does not
 * end its process when it returns.
 */
import type { KGen } from '../machine/machine.ts';
import { ESRCH } from './errno.ts';
import { ltsleep, wakeup } from './kern_synch.ts';
import type { Kernel } from './kernel.ts';
import { Lwp, type Proc, type WaitChannel } from './proc.ts';

export interface LwpEntry {
  readonly lid: number;
  readonly l: Lwp;
  done: boolean;
  /** What lwp_wait sleeps on. */
  readonly chan: WaitChannel;
}

export function* lwp_create(k: Kernel, p: Proc, name: string, main: (l: Lwp) => KGen): KGen<number> {
  const list = p.p_lwps;
  // lid 1 is the process's first lwp.
  const lid = list.length + 2;
  const l = new Lwp(p);
  list.push({ lid, l, done: false, chan: { chanName: `lwp ${p.p_pid}.${lid}` } });
  const thread = k.m.thread_create(`${name}[${p.p_pid}.${lid}]`, main(l), l);
  thread.userMode = true;
  l.thread = thread;
  yield 'lwp_create:done';
  return lid;
}

export function lwp_exit(k: Kernel, l: Lwp): void {
  const e = l.l_proc.p_lwps.find((x) => x.l === l);
  if (!e) return;
  e.done = true;
  wakeup(k, e.chan);
}

export function* lwp_wait(k: Kernel, p: Proc, lid: number): KGen<number> {
  const e = p.p_lwps.find((x) => x.lid === lid);
  if (!e) return ESRCH;
  while (!e.done) {
    const error = yield* ltsleep(k, e.chan, false, 'lwpwait', 0);
    if (error) return error;
  }
  return 0;
}
