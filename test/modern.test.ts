/*
 * netbsd-modern, modern throughout: each place where kern_event.c 1.140 (and the filters of
 * its time) differ from 1.19 in a way a program can see, shown on both builds.
 */
import { describe, expect, it } from 'vitest';
import {
  CLOCK_MONOTONIC,
  EINVAL,
  ENOENT,
  EPERM,
  EV_ADD,
  EV_DELETE,
  EV_DISPATCH,
  EV_ENABLE,
  EV_EOF,
  EV_ERROR,
  EV_ONESHOT,
  EV_SET,
  EVFILT_PROC,
  EVFILT_READ,
  EVFILT_TIMER,
  EVFILT_WRITE,
  type Libc,
  NOTE_ABSTIME,
  NOTE_CHILD,
  NOTE_EXIT,
  NOTE_SECONDS,
  NOTE_TRACK,
  NOTE_USECONDS,
  WEXITSTATUS,
} from '../sim/scenario.ts';
import { oneProcess, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };
type Y = import('../src/machine/machine.ts').Yield;
type Build = 'netbsd-2.0' | 'netbsd-modern';

function holds(name: string, build: Build, main: (u: Libc) => Generator<Y, void, void>) {
  expect(verdict(run(oneProcess(name, main), { build }))).toBe('done');
}

function* now(u: Libc): Generator<Y, number, void> {
  const t = (yield* u.clock_gettime(CLOCK_MONOTONIC)).time;
  return t.sec + t.nsec / 1e9;
}

describe('EVFILT_TIMER', () => {
  it('should restart a timer re-added with EV_ADD on the modern build only (filt_timertouch)', () => {
    const body = (modern: boolean) =>
      function* (u: Libc) {
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, 0, 500)], 0);
        yield* u.nanosleep(2000);
        yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, 0, 500)], 0);
        yield* u.nanosleep(2000);
        const ev = yield* u.kevent(kq, [], 1, POLL);
        const n = ev.events[0]?.data ?? 0;
        u.expect(modern ? n >= 3 && n <= 5 : n >= 7, `the count ${modern ? 'restarted' : 'kept'} (${n})`);
      };
    holds('touch-2.0', 'netbsd-2.0', body(false));
    holds('touch-modern', 'netbsd-modern', body(true));
  });

  it('should read data in the unit fflags names on the modern build; 2.0 reads milliseconds', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`units-${build}`, build, function* (u) {
        const kq = (yield* u.kqueue()).ret;
        const t0 = yield* now(u);
        yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, NOTE_SECONDS, 2)], 1);
        const took = (yield* now(u)) - t0;
        u.expect(build === 'netbsd-modern' ? took >= 1.9 && took <= 2.1 : took < 0.1, `2 seconds on modern, 2 ms in 2.0 (took ${took})`);
        const bad = yield* u.kevent(kq, [EV_SET(2, EVFILT_TIMER, EV_ADD, 0x100, 10)], 1, POLL);
        const want = build === 'netbsd-modern' ? bad.events[0]?.flags === EV_ERROR && bad.events[0]?.data === EINVAL : bad.ret === 0;
        u.expect(want, 'an unknown fflags bit: EINVAL on modern, ignored in 2.0');
        u.expect(
          (yield* u.kevent(kq, [EV_SET(3, EVFILT_TIMER, EV_ADD, NOTE_USECONDS, 0)], 1)).events[0]?.data === EINVAL,
          'data 0 is EINVAL on both',
        );
      });
    }
  });

  it('should fire an absolute (NOTE_ABSTIME) timer once at its CLOCK_REALTIME deadline, level-triggered', () => {
    holds('abstime', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const start = (yield* u.clock_gettime(0)).time.sec;
      const a = yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD, NOTE_ABSTIME | NOTE_SECONDS, start + 3)], 1);
      const end = (yield* u.clock_gettime(0)).time.sec;
      u.expect(a.ret === 1 && end - start >= 2 && end - start <= 3, `fired at the deadline (${end - start} s)`);
      u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 1, 'still true: no EV_CLEAR for an absolute timer');
      const past = yield* u.kevent(kq, [EV_SET(2, EVFILT_TIMER, EV_ADD, NOTE_ABSTIME | NOTE_SECONDS, start - 1)], 2, POLL);
      u.expect(
        past.events.some((e) => e.ident === 2 && e.data === 1),
        'a deadline already past fires at once',
      );
    });
  });
});

