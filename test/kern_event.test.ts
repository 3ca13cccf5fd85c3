/*
 * Kernel semantics, each checked by a small scenario whose expectations state what the
 * NetBSD 2.0 sources do (kern_event.c 1.19, sys_pipe.c, uipc_socket.c, kern_sig.c).
 */
import { describe, expect, it } from 'vitest';
import {
  EACCES,
  EBADF,
  EINVAL,
  ENOENT,
  ENOMEM,
  EPERM,
  ESRCH,
  EV_ADD,
  EV_CLEAR,
  EV_DELETE,
  EV_DISABLE,
  EV_ENABLE,
  EV_EOF,
  EV_ERROR,
  EV_ONESHOT,
  EV_SET,
  EVFILT_AIO,
  EVFILT_PROC,
  EVFILT_READ,
  EVFILT_SIGNAL,
  EVFILT_TIMER,
  EVFILT_VNODE,
  EVFILT_WRITE,
  type Libc,
  NOTE_CHILD,
  NOTE_EXIT,
  NOTE_FORK,
  NOTE_TRACK,
  PIPE_SIZE,
  SIGUSR2,
} from '../sim/scenario.ts';
import { Pool } from '../src/kern/subr_pool.ts';
import { KernelPanic } from '../src/machine/machine.ts';
import { eventsOf, inline, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };

type Body = (u: Libc) => Generator<import('../src/machine/machine.ts').Yield, void, void>;

function check(
  name: string,
  main: Body,
  extra: { nic?: { at: number; port: number; data: string }[]; serial?: { at: number; data: string }[] } = {},
) {
  const r = run(inline(name, { summary: name, processes: [{ name: 'p', main }], ...extra }));
  expect(verdict(r)).toBe('done');
  return r;
}

describe('kqueue_register', () => {
  it('should not refresh flags on a second EV_ADD of an existing knote', () => {
    check('readd', function* (u) {
      const [r, w] = (yield* u.pipe()).fds as [number, number];
      u.expect((yield* u.kevent(-1, [], 0)).errno === EBADF, 'EBADF for a descriptor that is not open');
      const kq = (yield* u.kqueue()).ret;
      yield* u.write(w, 'a');
      yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD, 0, 0, 1)], 0);
      yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, 2)], 0);
      const a = yield* u.kevent(kq, [], 4, POLL);
      const b = yield* u.kevent(kq, [], 4, POLL);
      u.expect(a.events[0]?.udata === 2, 'udata to be replaced');
      u.expect((a.events[0]?.flags ?? 0) === EV_ADD, 'the stored flags to stay those of the first EV_ADD');
      u.expect(b.ret === 1, 'the knote to stay level-triggered (EV_ONESHOT ignored)');
    });
  });

  it('should end enabled when EV_DISABLE and EV_ENABLE come in one change', () => {
    check('disable-enable', function* (u) {
      const [r, w] = (yield* u.pipe()).fds as [number, number];
      const kq = (yield* u.kqueue()).ret;
      yield* u.write(w, 'a');
      yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD | EV_DISABLE | EV_ENABLE)], 0);
      u.expect((yield* u.kevent(kq, [], 4, POLL)).ret === 1, 'the event to be returned');
    });
  });

  it('should refuse unknown and unimplemented filters with EINVAL, and unknown knotes with ENOENT', () => {
    check('einval', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const r = yield* u.kevent(
        kq,
        [EV_SET(0, EVFILT_AIO, EV_ADD), EV_SET(0, 7, EV_ADD), EV_SET(3, EVFILT_TIMER, EV_DELETE), EV_SET(3, EVFILT_TIMER, EV_ENABLE)],
        4,
      );
      u.expect(JSON.stringify(r.events.map((e) => e.data)) === JSON.stringify([EINVAL, EINVAL, ENOENT, ENOENT]), 'EINVAL, EINVAL, ENOENT, ENOENT');
      u.expect(
        r.events.every((e) => e.flags === EV_ERROR),
        'flags to be EV_ERROR alone',
      );
    });
  });

  it('should apply the changes before a failing one when there is no room for errors', () => {
    check('partial', function* (u) {
      const [r, w] = (yield* u.pipe()).fds as [number, number];
      const kq = (yield* u.kqueue()).ret;
      yield* u.write(w, 'a');
      const f = yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD), EV_SET(77, EVFILT_READ, EV_ADD), EV_SET(w, EVFILT_WRITE, EV_ADD)], 0);
      u.expect(f.errno === EBADF, 'kevent to fail with EBADF');
      const g = yield* u.kevent(kq, [], 4, POLL);
      u.expect(g.ret === 1 && g.events[0]?.ident === r, 'the change before the failure to be in place, the one after not');
    });
  });

  it('should leak a callout count on each failed zero-period timer, as the kernel does, until ENOMEM', () => {
    check('timer-leak', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const zero = Array.from({ length: 4096 }, (_, i) => EV_SET(i, EVFILT_TIMER, EV_ADD, 0, 0));
      const r = yield* u.kevent(kq, zero, 4096);
      u.expect(r.ret === 4096 && r.events.every((e) => e.data === EINVAL), 'every zero period to fail with EINVAL');
      const ok = yield* u.kevent(kq, [EV_SET(5000, EVFILT_TIMER, EV_ADD, 0, 10)], 1);
      u.expect(ok.ret === 1 && ok.events[0]?.data === ENOMEM, 'the next timer to fail with ENOMEM: the limit was used up by leaks');
    });
  });
});

