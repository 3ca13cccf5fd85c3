/*
 * EVFILT_USER on netbsd-modern, and the kqueue ioctls. The EVFILT_USER cases re-express
 * the ones in FreeBSD's tests/sys/kqueue/libkqueue/user.c and libkqueue's test/user.c
 * (add and delete, wait, disable and enable, oneshot, merged triggers, the fflags word),
 * plus EV_DISPATCH and EV_RECEIPT as modern kern_event.c handles them. Expectations state
 * the real semantics, checked inside the scenario with u.expect.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  EBADF,
  EINVAL,
  ENOENT,
  ENOTTY,
  EV_ADD,
  EV_CLEAR,
  EV_DELETE,
  EV_DISABLE,
  EV_DISPATCH,
  EV_ENABLE,
  EV_ERROR,
  EV_ONESHOT,
  EV_RECEIPT,
  EV_SET,
  EVFILT_TIMER,
  EVFILT_USER,
  type Libc,
  NOTE_FFAND,
  NOTE_FFCOPY,
  NOTE_FFCTRLMASK,
  NOTE_FFLAGSMASK,
  NOTE_FFNOP,
  NOTE_FFOR,
  NOTE_TRIGGER,
} from '../sim/scenario.ts';
import { EFAULT, ENAMETOOLONG } from '../src/kern/errno.ts';
import type { Yield } from '../src/machine/machine.ts';
import { inline, run, verdict } from './helpers/run.ts';

const POLL = { sec: 0, nsec: 0 };

type Body = (u: Libc) => Generator<Yield, void, void>;

function check(name: string, build: string, main: Body): void {
  const r = run(inline(name, { summary: name, processes: [{ name: 'p', main }] }), { build });
  expect(verdict(r)).toBe('done');
}

/* kevent with room for n events and a poll: what is pending now. */
function* pending(u: Libc, kq: number, n = 4) {
  return yield* u.kevent(kq, [], n, POLL);
}

function* change(u: Libc, kq: number, flags: number, fflags = 0, data = 0) {
  return yield* u.kevent(kq, [EV_SET(1, EVFILT_USER, flags, fflags, data)], 0);
}

