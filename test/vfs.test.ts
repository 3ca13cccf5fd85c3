/*
 * Files, directories, vnodes and FIFOs: the in-memory file system (ufs_vnops.ts and
 * vfs_*.ts), genfs's filters and fifofs, each checked by a small scenario whose
 * expectations state what the sources do (and where the builds differ).
 */
import { describe, expect, it } from 'vitest';
import {
  EACCES,
  EEXIST,
  EINVAL,
  EIO,
  EISDIR,
  ENOENT,
  ENOTDIR,
  ENOTEMPTY,
  ENXIO,
  EPERM,
  ESPIPE,
  EV_ADD,
  EV_CLEAR,
  EV_EOF,
  EV_ERROR,
  EV_ONESHOT,
  EV_SET,
  EVFILT_READ,
  EVFILT_VNODE,
  EVFILT_WRITE,
  F_GETFL,
  F_SETFL,
  type Libc,
  NOTE_ATTRIB,
  NOTE_CLOSE,
  NOTE_CLOSE_WRITE,
  NOTE_DELETE,
  NOTE_EXTEND,
  NOTE_LINK,
  NOTE_OPEN,
  NOTE_READ,
  NOTE_RENAME,
  NOTE_REVOKE,
  NOTE_WRITE,
  O_APPEND,
  O_CREAT,
  O_EXCL,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_WRONLY,
  PIPE_BUF,
  SEEK_END,
  SEEK_SET,
} from '../sim/scenario.ts';
import { oneProcess, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };
const ALL_VNODE = NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME | NOTE_REVOKE;
type Build = 'netbsd-2.0' | 'netbsd-modern';

/** Run `main` as one process on `build` and expect every expectation to hold. */
function holds(name: string, build: Build, main: (u: Libc) => Generator<import('../src/machine/machine.ts').Yield, void, void>) {
  expect(verdict(run(oneProcess(name, main), { build }))).toBe('done');
}

/** The fflags of the one event a poll returns (0 for none). */
function* fflags(u: Libc, kq: number): Generator<import('../src/machine/machine.ts').Yield, number, void> {
  const ev = yield* u.kevent(kq, [], 1, POLL);
  return ev.ret === 1 ? (ev.events[0]?.fflags ?? 0) : 0;
}

describe('EVFILT_VNODE on a regular file', () => {
  for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
    it(`should post what each operation does to the file (${build})`, () => {
      holds('vnode-file', build, function* (u) {
        const fd = (yield* u.open('f', O_RDWR | O_CREAT, 0o644)).ret;
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, ALL_VNODE)], 0);
        yield* u.write(fd, 'hello');
        u.expect((yield* fflags(u, kq)) === (NOTE_WRITE | NOTE_EXTEND), 'an appending write: NOTE_WRITE|NOTE_EXTEND');
        yield* u.pwrite(fd, 'J', 0);
        u.expect((yield* fflags(u, kq)) === NOTE_WRITE, 'an overwrite: NOTE_WRITE alone');
        yield* u.fchmod(fd, 0o600);
        u.expect((yield* fflags(u, kq)) === NOTE_ATTRIB, 'fchmod: NOTE_ATTRIB');
        yield* u.ftruncate(fd, 2);
        u.expect((yield* fflags(u, kq)) === NOTE_ATTRIB, 'ftruncate: NOTE_ATTRIB');
        yield* u.link('f', 'g');
        u.expect((yield* fflags(u, kq)) === NOTE_LINK, 'link: NOTE_LINK');
        yield* u.rename('g', 'h');
        u.expect((yield* fflags(u, kq)) === NOTE_RENAME, 'rename: NOTE_RENAME');
        yield* u.unlink('f');
        u.expect((yield* fflags(u, kq)) === NOTE_DELETE, 'unlink: NOTE_DELETE (even with a link left)');
        yield* u.revoke('h');
        const ev = yield* u.kevent(kq, [], 1, POLL);
        u.expect(ev.events[0]?.fflags === NOTE_REVOKE && ((ev.events[0]?.flags ?? 0) & EV_EOF) !== 0, 'revoke: NOTE_REVOKE with EV_EOF');
        u.expect((yield* u.read(fd, 1)).errno === EIO, 'a revoked descriptor to fail with EIO');
      });
    });
  }

  it('should post NOTE_OPEN, NOTE_READ and the close notes only on the modern build', () => {
    const body = (modern: boolean) =>
      function* (u: Libc) {
        yield* u.close((yield* u.open('t', O_RDWR | O_CREAT, 0o600)).ret);
        const watch = (yield* u.open('t', O_RDONLY)).ret;
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(watch, EVFILT_VNODE, EV_ADD | EV_CLEAR, NOTE_OPEN | NOTE_READ | NOTE_CLOSE | NOTE_CLOSE_WRITE | NOTE_WRITE)], 0);
        const fd = (yield* u.open('t', O_RDWR)).ret;
        u.expect((yield* fflags(u, kq)) === (modern ? NOTE_OPEN : 0), 'open');
        yield* u.write(fd, 'abc');
        // filt_genfsvnode ORs in the whole hint once any bit of it was asked for.
        u.expect((yield* fflags(u, kq)) === (NOTE_WRITE | NOTE_EXTEND), 'write: the whole hint, NOTE_EXTEND included');
        yield* u.pread(fd, 3, 0);
        u.expect((yield* fflags(u, kq)) === (modern ? NOTE_READ : 0), 'read');
        yield* u.close(fd);
        u.expect((yield* fflags(u, kq)) === (modern ? NOTE_CLOSE_WRITE : 0), 'the close of a writable file');
        yield* u.close((yield* u.open('t', O_RDONLY)).ret);
        u.expect((yield* fflags(u, kq)) === (modern ? NOTE_OPEN | NOTE_CLOSE : 0), 'open and close of a read-only file');
      };
    holds('notes-2.0', 'netbsd-2.0', body(false));
    holds('notes-modern', 'netbsd-modern', body(true));
  });
});