describe('kqueue_scan', () => {
  it('should return 0 at once when nevents is 0, without sleeping', () => {
    const r = check('nevents0', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      u.expect((yield* u.kevent(kq, [], 0)).ret === 0, '0');
    });
    expect(eventsOf(r, 'sleep')).toEqual([]);
  });

  it('should refuse a bad timeout with EINVAL', () => {
    check('badtimeout', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      u.expect((yield* u.kevent(kq, [], 1, { sec: 0, nsec: 1_000_000_000 })).errno === EINVAL, 'EINVAL for nsec = 1e9');
      u.expect((yield* u.kevent(kq, [], 1, { sec: -1, nsec: 0 })).errno === EINVAL, 'EINVAL for a negative time');
    });
  });

  it('should return events in the order they became active', () => {
    check('order', function* (u) {
      const [a, aw] = (yield* u.pipe()).fds as [number, number];
      const [b, bw] = (yield* u.pipe()).fds as [number, number];
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(a, EVFILT_READ, EV_ADD), EV_SET(b, EVFILT_READ, EV_ADD)], 0);
      yield* u.write(bw, 'b');
      yield* u.write(aw, 'a');
      const r = yield* u.kevent(kq, [], 4, POLL);
      u.expect(JSON.stringify(r.events.map((e) => e.ident)) === JSON.stringify([b, a]), 'b before a');
    });
  });

  it('should sleep for hzto(timeout) ticks: 50 ms at hz 100 is 6 ticks', () => {
    const r = check('hzto', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      u.expect((yield* u.kevent(kq, [], 1, { sec: 0, nsec: 50_000_000 })).ret === 0, '0 events at timeout');
    });
    expect(eventsOf(r, 'sleep')[0]?.timo).toBe(6);
    expect(r.ticks).toBe(6);
  });

  it('should report a kqueue as readable with data = kq_count', () => {
    check('kq-in-kq', function* (u) {
      const [r, w] = (yield* u.pipe()).fds as [number, number];
      const inner = (yield* u.kqueue()).ret;
      const outer = (yield* u.kqueue()).ret;
      yield* u.kevent(inner, [EV_SET(r, EVFILT_READ, EV_ADD)], 0);
      yield* u.kevent(outer, [EV_SET(inner, EVFILT_READ, EV_ADD)], 0);
      yield* u.write(w, 'x');
      const o = yield* u.kevent(outer, [], 1, POLL);
      u.expect(o.ret === 1 && o.events[0]?.ident === inner && o.events[0]?.data === 1, 'the inner kqueue to be readable with one event');
      const bad = yield* u.kevent(outer, [EV_SET(inner, EVFILT_WRITE, EV_ADD)], 1);
      u.expect(bad.events[0]?.data === EPERM, 'EVFILT_WRITE on a kqueue to fail with 1 (the value of EPERM)');
    });
  });
});

