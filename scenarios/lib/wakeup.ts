/*
 * The wake-up workload shared by wakeup-pipe, wakeup-evfilt-user and wakeup-compare: a busy server thread in kevent on four UDP sockets (eight datagrams
 * arrive over ticks 0-3), and a second thread of the same process that needs to wake it
 * with a message, by one of three mechanisms:
 *
 *   ktickle   the message goes in a shared mailbox, then ioctl(kq, KTICKLE); the server
 *             sees EINTR, or, when real events consumed the tickle, finds the mailbox full
 *             (it checks after every return, as a ktickle user must)
 *   pipe      Studenmund's pipe: its read end is in the kqueue; one atomic write carries
 *             the message
 *   user      EVFILT_USER (netbsd-modern): NOTE_TRIGGER with the message code in the low
 *             24 bits of fflags (NOTE_FFCOPY)
 *   probe     pick at run time, as a portable program would: EVFILT_USER if EV_ADD takes
 *             it, else the tickle ioctl if it does not fail with ENOTTY, else the pipe
 *
 * The server logs `wakeup: ...` markers that `kqsim compare` measures between; nothing
 * about timing is asserted here. This file is a helper, not a scenario (scenarios/lib is
 * not listed).
 */
import {
  defineScenario,
  EINTR,
  ENOTTY,
  EV_ADD,
  EV_CLEAR,
  EV_SET,
  EVFILT_READ,
  EVFILT_USER,
  type Libc,
  NOTE_FFCOPY,
  NOTE_TRIGGER,
  type ScenarioDef,
} from '../../sim/scenario.ts';
import type { Yield } from '../../src/machine/machine.ts';

type UGen<T = void> = Generator<Yield, T, void>;

export type Mechanism = 'ktickle' | 'pipe' | 'user';
/** What a scenario asks for: one mechanism, or whichever the kernel has. */
export type Want = 'pipe' | 'user' | 'probe';

const PORTS = [7, 8, 9, 10] as const;
/** The EVFILT_USER ident the server registers. */
const WAKE_IDENT = 1;
/** The message, as the 24-bit code EVFILT_USER carries and as the bytes the pipe carries. */
const STOP_CODE = 0x570;
const STOP_TEXT = 'stop';
/** Events per kevent call: small, so a wake-up queued behind datagrams can wait a call. */
const NEVENTS = 2;
const POLL_TIMEOUT = { sec: 0, nsec: 50_000_000 };
const LOOP_MAX = 60;

const NIC = Array.from({ length: 8 }, (_, i) => ({ at: Math.floor(i / 2), port: PORTS[i % PORTS.length] as number, data: `req${i}` }));

/* Set up the chosen mechanism (or find one); returns it with the pipe's fds if any. */
function* wake_setup(u: Libc, kq: number, want: Want): UGen<{ mech: Mechanism; pipe: readonly number[] }> {
  if (want === 'user' || want === 'probe') {
    // With no room for EV_ERROR entries, a refused change fails the call (EINVAL: no such filter).
    const r = yield* u.kevent(kq, [EV_SET(WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR)], 0);
    const refused = r.ret === -1;
    if (want === 'user') u.expect(!refused, 'EV_ADD of EVFILT_USER to succeed (this scenario needs netbsd-modern)');
    if (!refused) return { mech: 'user', pipe: [] };
  }
  if (want === 'probe') {
    // A probing tickle: the next kevent return clears it (a poll returns 0 or, on v1, EINTR).
    const t = yield* u.ioctl(kq, 'KTICKLE');
    if (t.errno !== ENOTTY) {
      yield* u.kevent(kq, [], 1, { sec: 0, nsec: 0 });
      return { mech: 'ktickle', pipe: [] };
    }
  }
  const fds = (yield* u.pipe()).fds;
  const add = yield* u.kevent(kq, [EV_SET(fds[0] as number, EVFILT_READ, EV_ADD)], 0);
  u.expect(add.ret === 0, "the pipe's read end to register");
  return { mech: 'pipe', pipe: fds };
}