describe('EVFILT_VNODE on a directory', () => {
  const dir = (build: Build, op: (u: Libc) => Generator<import('../src/machine/machine.ts').Yield, unknown, void>, want: number) =>
    holds(`dir-${want}`, build, function* (u) {
      yield* u.mkdir('foo', 0o700);
      yield* u.mkdir('foo/sub', 0o700);
      yield* u.mkdir('bar', 0o700);
      yield* u.close((yield* u.creat('foo/file', 0o600)).ret);
      const target = (yield* u.open('foo', O_RDONLY)).ret;
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(target, EVFILT_VNODE, EV_ADD | EV_ONESHOT, ALL_VNODE)], 0);
      yield* op(u);
      const got = yield* fflags(u, kq);
      u.expect(got === want, `fflags 0x${want.toString(16)} (got 0x${got.toString(16)})`);
    });

  it('should post NOTE_WRITE for entries, NOTE_LINK only for subdirectories made or removed', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      dir(build, (u) => u.mkdir('foo/new', 0o700), NOTE_WRITE | NOTE_LINK);
      dir(build, (u) => u.rmdir('foo/sub'), NOTE_WRITE | NOTE_LINK);
      dir(build, (u) => u.creat('foo/another', 0o600), NOTE_WRITE);
      dir(build, (u) => u.unlink('foo/file'), NOTE_WRITE);
      dir(build, (u) => u.rename('foo/file', 'foo/moved'), NOTE_WRITE);
      dir(build, (u) => u.rename('foo/sub', 'foo/sub2'), NOTE_WRITE);
    }
  });

  it('should post NOTE_LINK for a directory moved in or out only on the modern build', () => {
    dir('netbsd-2.0', (u) => u.rename('foo/sub', 'bar/sub'), NOTE_WRITE);
    dir('netbsd-2.0', (u) => u.rename('bar', 'foo/bar'), NOTE_WRITE);
    dir('netbsd-modern', (u) => u.rename('foo/sub', 'bar/sub'), NOTE_WRITE | NOTE_LINK);
    dir('netbsd-modern', (u) => u.rename('bar', 'foo/bar'), NOTE_WRITE | NOTE_LINK);
  });

  it('should post NOTE_DELETE on a directory that unlink refuses (ufs_remove posts before it checks)', () => {
    holds('unlink-dir', 'netbsd-2.0', function* (u) {
      yield* u.mkdir('d', 0o700);
      const fd = (yield* u.open('d', O_RDONLY)).ret;
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(fd, EVFILT_VNODE, EV_ADD, NOTE_DELETE)], 0);
      u.expect((yield* u.unlink('d')).errno === EPERM, 'EPERM for unlink of a directory');
      u.expect((yield* fflags(u, kq)) === NOTE_DELETE, 'NOTE_DELETE all the same');
    });
  });
});