describe('pipe filters', () => {
  it('should report the free space for EVFILT_WRITE, then EV_EOF with data 0 when the reader closes', () => {
    check('pipe-write', function* (u) {
      const [r, w] = (yield* u.pipe()).fds as [number, number];
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(w, EVFILT_WRITE, EV_ADD | EV_CLEAR)], 0);
      const a = yield* u.kevent(kq, [], 1, POLL);
      u.expect(a.events[0]?.data === PIPE_SIZE, 'a new pipe to have PIPE_SIZE bytes free');
      yield* u.close(r);
      const b = yield* u.kevent(kq, [], 1, POLL);
      u.expect(b.ret === 1 && ((b.events[0]?.flags ?? 0) & EV_EOF) !== 0 && b.events[0]?.data === 0, 'EV_EOF with data 0');
      const c = yield* u.kevent(kq, [EV_SET(w, EVFILT_VNODE, EV_ADD)], 1);
      u.expect(c.events[0]?.data === EPERM, 'EVFILT_VNODE on a pipe to fail with 1');
    });
  });
});

describe('process and signal filters', () => {
  it('should deliver NOTE_EXIT once with EV_EOF|EV_ONESHOT and refuse missing or foreign pids', () => {
    const r = run(
      inline('proc', {
        summary: 'proc',
        processes: [
          {
            name: 'watcher',
            *main(u) {
              const kq = (yield* u.kqueue()).ret;
              const child = (yield* u.fork('child', function* (c) {
                yield* c.nanosleep(10);
              })).ret;
              const add = yield* u.kevent(
                kq,
                [
                  EV_SET(child, EVFILT_PROC, EV_ADD, NOTE_EXIT, 0, 9),
                  EV_SET(999, EVFILT_PROC, EV_ADD, NOTE_EXIT),
                  EV_SET(2, EVFILT_PROC, EV_ADD, NOTE_EXIT),
                ],
                4,
              );
              u.expect(
                JSON.stringify(add.events.map((e) => e.data)) === JSON.stringify([ESRCH, EACCES]),
                "ESRCH for pid 999 and EACCES for root's pid 2",
              );
              const e = yield* u.kevent(kq, [], 4);
              const ev = e.events[0];
              u.expect(e.ret === 1 && ev?.ident === child && ev.fflags === NOTE_EXIT && ev.udata === 9, 'NOTE_EXIT for the child');
              u.expect(
                ((ev?.flags ?? 0) & (EV_EOF | EV_ONESHOT | EV_CLEAR)) === (EV_EOF | EV_ONESHOT | EV_CLEAR),
                'EV_EOF|EV_ONESHOT, and EV_CLEAR set by attach',
              );
              u.expect((yield* u.kevent(kq, [], 4, POLL)).ret === 0, 'the knote to be gone');
            },
          },
          {
            name: 'rootd',
            uid: 0,
            *main(u) {
              yield* u.nanosleep(100);
            },
          },
        ],
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should report NOTE_FORK and, with NOTE_TRACK, a NOTE_CHILD knote on the child', () => {
    check('track', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(u.pid, EVFILT_PROC, EV_ADD, NOTE_FORK | NOTE_TRACK, 0, 5)], 0);
      const child = (yield* u.fork('child', function* (c) {
        yield* c.nanosleep(10);
      })).ret;
      const r = yield* u.kevent(kq, [], 4, POLL);
      const parentEv = r.events.find((e) => e.ident === u.pid);
      const childEv = r.events.find((e) => e.ident === child);
      u.expect(parentEv?.fflags === NOTE_FORK, 'NOTE_FORK on the parent');
      u.expect(childEv?.fflags === NOTE_CHILD && childEv.data === u.pid && childEv.udata === 5, 'NOTE_CHILD on the child with data = parent pid');
    });
  });

  it('should count a signal in EVFILT_SIGNAL even when the signal is ignored', () => {
    check('sigign', function* (u) {
      yield* u.sigaction(SIGUSR2, 'ignore');
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(SIGUSR2, EVFILT_SIGNAL, EV_ADD)], 0);
      for (let i = 0; i < 3; i++) yield* u.kill(u.pid, SIGUSR2);
      const r = yield* u.kevent(kq, [], 1, POLL);
      u.expect(r.ret === 1 && r.events[0]?.data === 3, 'data 3');
    });
  });

  it("should not let a forked child use the parent's kqueue", () => {
    check('nokqinherit', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* u.fork('child', function* (c) {
        c.expect((yield* c.kevent(kq, [], 1, POLL)).errno === EBADF, 'EBADF in the child');
      });
      yield* u.nanosleep(10);
    });
  });
});

