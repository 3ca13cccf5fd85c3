/*
 * vnode-watch: EVFILT_VNODE on a regular file, and EVFILT_READ on it. A watcher opens a
 * file and watches it; a child writes to it, changes its mode, links, renames and removes
 * it. Each vnode operation posts its note where ufs_vnops.c does (VN_KNOTE); with EV_CLEAR
 * the notes that come while the watcher is away are ORed into one event.
 */
import {
  defineScenario,
  EV_ADD,
  EV_CLEAR,
  EV_DELETE,
  EV_SET,
  EVFILT_READ,
  EVFILT_VNODE,
  NOTE_ATTRIB,
  NOTE_DELETE,
  NOTE_EXTEND,
  NOTE_LINK,
  NOTE_RENAME,
  NOTE_WRITE,
  O_CREAT,
  O_RDONLY,
  O_WRONLY,
  SEEK_SET,
} from '../sim/scenario.ts';

const ALL = NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME;
const POLL = { sec: 0, nsec: 0 };

export default defineScenario({
  summary: 'EVFILT_VNODE sees a file written, chmod-ed, linked, renamed and removed',
  description: `The watcher creates "log", opens it read-only and registers EVFILT_VNODE with
EV_CLEAR for NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME.
A child writes 5 bytes (ufs_write: NOTE_WRITE | NOTE_EXTEND), fchmods the file (ufs_setattr:
NOTE_ATTRIB), links it (ufs_link: NOTE_LINK), renames it (ufs_rename: NOTE_RENAME) and
removes both names (ufs_remove: NOTE_DELETE). The watcher collects fflags until NOTE_DELETE.
The open descriptor keeps the removed file alive: EVFILT_READ then reports the bytes beyond
the file offset (filt_genfsread: size less offset), 5, and 3 after an lseek to 2.`,
  processes: [
    {
      name: 'watcher',
      *main(u) {
        const fd = (yield* u.open('log', O_RDONLY | O_CREAT, 0o644)).ret;
        u.expect(fd >= 0, 'open(log, O_RDONLY | O_CREAT) to succeed');
        const kq = (yield* u.kqueue()).ret;
        const add = yield* u.kevent(kq, [EV_SET(fd, EVFILT_VNODE, EV_ADD | EV_CLEAR, ALL)], 0);
        u.expect(add.ret === 0, 'EV_ADD of EVFILT_VNODE to succeed');
        const child = yield* u.fork('changer', function* (c) {
          const w = (yield* c.open('log', O_WRONLY, 0)).ret;
          c.expect((yield* c.write(w, 'hello')).ret === 5, 'the write of 5 bytes to succeed');
          c.expect((yield* c.fchmod(w, 0o600)).ret === 0, 'fchmod to succeed');
          yield* c.close(w);
          c.expect((yield* c.link('log', 'log.1')).ret === 0, 'link to succeed');
          c.expect((yield* c.rename('log', 'log.0')).ret === 0, 'rename to succeed');
          c.expect((yield* c.unlink('log.0')).ret === 0, 'unlink(log.0) to succeed');
          c.expect((yield* c.unlink('log.1')).ret === 0, 'unlink(log.1) to succeed');
        });
        let seen = 0;
        while ((seen & NOTE_DELETE) === 0) {
          const r = yield* u.kevent(kq, [], 1);
          u.expect(r.ret === 1 && r.events[0]?.filter === EVFILT_VNODE, 'kevent to return the EVFILT_VNODE event');
          seen |= r.events[0]?.fflags ?? 0;
          u.log(`fflags so far 0x${seen.toString(16)}`);
        }
        u.expect(seen === ALL, 'every note to have come before NOTE_DELETE (ORed together by EV_CLEAR)');
        yield* u.waitpid(child.ret);
        // The second unlink's NOTE_DELETE may still be queued: drop the vnode knote first.
        const rd = yield* u.kevent(kq, [EV_SET(fd, EVFILT_VNODE, EV_DELETE), EV_SET(fd, EVFILT_READ, EV_ADD)], 1, POLL);
        u.expect(rd.ret === 1 && rd.events[0]?.data === 5, 'EVFILT_READ to report the 5 bytes beyond offset 0');
        yield* u.lseek(fd, 2, SEEK_SET);
        const again = yield* u.kevent(kq, [], 1, POLL);
        u.expect(again.ret === 1 && again.events[0]?.data === 3, 'EVFILT_READ to report 3 bytes beyond offset 2');
        yield* u.close(fd);
      },
    },
  ],
});