describe('EVFILT_READ on a regular file', () => {
  it('should report the bytes beyond the offset, negative after a truncate below it', () => {
    holds('file-read', 'netbsd-2.0', function* (u) {
      const w = (yield* u.open('log', O_WRONLY | O_CREAT | O_APPEND, 0o644)).ret;
      yield* u.write(w, 'abc\n');
      const r = (yield* u.open('log', O_RDONLY)).ret;
      const kq = (yield* u.kqueue()).ret;
      const a = yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD)], 1, POLL);
      u.expect(a.ret === 1 && a.events[0]?.data === 4, '4 bytes readable');
      u.expect((yield* u.lseek(r, 0, SEEK_END)).ret === 4, 'lseek to the end');
      u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'nothing readable at the end');
      yield* u.write(w, 'de\n');
      const b = yield* u.kevent(kq, [], 1, POLL);
      u.expect(b.ret === 1 && b.events[0]?.data === 3, 'the appended 3 bytes');
      yield* u.ftruncate(w, 1);
      const c = yield* u.kevent(kq, [], 1, POLL);
      u.expect(c.ret === 1 && c.events[0]?.data === -3, 'data -3 (size 1 less offset 4), and true as the source computes');
      u.expect((yield* u.lseek(r, 0, SEEK_SET)).ret === 0 && (yield* u.read(r, 10)).data === 'a', 'the file holds what is left');
    });
  });

  it('should refuse EVFILT_WRITE on a file in 2.0 and make it always true, data 0, on the modern build', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`file-write-${build}`, build, function* (u) {
        const fd = (yield* u.open('w', O_RDWR | O_CREAT, 0o644)).ret;
        const kq = (yield* u.kqueue()).ret;
        const ev = yield* u.kevent(kq, [EV_SET(fd, EVFILT_WRITE, EV_ADD)], 1, POLL);
        if (build === 'netbsd-2.0') u.expect(ev.events[0]?.flags === EV_ERROR && ev.events[0]?.data === EPERM, 'EVFILT_WRITE unsupported (1)');
        else u.expect(ev.ret === 1 && ev.events[0]?.filter === EVFILT_WRITE && ev.events[0]?.data === 0, 'always writable, data 0');
      });
    }
  });

  it('should drop the knotes of a descriptor dup2 closes (t_file2)', () => {
    holds('dup2', 'netbsd-2.0', function* (u) {
      const a = (yield* u.open('afile', O_RDONLY | O_CREAT, 0o644)).ret;
      const b = (yield* u.open('bfile', O_RDONLY | O_CREAT, 0o644)).ret;
      const kq = (yield* u.kqueue()).ret;
      yield* u.kevent(kq, [EV_SET(a, EVFILT_READ, EV_ADD)], 0);
      u.expect((yield* u.dup2(b, a)).ret === a, 'dup2 to return the target');
      u.expect((yield* u.kevent(kq, [EV_SET(a, EVFILT_READ, 0)], 1)).events[0]?.data === ENOENT, 'the old knote gone with the old file');
    });
  });
});

describe('file system errors', () => {
  it('should fail as the source does', () => {
    holds('errors', 'netbsd-2.0', function* (u) {
      u.expect((yield* u.open('nope', O_RDONLY)).errno === ENOENT, 'ENOENT');
      yield* u.close((yield* u.creat('x', 0o600)).ret);
      u.expect((yield* u.open('x', O_RDWR | O_CREAT | O_EXCL)).errno === EEXIST, 'EEXIST with O_EXCL');
      u.expect((yield* u.open('x/y', O_RDONLY)).errno === ENOTDIR, 'ENOTDIR through a file');
      yield* u.mkdir('d', 0o755);
      u.expect((yield* u.open('d', O_WRONLY)).errno === EISDIR, 'EISDIR writing a directory');
      yield* u.close((yield* u.creat('d/z', 0o600)).ret);
      u.expect((yield* u.rmdir('d')).errno === ENOTEMPTY, 'ENOTEMPTY');
      u.expect((yield* u.link('d', 'd2')).errno === EPERM, 'EPERM linking a directory');
      u.expect((yield* u.rename('d', 'd/inside')).errno === EINVAL, 'EINVAL moving a directory below itself');
      u.expect((yield* u.rename('x', 'd')).errno === ENOTEMPTY, 'ENOTEMPTY replacing a directory that has entries');
      yield* u.mkdir('e', 0o755);
      u.expect((yield* u.rename('x', 'e')).errno === ENOTDIR, 'ENOTDIR replacing a directory by a file');
      u.expect((yield* u.rename('e', 'x')).errno === EISDIR, 'EISDIR replacing a file by a directory');
      const [pr] = (yield* u.pipe()).fds as [number, number];
      u.expect((yield* u.lseek(pr, 0, SEEK_SET)).errno === ESPIPE, 'ESPIPE on a pipe');
      const ro = (yield* u.open('x', O_RDONLY)).ret;
      u.expect((yield* u.ftruncate(ro, 0)).errno === EINVAL, 'EINVAL truncating a read-only descriptor');
      u.expect((yield* u.fcntl(ro, F_SETFL, O_NONBLOCK)).ret === 0 && (yield* u.fcntl(ro, F_GETFL)).ret === O_NONBLOCK, 'F_SETFL/F_GETFL');
    });
  });

  it('should keep a mode-0600 file from another user (EACCES) and its chmod from them (EPERM)', () => {
    const r = run(
      oneProcess(
        'perm',
        function* (u) {
          yield* u.close((yield* u.open('private', O_WRONLY | O_CREAT, 0o600)).ret);
          yield* u.fork('other', function* (c) {
            yield* c.setuid(1001);
            c.expect((yield* c.open('private', O_RDONLY)).errno === EACCES, 'EACCES');
            c.expect((yield* c.chmod('private', 0o644)).errno === EPERM, 'EPERM');
          });
          yield* u.wait();
        },
        { uid: 0 },
      ),
    );
    expect(verdict(r)).toBe('done');
  });
});