describe('EVFILT_PROC', () => {
  it('should put the exit status in NOTE_EXIT data on the modern build only', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`exit-${build}`, build, function* (u) {
        const kq = (yield* u.kqueue()).ret;
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const pid = (yield* u.fork('child', function* (c) {
          yield* c.read(r, 1);
          return 42;
        })).ret;
        yield* u.kevent(kq, [EV_SET(pid, EVFILT_PROC, EV_ADD, NOTE_EXIT)], 0);
        yield* u.write(w, 'x');
        const ev = yield* u.kevent(kq, [], 1);
        const data = ev.events[0]?.data ?? -1;
        u.expect(build === 'netbsd-modern' ? WEXITSTATUS(data) === 42 : data === 0, `data ${data}`);
      });
    }
  });

  it('should report NOTE_CHILD and the child NOTE_EXIT as two events on modern, folded into one in 2.0', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`track-${build}`, build, function* (u) {
        const me = (yield* u.getpid()).ret;
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(me, EVFILT_PROC, EV_ADD, NOTE_TRACK | NOTE_EXIT)], 0);
        const pid = (yield* u.fork('child', function* () {
          return 7;
        })).ret;
        yield* u.waitpid(pid);
        const ev = yield* u.kevent(kq, [], 4, POLL);
        const mine = ev.events.filter((e) => e.ident === pid);
        if (build === 'netbsd-modern') {
          const child = mine.find((e) => e.fflags & NOTE_CHILD);
          const exit = mine.find((e) => e.fflags & NOTE_EXIT);
          u.expect(mine.length === 2 && child?.data === me && exit !== undefined && WEXITSTATUS(exit.data) === 7, 'two events');
        } else {
          const e = mine[0];
          u.expect(
            mine.length === 1 && e !== undefined && (e.fflags & NOTE_CHILD) !== 0 && (e.flags & EV_EOF) !== 0 && e.data === me,
            'one folded event',
          );
        }
      });
    }
  });
});

describe('kqueue_register', () => {
  it('should requeue a still-ready knote when EV_ENABLE follows EV_DISPATCH', () => {
    holds('dispatch', 'netbsd-modern', function* (u) {
      const [r, w] = (yield* u.pipe()).fds as [number, number];
      const kq = (yield* u.kqueue()).ret;
      yield* u.write(w, 'data');
      u.expect((yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD | EV_DISPATCH)], 1, POLL)).ret === 1, 'delivered');
      u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'then disabled');
      u.expect((yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ENABLE)], 1, POLL)).ret === 1, 're-checked and queued by EV_ENABLE');
    });
  });

  it('should update udata on any change, and let EV_DELETE win over EV_ADD, on the modern build only', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`change-${build}`, build, function* (u) {
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        yield* u.write(w, 'x');
        yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD, 0, 0, 1)], 0);
        yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ENABLE, 0, 0, 2)], 0);
        const a = yield* u.kevent(kq, [], 1, POLL);
        u.expect(a.events[0]?.udata === (build === 'netbsd-modern' ? 2 : 1), 'udata replaced by EV_ENABLE only on modern');
        yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD | EV_DELETE)], 0);
        const gone = (yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_DELETE)], 1, POLL)).events[0];
        const deleted = gone?.flags === EV_ERROR && gone.data === ENOENT;
        u.expect(deleted === (build === 'netbsd-modern'), 'EV_ADD|EV_DELETE deletes on modern, adds in 2.0');
      });
    }
  });

  it('should fail an unsupported filter on an object with EINVAL on the modern build and 1 in 2.0', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`einval-${build}`, build, function* (u) {
        const kq = (yield* u.kqueue()).ret;
        const other = (yield* u.kqueue()).ret;
        const e = (yield* u.kevent(kq, [EV_SET(other, EVFILT_WRITE, EV_ADD)], 1)).events[0];
        u.expect(e?.flags === EV_ERROR && e.data === (build === 'netbsd-modern' ? EINVAL : EPERM), 'EVFILT_WRITE on a kqueue');
      });
    }
  });
});
