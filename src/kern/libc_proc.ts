/*
 * libc, processes: identity, credentials, the clocks, waiting for children, pause and alarm.
 *
 *   getpid(), getppid(), getuid(), geteuid(), setuid(uid), seteuid(euid)
 *   wait4(pid, options), waitpid(pid, options), wait()   the child's pid in ret, its wait
 *                       status in status (WIFEXITED, WEXITSTATUS, ... in sim/scenario.ts)
 *   clock_gettime(clock_id), gettimeofday()   the time in `time` ({ sec, nsec })
 *   pause()             sleep until a signal (-1, EINTR)
 *   alarm(sec)          SIGALRM after sec seconds; ret is what the previous alarm had left
 *   setitimer(ms)       ITIMER_REAL's it_value in milliseconds: SIGALRM from a callout
 *   nanosleep(ms)       sleep interruptibly (EINTR on a signal, never restarted)
 *   sleep(sec), usleep(usec)   nanosleep(sec * 1000 ms), nanosleep(usec / 1000 ms)
 */
import type { KGen, Yield } from '../machine/machine.ts';
import { EINTR, EINVAL, ERESTART, EWOULDBLOCK } from './errno.ts';
import { hzto, time_us } from './kern_clock.ts';
import { sys_wait4 } from './kern_exit.ts';
import { sys_geteuid, sys_getpid, sys_getppid, sys_getuid, sys_seteuid, sys_setuid } from './kern_prot.ts';
import { sigsuspend1 } from './kern_sig.ts';
import { ltsleep } from './kern_synch.ts';
import { sys_alarm, sys_clock_gettime, sys_gettimeofday, sys_setitimer_real } from './kern_time.ts';
import type { Kernel } from './kernel.ts';
import { error_body, LibcSyscall, type Outcome, type SysResult } from './libc_syscall.ts';
import type { Proc, WaitChannel } from './proc.ts';

export abstract class LibcProc extends LibcSyscall {
  *getpid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getpid', '', () => ret_body(sys_getpid, k));
  }

  *getppid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getppid', '', () => ret_body(sys_getppid, k));
  }

  *getuid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getuid', '', () => ret_body(sys_getuid, k));
  }

  *geteuid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('geteuid', '', () => ret_body(sys_geteuid, k));
  }

  *setuid(uid: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('setuid', `uid ${uid}`, () => error_body(sys_setuid(k, uid)));
  }

  *seteuid(euid: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('seteuid', `euid ${euid}`, () => error_body(sys_seteuid(k, euid)));
  }

  /** wait4(2): `pid` -1 for any child; `options` WNOHANG or 0. */
  *wait4(pid: number, options = 0): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('wait4', `pid ${pid}, options ${options}`, () => wait4_body(k, pid, options));
  }

  *waitpid(pid: number, options = 0): Generator<Yield, SysResult, void> {
    return yield* this.wait4(pid, options);
  }

  *wait(): Generator<Yield, SysResult, void> {
    return yield* this.wait4(-1, 0);
  }

  /** clock_gettime(2): CLOCK_MONOTONIC or CLOCK_REALTIME, in `time`. */
  *clock_gettime(clock_id: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('clock_gettime', `clock ${clock_id}`, () => clock_gettime_body(k, clock_id));
  }

  /** gettimeofday(2): CLOCK_REALTIME; `time.nsec` is the microseconds times 1000. */
  *gettimeofday(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('gettimeofday', '', () => gettimeofday_body(k));
  }

  /** pause(3): sigsuspend with the current mask; returns -1 with EINTR once a signal is caught. */
  *pause(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('pause', '', () => error_body(sigsuspend1(k)));
  }

  /** alarm(3): SIGALRM in `sec` seconds (0 cancels); ret is what the previous alarm had left. */
  *alarm(sec: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('alarm', `${sec} s`, () => alarm_body(k, sec));
  }

  /**
   * setitimer(ITIMER_REAL, { it_value: ms }): SIGALRM once `ms` milliseconds have passed,
   * posted from a callout (softclock); 0 disarms. No interval (it_interval zero).
   */
  *setitimer(ms: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('setitimer', `ITIMER_REAL, ${ms} ms`, () => setitimer_body(k, ms));
  }

  /** nanosleep(2): sleep interruptibly for `ms` milliseconds (EINTR on a signal). */
  *nanosleep(ms: number): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('nanosleep', `${ms} ms`, () => nanosleep_body(k, proc, ms));
  }

  /** sleep(3), as nanosleep of `sec` seconds (the unslept time is not reported). */
  *sleep(sec: number): Generator<Yield, SysResult, void> {
    return yield* this.nanosleep(sec * 1000);
  }

  /** usleep(3), as nanosleep of `usec` microseconds. */
  *usleep(usec: number): Generator<Yield, SysResult, void> {
    return yield* this.nanosleep(usec / 1000);
  }
}

/* The kernel sides of the calls with results of their own shape (see libc_syscall.ts). */

/** getpid, getppid, getuid, geteuid: a value that cannot fail. */
function* ret_body(get: (k: Kernel) => number, k: Kernel): KGen<Outcome> {
  return { error: 0, ret: get(k) };
}

function* wait4_body(k: Kernel, pid: number, options: number): KGen<Outcome> {
  const r = yield* sys_wait4(k, pid, options);
  return { error: r.error, ret: r.pid, status: r.status };
}

function* clock_gettime_body(k: Kernel, clock_id: number): KGen<Outcome> {
  return sys_clock_gettime(k, clock_id);
}

function* gettimeofday_body(k: Kernel): KGen<Outcome> {
  const tv = sys_gettimeofday(k);
  return { error: 0, time: { sec: tv.sec, nsec: tv.usec * 1000 } };
}

function* alarm_body(k: Kernel, sec: number): KGen<Outcome> {
  const r = sys_alarm(k, sec);
  return { error: r.error, ret: r.left };
}

function* setitimer_body(k: Kernel, ms: number): KGen<Outcome> {
  if (!Number.isFinite(ms) || ms < 0 || ms > 100_000_000_000) return { error: EINVAL };
  return { error: yield* sys_setitimer_real(k, Math.round(ms * 1000)) };
}

function* nanosleep_body(k: Kernel, proc: Proc, ms: number): KGen<Outcome> {
  if (!Number.isFinite(ms) || ms < 0) return { error: EINVAL };
  const chan: WaitChannel = { chanName: `nanosleep ${proc.p_pid}` };
  const ticks = Math.max(1, hzto(k, time_us(k) + ms * 1000));
  const error = yield* ltsleep(k, chan, true, 'nanoslp', ticks);
  // A timed-out sleep is success; nanosleep is never restarted after a signal.
  return { error: error === EWOULDBLOCK ? 0 : error === ERESTART ? EINTR : error };
}