/* The other thread: wait a tick, then wake the server with the message. */
function* waker(w: Libc, kq: number, mech: Mechanism, pipe: readonly number[], mailbox: { message: string | null }): UGen {
  yield* w.nanosleep(10);
  w.log(`wakeup: request via ${mech}`);
  if (mech === 'ktickle') {
    mailbox.message = STOP_TEXT;
    const r = yield* w.ioctl(kq, 'KTICKLE');
    w.expect(r.ret === 0, 'the tickle ioctl to succeed');
  } else if (mech === 'pipe') {
    const r = yield* w.write(pipe[1] as number, STOP_TEXT);
    w.expect(r.ret === STOP_TEXT.length, 'the message to go in one atomic write');
  } else {
    const r = yield* w.kevent(kq, [EV_SET(WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFCOPY | STOP_CODE)], 0);
    w.expect(r.ret === 0, 'NOTE_TRIGGER to be accepted');
  }
}

function* server(u: Libc, want: Want): UGen {
  const socks: number[] = [];
  for (const port of PORTS) {
    const so = (yield* u.socket()).ret;
    yield* u.bind(so, port);
    socks.push(so);
  }
  const kq = (yield* u.kqueue()).ret;
  const reg = yield* u.kevent(
    kq,
    socks.map((so) => EV_SET(so, EVFILT_READ, EV_ADD)),
    0,
  );
  u.expect(reg.ret === 0, 'every socket to register');
  const { mech, pipe } = yield* wake_setup(u, kq, want);
  u.log(`wakeup: mechanism ${mech}`);
  const mailbox: { message: string | null } = { message: null };
  const lid = (yield* u.lwp_create('waker', (w) => waker(w, kq, mech, pipe, mailbox))).ret;

  let seen = false;
  let datagrams = 0;
  const observed = (how: string) => {
    seen = true;
    u.log(`wakeup: observed via ${how}`);
  };
  for (let i = 0; i < LOOP_MAX; i++) {
    const r = yield* u.kevent(kq, [], NEVENTS, POLL_TIMEOUT);
    if (r.errno === EINTR) {
      u.expect(mech === 'ktickle' && mailbox.message !== null, 'EINTR only after a tickle');
      if (!seen) {
        observed('EINTR');
        u.log('wakeup: handled');
      }
      continue;
    }
    u.expect(r.errno === 0, 'kevent to succeed');
    for (const ev of r.events) {
      if (mech === 'pipe' && ev.ident === pipe[0] && ev.filter === EVFILT_READ) {
        observed('event');
        const rd = yield* u.read(pipe[0] as number, 64);
        u.expect(rd.data === STOP_TEXT, 'the message to arrive whole with the wake-up');
        u.log('wakeup: handled');
      } else if (mech === 'user' && ev.filter === EVFILT_USER) {
        observed('event');
        u.expect(ev.ident === WAKE_IDENT && ev.fflags === STOP_CODE, 'the user event to carry the message code in fflags');
        u.log('wakeup: handled');
      } else {
        const rd = yield* u.read(ev.ident, 64);
        if (rd.ret > 0) datagrams++;
      }
    }
    // ktickle: a return with real events silently consumes a tickle, so look in the mailbox.
    if (mech === 'ktickle' && !seen && mailbox.message !== null) {
      observed('mailbox');
      u.log('wakeup: handled');
    }
    if (seen && r.ret === 0) break;
  }
  u.expect(seen, 'the server to notice the wake-up');
  u.log(`wakeup: done after ${datagrams} datagram read(s)`);
  yield* u.lwp_wait(lid);
  yield* u.close(kq);
}

export function wakeupScenario(want: Want, summary: string, description: string): ScenarioDef {
  return defineScenario({
    summary,
    description,
    nic: NIC,
    processes: [{ name: 'server', main: (u) => server(u, want) }],
  });
}