describe('EVFILT_USER (netbsd-modern)', () => {
  it('should add and delete a user event without it firing (user.c add_and_delete)', () => {
    check('add-delete', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      u.expect((yield* change(u, kq, EV_ADD)).ret === 0, 'EV_ADD to succeed');
      u.expect((yield* pending(u, kq)).ret === 0, 'nothing pending before a trigger');
      u.expect((yield* change(u, kq, EV_DELETE)).ret === 0, 'EV_DELETE to succeed');
      const again = yield* change(u, kq, EV_DELETE);
      u.expect(again.ret === -1 && again.errno === ENOENT, 'a second EV_DELETE to fail with ENOENT');
    });
  });

  it('should deliver one event per trigger with EV_CLEAR, then nothing (user.c event_wait)', () => {
    check('wait', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_CLEAR, 0, 0);
      u.expect((yield* pending(u, kq)).ret === 0, 'no event before the trigger');
      yield* change(u, kq, 0, NOTE_TRIGGER);
      const r = yield* pending(u, kq);
      const ev = r.events[0];
      u.expect(r.ret === 1 && ev?.ident === 1 && ev.filter === EVFILT_USER, 'one EVFILT_USER event for ident 1');
      u.expect(((ev?.flags ?? 0) & EV_CLEAR) !== 0 && ((ev?.flags ?? 0) & EV_ERROR) === 0, 'its flags to keep EV_CLEAR and carry no EV_ERROR');
      u.expect(ev?.fflags === 0 && ev.data === 0, 'no NOTE_TRIGGER or control bits in the returned fflags');
      u.expect((yield* pending(u, kq)).ret === 0, 'EV_CLEAR to reset the trigger once it was returned');
    });
  });

  it('should not deliver a trigger while disabled, and deliver after EV_ENABLE and a trigger (user.c disable_and_enable)', () => {
    check('disable-enable', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_CLEAR);
      yield* change(u, kq, EV_DISABLE);
      yield* change(u, kq, 0, NOTE_TRIGGER);
      u.expect((yield* pending(u, kq)).ret === 0, 'a disabled user event not to be returned');
      yield* change(u, kq, EV_ENABLE);
      yield* change(u, kq, 0, NOTE_TRIGGER);
      const r = yield* pending(u, kq);
      u.expect(r.ret === 1 && r.events[0]?.ident === 1, 'the event after EV_ENABLE and a trigger');
      u.expect((yield* pending(u, kq)).ret === 0, 'only once');
    });
  });

  it('should deliver an EV_ONESHOT user event once and then forget it (user.c oneshot)', () => {
    check('oneshot', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_ONESHOT);
      u.expect((yield* pending(u, kq)).ret === 0, 'nothing before the trigger');
      yield* change(u, kq, 0, NOTE_TRIGGER);
      const r = yield* pending(u, kq);
      u.expect(r.ret === 1 && ((r.events[0]?.flags ?? 0) & EV_ONESHOT) !== 0, 'one event, flagged EV_ONESHOT');
      u.expect((yield* pending(u, kq)).ret === 0, 'no second delivery');
      const gone = yield* change(u, kq, EV_DELETE);
      u.expect(gone.ret === -1 && gone.errno === ENOENT, 'the knote to be gone after delivery (ENOENT)');
    });
  });

  it('should merge triggers made before a retrieval into one event (libkqueue multi_trigger_merged)', () => {
    check('merged', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_CLEAR);
      for (let i = 0; i < 3; i++) yield* change(u, kq, 0, NOTE_TRIGGER);
      u.expect((yield* pending(u, kq)).ret === 1, 'three triggers to give one event');
      u.expect((yield* pending(u, kq)).ret === 0, 'and nothing after it');
    });
  });

  it('should stay triggered without EV_CLEAR (level) and be returned by every scan', () => {
    check('level', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD);
      yield* change(u, kq, 0, NOTE_TRIGGER);
      for (let i = 0; i < 3; i++) u.expect((yield* pending(u, kq)).ret === 1, `scan ${i + 1} to return the triggered event`);
      yield* change(u, kq, EV_CLEAR);
      u.expect((yield* pending(u, kq)).ret === 0, 'a change with EV_CLEAR to reset the trigger');
    });
  });

  it("should not trigger at EV_ADD even with NOTE_TRIGGER, and keep the add's fflags as given", () => {
    // NetBSD 1.140 (and FreeBSD): kqueue_register zeroes kn_fflags before filt_userattach
    // tests it for NOTE_TRIGGER, and stores the add's fflags in kn_sfflags unmasked.
    check('add-trigger', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const add = (NOTE_TRIGGER | NOTE_FFCOPY | 0x11) >>> 0;
      yield* change(u, kq, EV_ADD | EV_CLEAR, add, 5);
      u.expect((yield* pending(u, kq)).ret === 0, 'no event from the EV_ADD alone');
      yield* change(u, kq, 0, NOTE_TRIGGER | NOTE_FFNOP, 5);
      const r = yield* pending(u, kq);
      u.expect(r.ret === 1 && r.events[0]?.fflags === add && r.events[0]?.data === 5, "the stored word to be the add's fflags, unmasked");
    });
  });

  test.prop(
    [
      fc.array(
        fc.tuple(
          fc.constantFrom(NOTE_FFNOP, NOTE_FFAND, NOTE_FFOR, NOTE_FFCOPY),
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.integer({ min: 0, max: 1000 }),
        ),
        { minLength: 1, maxLength: 6 },
      ),
    ],
    {
      numRuns: 40,
    },
  )('should update the stored fflags word as FFNOP/FFAND/FFOR/FFCOPY say and report it with the last data', (ops) => {
    // The reference: the word as the control bits define it, low 24 bits only.
    let word = 0;
    for (const [ctrl, bits] of ops) {
      const low = bits & NOTE_FFLAGSMASK;
      if (ctrl === NOTE_FFAND) word &= low;
      else if (ctrl === NOTE_FFOR) word |= low;
      else if (ctrl === NOTE_FFCOPY) word = low;
    }
    const lastData = (ops.at(-1) as [number, number, number])[2];
    const got: { fflags: number; data: number }[] = [];
    check('fflags', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_CLEAR);
      for (const [ctrl, bits, data] of ops) {
        // User bits may include NOTE_TRIGGER (bit 24) or anything above: only ctrl and low bits count.
        yield* change(u, kq, 0, ((ctrl | (bits & ~NOTE_FFCTRLMASK)) & ~NOTE_TRIGGER) >>> 0, data);
      }
      yield* change(u, kq, 0, NOTE_TRIGGER | NOTE_FFNOP, lastData);
      const r = yield* pending(u, kq);
      u.expect(r.ret === 1, 'the triggered event');
      for (const ev of r.events) got.push({ fflags: ev.fflags, data: ev.data });
    });
    expect(got).toEqual([{ fflags: word >>> 0, data: lastData }]);
  });

  it('should disable an EV_DISPATCH user event after each delivery until EV_ENABLE', () => {
    check('dispatch', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_DISPATCH);
      yield* change(u, kq, 0, NOTE_TRIGGER);
      u.expect((yield* pending(u, kq)).ret === 1, 'the first trigger to be delivered');
      yield* change(u, kq, 0, NOTE_TRIGGER);
      u.expect((yield* pending(u, kq)).ret === 0, 'a trigger after delivery to wait: the knote is disabled');
      yield* change(u, kq, EV_ENABLE);
      u.expect((yield* pending(u, kq)).ret === 1, 'EV_ENABLE to deliver the trigger that waited');
      u.expect((yield* pending(u, kq)).ret === 0, 'and to disable it again after that delivery');
    });
  });

  it('should let EV_CLEAR win over EV_DISPATCH, as NetBSD tests EV_CLEAR first', () => {
    check('clear-dispatch', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      yield* change(u, kq, EV_ADD | EV_CLEAR | EV_DISPATCH);
      for (let i = 0; i < 2; i++) {
        yield* change(u, kq, 0, NOTE_TRIGGER);
        u.expect((yield* pending(u, kq)).ret === 1, `trigger ${i + 1} to be delivered: the knote is never disabled`);
      }
    });
  });

  it('should answer every change with an EV_ERROR entry of data 0 under EV_RECEIPT', () => {
    check('receipt', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const r = yield* u.kevent(kq, [EV_SET(1, EVFILT_USER, EV_ADD | EV_RECEIPT), EV_SET(2, EVFILT_USER, EV_DELETE | EV_RECEIPT)], 4);
      u.expect(r.ret === 2, 'two receipts');
      u.expect(r.events[0]?.flags === EV_ERROR && r.events[0]?.data === 0, 'the EV_ADD to succeed: EV_ERROR with data 0');
      u.expect(r.events[1]?.flags === EV_ERROR && r.events[1]?.data === ENOENT, 'the EV_DELETE of nothing: ENOENT');
    });
  });

  it('should end the call at a receipt with no room, successfully, leaving later changes undone', () => {
    check('receipt-no-room', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const r = yield* u.kevent(kq, [EV_SET(1, EVFILT_USER, EV_ADD | EV_RECEIPT), EV_SET(2, EVFILT_USER, EV_ADD)], 0);
      u.expect(r.ret === 0 && r.errno === 0, 'the call to succeed with 0');
      u.expect((yield* change(u, kq, EV_DELETE)).ret === 0, 'the first change to be applied');
      const second = yield* u.kevent(kq, [EV_SET(2, EVFILT_USER, EV_DELETE)], 0);
      u.expect(second.errno === ENOENT, 'the second change never to have been applied');
    });
  });

  it('should not exist before netbsd-modern: EV_ADD fails with EINVAL', () => {
    for (const build of ['netbsd-2.0', 'netbsd-4.0']) {
      check(`old-${build}`, build, function* (u) {
        const kq = (yield* u.kqueue()).ret;
        const r = yield* change(u, kq, EV_ADD);
        u.expect(r.ret === -1 && r.errno === EINVAL, 'EINVAL for an unknown filter');
      });
    }
  });
});

