/*
 * TCP over loopback (tcp_*.ts, uipc_syscalls.ts): the handshake through softnet, the
 * listening socket's EVFILT_READ, EVFILT_WRITE while there is room, EV_EOF with the socket
 * error in fflags, shutdown, and modern EVFILT_EMPTY (t_empty.c's sock_tcp).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EAGAIN,
  ECONNREFUSED,
  ECONNRESET,
  EINPROGRESS,
  EPIPE,
  EV_ADD,
  EV_EOF,
  EV_SET,
  EVFILT_EMPTY,
  EVFILT_READ,
  EVFILT_WRITE,
  F_GETFL,
  type Libc,
  O_NONBLOCK,
  SHUT_WR,
  SIGPIPE,
  SO_ERROR,
  SO_LINGER,
  SO_RCVBUF,
  SO_SNDBUF,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
} from '../sim/scenario.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { oneProcess, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };
type Y = import('../src/machine/machine.ts').Yield;

/* A listener on port 8000 and a connected pair: [listener, client, server side]. */
function* pair(u: Libc, clientType = SOCK_STREAM): Generator<Y, [number, number, number], void> {
  const l = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
  yield* u.bind(l, 8000);
  yield* u.listen(l, 5);
  const c = (yield* u.socket(AF_INET, clientType)).ret;
  yield* u.connect(c, 8000);
  const s = (yield* u.accept(l)).ret;
  return [l, c, s];
}

