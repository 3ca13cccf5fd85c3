/*
 * The process side of libc (libc_proc.ts over kern_prot.c, kern_exit.c's wait4, kern_time.c
 * and kern_sig.c's sigsuspend), each checked by a small scenario whose expectations state
 * what the source does.
 */
import { describe, expect, it } from 'vitest';
import {
  BOOTTIME_SEC,
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  EACCES,
  ECHILD,
  EINTR,
  EINVAL,
  EPERM,
  EV_ADD,
  EV_ERROR,
  EV_SET,
  EVFILT_PROC,
  type Libc,
  NOTE_EXIT,
  NOTE_FORK,
  NOTE_TRACK,
  NOTE_TRACKERR,
  SIGALRM,
  SIGTERM,
  WEXITSTATUS,
  WIFEXITED,
  WIFSIGNALED,
  WNOHANG,
  WTERMSIG,
} from '../sim/scenario.ts';
import { inline, oneProcess, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };

describe('wait4', () => {
  it('should report the exit status and reap the child once', () => {
    const r = run(
      oneProcess('wait-exit', function* (u) {
        const pid = (yield* u.fork('child', function* () {
          return 7;
        })).ret;
        const w = yield* u.waitpid(pid);
        u.expect(w.ret === pid && WIFEXITED(w.status) && WEXITSTATUS(w.status) === 7, 'exit status 7 for the child');
        u.expect((yield* u.wait()).errno === ECHILD, 'ECHILD once the only child is reaped');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should report a death by signal as WIFSIGNALED with the signal', () => {
    const r = run(
      oneProcess('wait-signal', function* (u) {
        const pid = (yield* u.fork('child', function* (c) {
          yield* c.pause();
        })).ret;
        yield* u.kill(pid, SIGTERM);
        const w = yield* u.wait();
        u.expect(w.ret === pid && WIFSIGNALED(w.status) && WTERMSIG(w.status) === SIGTERM, 'the child killed by SIGTERM');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should return 0 with WNOHANG while the child runs', () => {
    const r = run(
      oneProcess('wait-nohang', function* (u) {
        const pid = (yield* u.fork('child', function* (c) {
          yield* c.nanosleep(50);
        })).ret;
        u.expect((yield* u.wait4(pid, WNOHANG)).ret === 0, 'no zombie yet');
        u.expect((yield* u.wait4(pid, 0)).ret === pid, 'the child reaped once it exits');
      }),
    );
    expect(verdict(r)).toBe('done');
  });
});

describe('credentials', () => {
  it('should let a user set only its own uid, and root any', () => {
    const user = run(
      oneProcess('setuid-user', function* (u) {
        u.expect((yield* u.setuid(0)).errno === EPERM, 'EPERM for a user taking uid 0');
        u.expect((yield* u.seteuid(1)).errno === EPERM, 'EPERM for a user taking another euid');
        u.expect((yield* u.setuid(1000)).ret === 0, 'setuid to the real uid to succeed');
        u.expect((yield* u.getuid()).ret === 1000 && (yield* u.geteuid()).ret === 1000, 'uids unchanged');
      }),
    );
    expect(verdict(user)).toBe('done');
    const root = run(
      oneProcess(
        'setuid-root',
        function* (u) {
          u.expect((yield* u.seteuid(65534)).ret === 0, 'root to take any euid');
          u.expect((yield* u.geteuid()).ret === 65534 && (yield* u.getuid()).ret === 0, 'euid changed, real uid kept');
          u.expect((yield* u.seteuid(0)).ret === 0, 'back to euid 0 through the saved uid');
          u.expect((yield* u.setuid(65534)).ret === 0 && (yield* u.seteuid(0)).errno === EPERM, 'setuid to drop root for good');
          u.expect((yield* u.setuid(-1)).errno === EINVAL, 'EINVAL for an impossible uid');
        },
        { uid: 0 },
      ),
    );
    expect(verdict(root)).toBe('done');
  });

  it('should refuse EVFILT_PROC on a process of another user unless root', () => {
    const watcher = (name: string, uid: number, want: number) => ({
      name,
      uid,
      *main(u: Libc) {
        const kq = (yield* u.kqueue()).ret;
        const e = yield* u.kevent(kq, [EV_SET(1, EVFILT_PROC, EV_ADD, NOTE_EXIT)], 1, POLL);
        u.expect(want === 0 ? e.ret === 0 : e.events[0]?.flags === EV_ERROR && e.events[0]?.data === want, `${want} for uid ${uid}`);
        yield* u.kill(1, want === 0 ? SIGTERM : 0);
      },
    });
    const r = run(
      inline('procattach', {
        summary: 'procattach',
        processes: [
          {
            name: 'target',
            uid: 2000,
            *main(u) {
              yield* u.pause();
            },
          },
          watcher('stranger', 1000, EACCES),
          watcher('root', 0, 0),
        ],
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should set P_SUGID on a real change, inherited by fork, so NOTE_TRACK fails with NOTE_TRACKERR (t_proc2)', () => {
    const r = run(
      oneProcess(
        'proc2',
        function* (u) {
          const kq = (yield* u.kqueue()).ret;
          const [rd, wr] = (yield* u.pipe()).fds as [number, number];
          const child = (yield* u.fork('child_one', function* (c) {
            yield* c.read(rd, 1); // wait for the parent's kevent
            yield* c.setuid(32767);
            yield* c.fork('child_two', function* () {});
          })).ret;
          yield* u.kevent(kq, [EV_SET(child, EVFILT_PROC, EV_ADD, NOTE_FORK | NOTE_TRACK)], 0);
          yield* u.write(wr, 'x');
          yield* u.waitpid(child);
          const ev = yield* u.kevent(kq, [], 1, POLL);
          u.expect(ev.ret === 1 && ((ev.events[0]?.fflags ?? 0) & NOTE_TRACKERR) !== 0, 'NOTE_TRACKERR: child_two is set-id');
        },
        { uid: 0 },
      ),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should refuse EVFILT_PROC on a set-id process to a non-root watcher', () => {
    const r = run(
      oneProcess(
        'sugid-eacces',
        function* (u) {
          const pid = (yield* u.getpid()).ret;
          const child = (yield* u.fork('watcher', function* (c) {
            yield* c.setuid(1000);
            const kq = (yield* c.kqueue()).ret;
            const e = yield* c.kevent(kq, [EV_SET(pid, EVFILT_PROC, EV_ADD, NOTE_EXIT)], 1);
            c.expect(e.events[0]?.flags === EV_ERROR && e.events[0]?.data === EACCES, 'EACCES for a uid-0 target');
          })).ret;
          yield* u.waitpid(child);
        },
        { uid: 0 },
      ),
    );
    expect(verdict(r)).toBe('done');
  });
});

describe('time, pause and alarm', () => {
  it('should read the virtual clock: monotonic from boot, realtime from BOOTTIME_SEC', () => {
    const r = run(
      oneProcess('clock', function* (u) {
        const a = (yield* u.clock_gettime(CLOCK_MONOTONIC)).time;
        yield* u.nanosleep(1500);
        const b = (yield* u.clock_gettime(CLOCK_MONOTONIC)).time;
        const rt = (yield* u.clock_gettime(CLOCK_REALTIME)).time;
        const elapsed = b.sec + b.nsec / 1e9 - (a.sec + a.nsec / 1e9);
        u.expect(elapsed >= 1.5 && elapsed < 1.6, `1.5 s to pass (passed ${elapsed})`);
        u.expect(rt.sec === BOOTTIME_SEC + b.sec && rt.nsec === b.nsec, 'realtime = boot time + monotonic');
        u.expect((yield* u.clock_gettime(99)).errno === EINVAL, 'EINVAL for a clock not modelled');
        const tv = (yield* u.gettimeofday()).time;
        u.expect(tv.sec === rt.sec, 'gettimeofday on the realtime clock');
        yield* u.usleep(250_000);
        const c = (yield* u.clock_gettime(CLOCK_MONOTONIC)).time;
        const slept = c.sec + c.nsec / 1e9 - (b.sec + b.nsec / 1e9);
        u.expect(slept >= 0.25 && slept < 0.3, `usleep(250000) to take 0.25 s (took ${slept})`);
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should wake pause with EINTR when a caught alarm fires', () => {
    const r = run(
      oneProcess('alarm', function* (u) {
        yield* u.sigaction(SIGALRM, 'catch');
        u.expect((yield* u.alarm(2)).ret === 0, 'no previous alarm');
        u.expect((yield* u.alarm(1)).ret === 2, 'the previous alarm had 2 s left');
        const p = yield* u.pause();
        u.expect(p.errno === EINTR && u.caught.includes(SIGALRM), 'pause to end with EINTR after SIGALRM');
        yield* u.alarm(1);
        u.expect((yield* u.alarm(0)).ret === 1, 'alarm(0) cancels, reporting 1 s left');
        yield* u.sigaction(SIGTERM, 'catch');
        u.expect((yield* u.raise(SIGTERM)).ret === 0 && u.caught.at(-1) === SIGTERM, 'raise to deliver SIGTERM to this process');
      }),
    );
    expect(verdict(r)).toBe('done');
  });
});
