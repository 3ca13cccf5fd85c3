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
import type { Yield } from '../machine/machine.ts';
import { EINTR, EINVAL, ERESTART, EWOULDBLOCK } from './errno.ts';
import { hzto, time_us } from './kern_clock.ts';
import { sys_wait4 } from './kern_exit.ts';
import { sys_geteuid, sys_getpid, sys_getppid, sys_getuid, sys_seteuid, sys_setuid } from './kern_prot.ts';
import { sigsuspend1 } from './kern_sig.ts';
import { ltsleep } from './kern_synch.ts';
import { sys_alarm, sys_clock_gettime, sys_gettimeofday, sys_setitimer_real } from './kern_time.ts';
import { LibcSyscall, type SysResult } from './libc_syscall.ts';
import type { WaitChannel } from './proc.ts';

export abstract class LibcProc extends LibcSyscall {
  *getpid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getpid', '', function* () {
      return { error: 0, ret: sys_getpid(k) };
    });
  }

  *getppid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getppid', '', function* () {
      return { error: 0, ret: sys_getppid(k) };
    });
  }

  *getuid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('getuid', '', function* () {
      return { error: 0, ret: sys_getuid(k) };
    });
  }

  *geteuid(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('geteuid', '', function* () {
      return { error: 0, ret: sys_geteuid(k) };
    });
  }

  *setuid(uid: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('setuid', `uid ${uid}`, function* () {
      return { error: yield* sys_setuid(k, uid) };
    });
  }

  *seteuid(euid: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('seteuid', `euid ${euid}`, function* () {
      return { error: yield* sys_seteuid(k, euid) };
    });
  }

  /** wait4(2): `pid` -1 for any child; `options` WNOHANG or 0. */
  *wait4(pid: number, options = 0): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('wait4', `pid ${pid}, options ${options}`, function* () {
      const r = yield* sys_wait4(k, pid, options);
      return { error: r.error, ret: r.pid, status: r.status };
    });
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
    return yield* this.syscall('clock_gettime', `clock ${clock_id}`, function* () {
      return sys_clock_gettime(k, clock_id);
    });
  }

  /** gettimeofday(2): CLOCK_REALTIME; `time.nsec` is the microseconds times 1000. */
  *gettimeofday(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('gettimeofday', '', function* () {
      const tv = sys_gettimeofday(k);
      return { error: 0, time: { sec: tv.sec, nsec: tv.usec * 1000 } };
    });
  }

  /** pause(3): sigsuspend with the current mask; returns -1 with EINTR once a signal is caught. */
  *pause(): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('pause', '', function* () {
      return { error: yield* sigsuspend1(k) };
    });
  }

  /** alarm(3): SIGALRM in `sec` seconds (0 cancels); ret is what the previous alarm had left. */
  *alarm(sec: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('alarm', `${sec} s`, function* () {
      const r = sys_alarm(k, sec);
      return { error: r.error, ret: r.left };
    });
  }

  /**
   * setitimer(ITIMER_REAL, { it_value: ms }): SIGALRM once `ms` milliseconds have passed,
   * posted from a callout (softclock); 0 disarms. No interval (it_interval zero).
   */
  *setitimer(ms: number): Generator<Yield, SysResult, void> {
    const { k } = this;
    return yield* this.syscall('setitimer', `ITIMER_REAL, ${ms} ms`, function* () {
      if (!Number.isFinite(ms) || ms < 0 || ms > 100_000_000_000) return { error: EINVAL };
      return { error: yield* sys_setitimer_real(k, Math.round(ms * 1000)) };
    });
  }

  /** nanosleep(2): sleep interruptibly for `ms` milliseconds (EINTR on a signal). */
  *nanosleep(ms: number): Generator<Yield, SysResult, void> {
    const { k, proc } = this;
    return yield* this.syscall('nanosleep', `${ms} ms`, function* () {
      if (!Number.isFinite(ms) || ms < 0) return { error: EINVAL };
      const chan: WaitChannel = { chanName: `nanosleep ${proc.p_pid}` };
      const ticks = Math.max(1, hzto(k, time_us(k) + ms * 1000));
      const error = yield* ltsleep(k, chan, true, 'nanoslp', ticks);
      // A timed-out sleep is success; nanosleep is never restarted after a signal.
      return { error: error === EWOULDBLOCK ? 0 : error === ERESTART ? EINTR : error };
    });
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