describe('kqueue_ioctl', () => {
  it('should map filters and names both ways, with the kernel errno for each failure', () => {
    for (const build of ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern']) {
      check(`kfilter-${build}`, build, function* (u) {
        const kq = (yield* u.kqueue()).ret;
        const byname = { name: 'EVFILT_TIMER', len: 0, filter: -1 };
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYNAME', byname)).ret === 0 && byname.filter === EVFILT_TIMER, 'EVFILT_TIMER by name');
        const byfilter = { name: '', len: 32, filter: EVFILT_TIMER };
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYFILTER', byfilter)).ret === 0 && byfilter.name === 'EVFILT_TIMER', 'the name of filter 6');
        const short = { name: '', len: 6, filter: EVFILT_TIMER };
        const cut = yield* u.ioctl(kq, 'KFILTER_BYFILTER', short);
        u.expect(cut.errno === ENAMETOOLONG && short.name === 'EVFILT', 'ENAMETOOLONG, the name cut to the buffer');
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYFILTER', { name: '', len: 32, filter: 99 })).errno === ENOENT, 'ENOENT for no such filter');
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYNAME', { name: 'EVFILT_NOPE', len: 0, filter: 0 })).errno === ENOENT, 'ENOENT for no such name');
        const user = { name: 'EVFILT_USER', len: 0, filter: -1 };
        const ur = yield* u.ioctl(kq, 'KFILTER_BYNAME', user);
        if (build === 'netbsd-modern') {
          u.expect(ur.ret === 0 && user.filter === EVFILT_USER, 'EVFILT_USER is filter 8');
          const fs = { name: '', len: 32, filter: 7 };
          u.expect((yield* u.ioctl(kq, 'KFILTER_BYFILTER', fs)).ret === 0 && fs.name === 'EVFILT_FS', 'filter 7 is EVFILT_FS');
        } else u.expect(ur.errno === ENOENT, 'no EVFILT_USER before netbsd-modern');
        u.expect((yield* u.ioctl(kq, 'KFILTER_BYNAME', null)).errno === EFAULT, 'EFAULT for a bad argument');
        u.expect((yield* u.ioctl(kq, 'FIONBIO', null)).errno === ENOTTY, 'ENOTTY for another command');
        u.expect((yield* u.ioctl(kq, 'KTICKLE')).errno === ENOTTY, 'ENOTTY for the tickle without ktickle');
        u.expect((yield* u.ioctl(kq + 10, 'KFILTER_BYNAME', byname)).errno === EBADF, 'EBADF for a descriptor that is not open');
      });
    }
  });

  it('should still refuse a timer of 0 ms on the modern build (EVFILT_TIMER unchanged)', () => {
    check('timer-modern', 'netbsd-modern', function* (u) {
      const kq = (yield* u.kqueue()).ret;
      const r = yield* u.kevent(kq, [EV_SET(9, EVFILT_TIMER, EV_ADD)], 1);
      u.expect(r.events[0]?.flags === EV_ERROR && r.events[0]?.data === EINVAL, 'EINVAL');
    });
  });
});