describe('TCP over loopback', () => {
  for (const build of ['netbsd-2.0', 'netbsd-modern'] as const)
    it(`should report completed connections on the listener and connect through softnet (${build})`, () => {
      const r = run(
        oneProcess('listen', function* (u) {
          const l = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
          yield* u.bind(l, 8000);
          yield* u.listen(l, 5);
          const kq = (yield* u.kqueue()).ret;
          yield* u.kevent(kq, [EV_SET(l, EVFILT_READ, EV_ADD)], 0);
          u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'nothing to accept yet');
          const c1 = (yield* u.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)).ret;
          // 2.0 tests SS_ISCONNECTING after soconnect's splx, where softnet has already run the
          // whole loopback handshake; modern tests it under the socket lock.
          const nb = yield* u.connect(c1, 8000);
          if (build === 'netbsd-2.0') u.expect(nb.ret === 0, 'a non-blocking loopback connect to complete at once');
          else u.expect(nb.errno === EINPROGRESS, 'a non-blocking connect in progress');
          const c2 = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
          u.expect((yield* u.connect(c2, 8000)).ret === 0, 'a blocking connect to complete');
          const ev = yield* u.kevent(kq, [], 1, POLL);
          u.expect(ev.ret === 1 && ev.events[0]?.data === 2, 'EVFILT_READ data: two completed connections');
          u.expect((yield* u.getsockopt(c1, SOL_SOCKET, SO_ERROR)).optval === 0, 'the non-blocking connect succeeded');
          yield* u.accept(l);
          u.expect((yield* u.kevent(kq, [], 1, POLL)).events[0]?.data === 1, 'one left after accept');
          const bad = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
          u.expect((yield* u.connect(bad, 9999)).errno === ECONNREFUSED, 'ECONNREFUSED for a port nobody listens on');
        }),
        { build },
      );
      expect(verdict(r)).toBe('done');
    });

  it("should give an accepted socket the listener's O_NONBLOCK on the modern build only", () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      const r = run(
        oneProcess('accept-nonblock', function* (u) {
          const l = (yield* u.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)).ret;
          yield* u.bind(l, 8000);
          yield* u.listen(l, 5);
          u.expect((yield* u.accept(l)).errno === EAGAIN, 'EWOULDBLOCK from a non-blocking listener with nothing queued');
          const c = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
          yield* u.connect(c, 8000);
          const s = (yield* u.accept(l)).ret;
          const fl = (yield* u.fcntl(s, F_GETFL)).ret;
          u.expect(
            ((fl & O_NONBLOCK) !== 0) === (build === 'netbsd-modern'),
            `O_NONBLOCK ${build === 'netbsd-modern' ? 'inherited' : 'not inherited'}`,
          );
        }),
        { build },
      );
      expect(verdict(r), build).toBe('done');
    }
  });

  it('should carry data both ways, then EOF after shutdown', () => {
    const r = run(
      oneProcess('data', function* (u) {
        const [, c, s] = yield* pair(u);
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(s, EVFILT_READ, EV_ADD)], 0);
        yield* u.write(c, 'hello');
        const a = yield* u.kevent(kq, [], 1, POLL);
        u.expect(a.ret === 1 && a.events[0]?.data === 5, '5 bytes readable on the server side');
        u.expect((yield* u.read(s, 100)).data === 'hello', 'the bytes');
        yield* u.shutdown(c, SHUT_WR);
        const b = yield* u.kevent(kq, [], 1, POLL);
        u.expect(b.ret === 1 && ((b.events[0]?.flags ?? 0) & EV_EOF) !== 0 && b.events[0]?.fflags === 0, 'EV_EOF, no error');
        yield* u.write(s, 'back');
        u.expect((yield* u.read(c, 100)).data === 'back', 'the other direction still open');
        yield* u.sigaction(SIGPIPE, 'ignore');
        u.expect((yield* u.write(c, 'x')).errno === EPIPE, 'EPIPE after shutdown(SHUT_WR)');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should keep EVFILT_WRITE true while there is room, and deliver EV_EOF with ECONNRESET after a reset', () => {
    const r = run(
      oneProcess('reset', function* (u) {
        const [, c, s] = yield* pair(u);
        const kq = (yield* u.kqueue()).ret;
        const w = yield* u.kevent(kq, [EV_SET(c, EVFILT_WRITE, EV_ADD)], 1, POLL);
        u.expect(w.ret === 1 && w.events[0]?.data === 32 * 1024, 'writable with the whole send buffer free');
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 1, 'still writable: level-triggered');
        yield* u.setsockopt(s, SOL_SOCKET, SO_LINGER, 0);
        yield* u.close(s);
        yield* u.kevent(kq, [EV_SET(c, EVFILT_READ, EV_ADD)], 0);
        const ev = yield* u.kevent(kq, [], 2, POLL);
        const rd = ev.events.find((e) => e.filter === EVFILT_READ);
        u.expect(rd !== undefined && (rd.flags & EV_EOF) !== 0 && rd.fflags === ECONNRESET, 'EV_EOF with ECONNRESET in fflags');
        u.expect((yield* u.read(c, 10)).errno === ECONNRESET, 'the read reports the error once');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
    it(`should trap data in the sender until the receiver opens its window; EVFILT_EMPTY on modern only (${build})`, () => {
      const r = run(
        oneProcess('empty', function* (u) {
          const [, c, s] = yield* pair(u, SOCK_STREAM | SOCK_NONBLOCK);
          const kq = (yield* u.kqueue()).ret;
          const add = yield* u.kevent(kq, [EV_SET(c, EVFILT_EMPTY, EV_ADD)], 1, POLL);
          if (build === 'netbsd-2.0') {
            u.expect(add.events[0]?.data === 22, 'no EVFILT_EMPTY in 2.0 (EINVAL)');
            return;
          }
          u.expect(add.ret === 1 && add.events[0]?.filter === EVFILT_EMPTY && add.events[0]?.flags === EV_ADD, 'empty at first');
          const sndbuf = (yield* u.getsockopt(c, SOL_SOCKET, SO_SNDBUF)).optval;
          yield* u.setsockopt(s, SOL_SOCKET, SO_RCVBUF, 1);
          for (;;) {
            const w = yield* u.write(c, 'x'.repeat(1024));
            if (w.ret <= 0) {
              u.expect(w.errno === EAGAIN, 'EAGAIN once the send buffer is full');
              break;
            }
          }
          u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'not empty: data waits for the window');
          yield* u.setsockopt(s, SOL_SOCKET, SO_RCVBUF, sndbuf + 128);
          yield* u.fcntl(s, 4, 4); // F_SETFL O_NONBLOCK
          while ((yield* u.read(s, 1024)).ret > 0) {}
          const e = yield* u.kevent(kq, [], 1, POLL);
          u.expect(e.ret === 1 && e.events[0]?.filter === EVFILT_EMPTY, 'empty once everything was read and acknowledged');
        }),
        { build },
      );
      expect(verdict(r)).toBe('done');
    });
  }
});

describe('TCP interleaved with interrupts', () => {
  test.prop([fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(i386, macppc)], { numRuns: 25 })(
    'should connect, move data and close on any interleaving',
    (seed, platform) => {
      const r = run(
        oneProcess('tcp-seeds', function* (u) {
          const l = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
          yield* u.bind(l, 7000);
          yield* u.listen(l, 1);
          yield* u.fork('client', function* (c) {
            const fd = (yield* c.socket(AF_INET, SOCK_STREAM)).ret;
            c.expect((yield* c.connect(fd, 7000)).ret === 0, 'connect');
            c.expect((yield* c.write(fd, 'ping')).ret === 4, 'write');
            yield* c.close(fd);
          });
          const kq = (yield* u.kqueue()).ret;
          const ready = yield* u.kevent(kq, [EV_SET(l, EVFILT_READ, EV_ADD)], 1);
          u.expect(ready.ret === 1 && (ready.events[0]?.data ?? 0) >= 1, 'the listener readable');
          const s = (yield* u.accept(l)).ret;
          let got = '';
          for (;;) {
            const rd = yield* u.read(s, 10);
            if (rd.ret <= 0) break;
            got += rd.data;
          }
          u.expect(got === 'ping', `the data then EOF (got ${JSON.stringify(got)})`);
          yield* u.wait();
        }),
        { seed, platform },
      );
      expect(verdict(r)).toBe('done');
    },
  );
});