describe('sockets and the serial line', () => {
  it('should make a socketpair readable and report EV_EOF when the peer closes', () => {
    check('sockpair', function* (u) {
      const [a, b] = (yield* u.socketpair()).fds as [number, number];
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(a, EVFILT_READ, EV_ADD)], 0);
      yield* u.write(b, 'hello');
      const r = yield* u.kevent(kq, [], 1, POLL);
      u.expect(r.events[0]?.data === 5, '5 bytes');
      yield* u.close(b);
      const e = yield* u.kevent(kq, [], 1, POLL);
      u.expect(((e.events[0]?.flags ?? 0) & EV_EOF) !== 0, 'EV_EOF');
    });
  });

  it('should deliver a local datagram through loopback and softnet', () => {
    const r = check('loopback', function* (u) {
      const s = (yield* u.socket()).ret;
      yield* u.bind(s, 9);
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(s, EVFILT_READ, EV_ADD)], 0);
      yield* u.sendto(s, 9, 'dgram');
      const e = yield* u.kevent(kq, [], 1);
      u.expect(e.ret === 1 && e.events[0]?.data === 5, 'the datagram');
    });
    expect(eventsOf(r, 'intr').map((e) => e.src)).toContain('softnet');
  });

  it('should make the tty readable from the serial interrupt through softserial', () => {
    const r = check(
      'tty',
      function* (u) {
        const t = (yield* u.openTty()).ret;
        const kq = (yield* u.kqueue()).ret;
        const e = yield* u.kevent(kq, [EV_SET(t, EVFILT_READ, EV_ADD)], 1);
        u.expect(e.ret === 1 && e.events[0]?.data === 3, '3 characters');
        u.expect((yield* u.read(t, 10)).data === 'abc', 'read abc');
      },
      { serial: [{ at: 2, data: 'abc' }] },
    );
    expect(eventsOf(r, 'intr').map((e) => e.src)).toEqual(['clock', 'serial', 'softserial']);
  });
});

describe('pool', () => {
  it('should panic on use after free, double free and foreign items', () => {
    const pool = new Pool<object>('test_pool');
    const item = pool.pool_get(() => ({}));
    pool.pool_put(item, 'here');
    expect(() => pool.pool_check(item, 'there')).toThrow(new KernelPanic('test_pool: use after free in there'));
    expect(() => pool.pool_put(item, 'again')).toThrow(/double free in again/);
    expect(() => pool.pool_put({}, 'stranger')).toThrow(/not from this pool/);
    pool.pool_get(() => ({}));
    expect(pool.pool_leaks()).toBe(1);
  });
});
