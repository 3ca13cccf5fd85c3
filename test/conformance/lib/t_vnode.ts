/*
 * tests/kernel/kqueue/t_vnode.c's fixtures (init_target, init_kqueue, create_file) and the
 * shape of its eighteen directory cases: make foo (and whatever the case needs), watch it
 * with EVFILT_VNODE and EV_ONESHOT for every NOTE_*, do one thing, poll once, and check one
 * bit of fflags.
 */
import {
  defineScenario,
  EV_ADD,
  EV_ONESHOT,
  EV_SET,
  EVFILT_VNODE,
  type Libc,
  NOTE_ATTRIB,
  NOTE_DELETE,
  NOTE_EXTEND,
  NOTE_LINK,
  NOTE_RENAME,
  NOTE_REVOKE,
  NOTE_WRITE,
  O_CREAT,
  O_RDONLY,
  O_WRONLY,
  S_IRUSR,
  S_IRWXU,
  S_IWUSR,
  type ScenarioDef,
} from '../../../sim/scenario.ts';
import { RL } from './atf.ts';

type Y = import('../../../src/machine/machine.ts').Yield;

export const dir_target = 'foo';
export const dir_inside1 = 'foo/bar1';
export const dir_inside2 = 'foo/bar2';
export const dir_outside = 'bar';
export const file_inside1 = 'foo/baz1';
export const file_inside2 = 'foo/baz2';
export const file_outside = 'qux';
export const ts = { sec: 0, nsec: 0 };

export function* init_target(u: Libc): Generator<Y, number, void> {
  RL(u, yield* u.mkdir(dir_target, S_IRWXU), 'mkdir(foo)');
  return RL(u, yield* u.open(dir_target, O_RDONLY, 0), 'open(foo)');
}

export function* init_kqueue(u: Libc, target: number): Generator<Y, number, void> {
  const kq = RL(u, yield* u.kqueue(), 'kqueue');
  const all = NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME | NOTE_REVOKE;
  RL(u, yield* u.kevent(kq, [EV_SET(target, EVFILT_VNODE, EV_ADD | EV_ONESHOT, all)], 0), 'kevent(EV_ADD)');
  return kq;
}

export function* create_file(u: Libc, file: string): Generator<Y, void, void> {
  const fd = RL(u, yield* u.open(file, O_WRONLY | O_CREAT, S_IRUSR | S_IWUSR), `open(${file})`);
  RL(u, yield* u.close(fd), 'close');
}

export interface DirCase {
  readonly summary: string;
  /** What exists before the kqueue watches foo. */
  readonly setup?: (u: Libc) => Generator<Y, void, void>;
  /** The one operation the case is about. */
  readonly action: (u: Libc) => Generator<Y, unknown, void>;
  /** The note checked, and whether the case wants it set. */
  readonly note: number;
  readonly set: boolean;
}

/** One of t_vnode.c's directory cases, as a scenario. */
export function dirCase(c: DirCase): ScenarioDef {
  return defineScenario({
    summary: c.summary,
    processes: [
      {
        name: 'atf',
        *main(u) {
          const target = yield* init_target(u);
          if (c.setup) yield* c.setup(u);
          const kq = yield* init_kqueue(u, target);
          const r = yield* c.action(u);
          u.expect((r as { ret: number }).ret !== -1, 'the operation to succeed');
          const ev = yield* u.kevent(kq, [], 1, ts);
          RL(u, ev, 'kevent');
          const got = (ev.events[0]?.fflags ?? 0) & c.note;
          u.expect(c.set ? got === c.note : got === 0, `fflags & 0x${c.note.toString(16)} to be ${c.set ? 'set' : '0'}`);
        },
      },
    ],
  });
}
