/*
 * Pipes as sys_pipe.c builds them (read for 2.0 through 1.4.2.11, and 1.160 for the modern
 * build): only the read end has a buffer, the descriptors are one-way, and the klists are
 * posted under the source's conditions (PIPE_BUF space, PIPE_SIGNALR, MINPIPESIZE).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  EAGAIN,
  EBADF,
  EINVAL,
  EPERM,
  EV_ADD,
  EV_CLEAR,
  EV_EOF,
  EV_ERROR,
  EV_SET,
  EVFILT_READ,
  EVFILT_VNODE,
  EVFILT_WRITE,
  PIPE_BUF,
  PIPE_SIZE,
  SIGPIPE,
} from '../sim/scenario.ts';
import { oneProcess, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };
const BUILDS = ['netbsd-2.0', 'netbsd-modern'] as const;

describe('sys_pipe', () => {
  for (const build of BUILDS) {
    it(`should give only the read end a buffer, so the wrong end never triggers (${build})`, () => {
      const r = run(
        oneProcess('wrong-end', function* (u) {
          const [rd, wr] = (yield* u.pipe()).fds as [number, number];
          const kq = (yield* u.kqueue()).ret;
          yield* u.kevent(kq, [EV_SET(rd, EVFILT_WRITE, EV_ADD), EV_SET(wr, EVFILT_READ, EV_ADD)], 0);
          yield* u.write(wr, 'foo');
          u.expect((yield* u.kevent(kq, [], 2, POLL)).ret === 0, 'EVFILT_WRITE on the read end and EVFILT_READ on the write end to stay false');
          u.expect((yield* u.read(wr, 1)).errno === EBADF && (yield* u.write(rd, 'x')).errno === EBADF, 'EBADF against the grain');
          const e = yield* u.kevent(kq, [EV_SET(wr, EVFILT_VNODE, EV_ADD)], 1);
          const want = build === 'netbsd-2.0' ? EPERM : EINVAL;
          u.expect(e.events[0]?.flags === EV_ERROR && e.events[0]?.data === want, `an unsupported filter to fail with ${want}`);
        }),
        { build },
      );
      expect(verdict(r)).toBe('done');
    });
  }

  it('should post the writer only once PIPE_BUF bytes are free', () => {
    const r = run(
      oneProcess('pipe-buf', function* (u) {
        const [rd, wr] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        yield* u.write(wr, 'x'.repeat(PIPE_SIZE - PIPE_BUF + 1));
        yield* u.kevent(kq, [EV_SET(wr, EVFILT_WRITE, EV_ADD | EV_CLEAR)], 0);
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'PIPE_BUF - 1 free bytes not to be writable');
        u.expect((yield* u.write(wr, 'y'.repeat(PIPE_BUF), { nonblock: true })).errno === EAGAIN, 'an atomic write not to fit');
        u.expect((yield* u.write(wr, 'y'.repeat(PIPE_BUF + 1), { nonblock: true })).ret === PIPE_BUF - 1, 'a larger one to go in part');
        yield* u.read(rd, PIPE_BUF);
        const ev = yield* u.kevent(kq, [], 1, POLL);
        u.expect(ev.ret === 1 && ev.events[0]?.data === PIPE_BUF, 'the read to post the writer with PIPE_BUF free');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should post the writer on the first read after a write even if it frees nothing (PIPE_SIGNALR)', () => {
    const r = run(
      oneProcess('signalr', function* (u) {
        const [rd, wr] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(wr, EVFILT_WRITE, EV_ADD | EV_CLEAR)], 1, POLL);
        yield* u.kevent(kq, [], 1, POLL); // consume the state at registration
        yield* u.write(wr, 'a');
        yield* u.kevent(kq, [], 1, POLL); // consume the write's own post
        yield* u.read(rd, 0);
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 1, 'a zero-byte read after a write to post the writer');
        yield* u.read(rd, 0);
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'a second one not to');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should wake a blocked writer only once the buffer drains below MINPIPESIZE', () => {
    const r = run(
      oneProcess('hysteresis', function* (u) {
        const [rd, wr] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        yield* u.fork('writer', function* (c) {
          yield* c.write(wr, 'w'); // not empty, so the next write does not grow the buffer
          yield* c.write(wr, 'w'.repeat(PIPE_SIZE + 99));
        });
        yield* u.nanosleep(10); // the writer fills the buffer and sleeps
        yield* u.read(rd, 100);
        yield* u.nanosleep(10);
        const a = yield* u.kevent(kq, [EV_SET(rd, EVFILT_READ, EV_ADD)], 1, POLL);
        u.expect(a.events[0]?.data === PIPE_SIZE - 100, 'the writer still asleep after a small read');
        yield* u.read(rd, PIPE_SIZE);
        yield* u.nanosleep(10);
        const b = yield* u.kevent(kq, [], 1, POLL);
        u.expect(b.events[0]?.data === 100, 'the writer done once the buffer emptied');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should grow an empty buffer to BIG_PIPE_SIZE for a write larger than PIPE_SIZE', () => {
    const r = run(
      oneProcess('bigpipe', function* (u) {
        const [, wr] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        u.expect((yield* u.write(wr, 'b'.repeat(20000), { nonblock: true })).ret === 20000, 'the whole write to fit');
        const ev = yield* u.kevent(kq, [EV_SET(wr, EVFILT_WRITE, EV_ADD)], 1, POLL);
        u.expect(ev.events[0]?.data === 64 * 1024 - 20000, 'BIG_PIPE_SIZE less the data');
      }),
    );
    expect(verdict(r)).toBe('done');
  });

  it('should fail a write with EPIPE and SIGPIPE once the reader is gone', () => {
    const r = run(
      oneProcess('epipe', function* (u) {
        const [rd, wr] = (yield* u.pipe()).fds as [number, number];
        yield* u.sigaction(SIGPIPE, 'catch');
        yield* u.close(rd);
        u.expect((yield* u.write(wr, 'x')).error === 'EPIPE' && u.caught.includes(SIGPIPE), 'EPIPE and SIGPIPE');
        const kq = (yield* u.kqueue()).ret;
        const e = yield* u.kevent(kq, [EV_SET(wr, EVFILT_WRITE, EV_ADD)], 1);
        u.expect(e.events[0]?.flags === EV_ERROR && e.events[0]?.data === EBADF, 'EVFILT_WRITE with no reader to fail with EBADF');
      }),
    );
    expect(verdict(r)).toBe('done');
  });
});

describe('sys_pipe filters against a model of the buffer', () => {
  const op = fc.oneof(fc.record({ write: fc.integer({ min: 1, max: 3000 }) }), fc.record({ read: fc.integer({ min: 0, max: 3000 }) }));
  test.prop([fc.array(op, { maxLength: 12 })], { numRuns: 40 })('should report cnt and size - cnt, true exactly when the source says', (ops) => {
    const r = run(
      oneProcess('pipe-model', function* (u) {
        const [rd, wr] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(rd, EVFILT_READ, EV_ADD), EV_SET(wr, EVFILT_WRITE, EV_ADD)], 0);
        let cnt = 0;
        for (const o of ops) {
          if ('write' in o) {
            const space = PIPE_SIZE - cnt;
            const fits = o.write <= PIPE_BUF ? (space >= o.write ? o.write : 0) : Math.min(space, o.write);
            const w = yield* u.write(wr, 'z'.repeat(o.write), { nonblock: true });
            u.expect(fits === 0 ? w.errno === EAGAIN : w.ret === fits, `write of ${o.write} to move ${fits}`);
            cnt += fits;
          } else {
            const rr = yield* u.read(rd, o.read, { nonblock: true });
            const want = Math.min(cnt, o.read);
            u.expect(o.read > 0 && cnt === 0 ? rr.errno === EAGAIN : rr.ret === want, `read of ${o.read} to move ${want}`);
            cnt -= want;
          }
          const ev = yield* u.kevent(kq, [], 2, POLL);
          const read = ev.events.find((e) => e.filter === EVFILT_READ);
          const write = ev.events.find((e) => e.filter === EVFILT_WRITE);
          u.expect((read !== undefined) === cnt > 0 && (read === undefined || read.data === cnt), `EVFILT_READ for ${cnt} bytes`);
          u.expect((write !== undefined) === PIPE_SIZE - cnt >= PIPE_BUF && (write === undefined || write.data === PIPE_SIZE - cnt), 'EVFILT_WRITE');
          u.expect(
            ev.events.every((e) => (e.flags & EV_EOF) === 0),
            'no EV_EOF',
          );
        }
      }),
    );
    expect(verdict(r)).toBe('done');
  });
});