describe('FIFOs', () => {
  for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
    it(`should open, report data and EOF, and clear EOF after it is read (${build})`, () => {
      holds(`fifo-${build}`, build, function* (u) {
        yield* u.mkfifo('fifo', 0o600);
        u.expect((yield* u.open('fifo', O_WRONLY | O_NONBLOCK)).errno === ENXIO, 'ENXIO: a non-blocking writer with no reader');
        const rd = (yield* u.open('fifo', O_RDONLY | O_NONBLOCK)).ret;
        const wr = (yield* u.open('fifo', O_WRONLY | O_NONBLOCK)).ret;
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(rd, EVFILT_READ, EV_ADD)], 0);
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'nothing to read');
        yield* u.write(wr, 'foo');
        const a = yield* u.kevent(kq, [], 1, POLL);
        u.expect(a.ret === 1 && a.events[0]?.data === 3 && ((a.events[0]?.flags ?? 0) & EV_EOF) === 0, '3 bytes, no EOF');
        u.expect((yield* u.read(rd, 3)).data === 'foo', 'the bytes');
        yield* u.close(wr);
        const b = yield* u.kevent(kq, [], 1, POLL);
        u.expect(b.ret === 1 && ((b.events[0]?.flags ?? 0) & EV_EOF) !== 0, 'EV_EOF once the writer is gone');
        u.expect((yield* u.read(rd, 3)).ret === 0, 'read at EOF returns 0');
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'the EOF indication cleared by that read');
        const wr2 = (yield* u.open('fifo', O_WRONLY | O_NONBLOCK)).ret;
        u.expect((yield* u.kevent(kq, [], 1, POLL)).ret === 0, 'a new writer: not readable, no EOF');
        yield* u.close(wr2);
        yield* u.close(rd);
      });
    });
  }

  it('should make EVFILT_WRITE always true with EV_EOF in 2.0 (1.38 watches the read socket), and PIPE_BUF-based on modern', () => {
    for (const build of ['netbsd-2.0', 'netbsd-modern'] as const) {
      holds(`fifo-write-${build}`, build, function* (u) {
        yield* u.mkfifo('fifo', 0o600);
        const rd = (yield* u.open('fifo', O_RDONLY | O_NONBLOCK)).ret;
        const wr = (yield* u.open('fifo', O_WRONLY | O_NONBLOCK)).ret;
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(wr, EVFILT_WRITE, EV_ADD)], 0);
        while ((yield* u.write(wr, 'p'.repeat(PIPE_BUF))).ret > 0) {}
        const full = yield* u.kevent(kq, [], 1, POLL);
        if (build === 'netbsd-2.0') u.expect(full.ret === 1 && ((full.events[0]?.flags ?? 0) & EV_EOF) !== 0, 'writable with EV_EOF, full or not');
        else u.expect(full.ret === 0, 'not writable once a PIPE_BUF write would not fit');
        yield* u.read(rd, PIPE_BUF);
        const room = yield* u.kevent(kq, [], 1, POLL);
        u.expect(room.ret === 1 && room.events[0]?.data === (build === 'netbsd-2.0' ? 4096 : PIPE_BUF), 'writable; data as each build computes it');
        u.expect((yield* u.fpathconf(wr, 6)).ret === PIPE_BUF, '_PC_PIPE_BUF');
      });
    }
  });

  it('should wake a blocked reader open for a writer that came and went only on the modern build', () => {
    const body = function* (u: Libc) {
      yield* u.mkfifo('f', 0o600);
      yield* u.fork('writer', function* (c) {
        const w = (yield* c.open('f', O_WRONLY)).ret;
        yield* c.write(w, 'hi');
        yield* c.close(w);
      });
      const r = (yield* u.open('f', O_RDONLY)).ret;
      u.expect((yield* u.read(r, 2)).data === 'hi', 'the data the writer left');
      yield* u.wait();
    };
    // 1.38's fifo_open waits while fi_writers is 0: a writer that opened, wrote and closed
    // before the reader ran again leaves it asleep. 1.77 waits only while nothing is readable.
    expect(verdict(run(oneProcess('fifo-block', body), { build: 'netbsd-2.0' }))).toBe('deadlock: p[1]');
    expect(verdict(run(oneProcess('fifo-block', body), { build: 'netbsd-modern' }))).toBe('done');
  });
});
