/*
 * linux-kevent-basic: the take24 API end to end, one call at a time: a queue from
 * /dev/kevent, kevent_ctl ADD of a socket, a pipe and a timer, the documented ret_flags of bad
 * and unmatched requests, kevent_get_events blocking and not, LAST_CHECK turning down a
 * kevent whose data is gone, REMOVE of a ready kevent, the ring with kevent_wait, MODIFY.
 */
import {
  defineScenario,
  EEXIST,
  EFAULT,
  EINVAL,
  KEVENT_CTL_ADD,
  KEVENT_CTL_MODIFY,
  KEVENT_CTL_REMOVE,
  KEVENT_PIPE,
  KEVENT_REQ_ET,
  KEVENT_REQ_LAST_CHECK,
  KEVENT_REQ_ONESHOT,
  KEVENT_RET_BROKEN,
  KEVENT_RET_DONE,
  KEVENT_SOCKET,
  KEVENT_SOCKET_RECV,
  KEVENT_TIMER,
  KEVENT_TIMER_FIRED,
  KEVENT_WAIT_FOREVER,
  kevent_api,
  ukevent,
} from '../sim/scenario.ts';

export default defineScenario({
  summary: 'Linux kevent take24 step by step: kevent_ctl, kevent_get_events, LAST_CHECK, REMOVE, the ring and kevent_wait',
  description: `One program on build linux-kevent. It opens /dev/kevent and adds three requests
with kevent_ctl(KEVENT_CTL_ADD): a UDP socket (KEVENT_SOCKET_RECV, edge-triggered, with the
last check), a pipe and a 50 ms one-shot timer (id.raw[0] seconds, id.raw[1] nanoseconds).
Then it makes the bad calls the document answers (an unknown cmd, num past the array, a
REMOVE that matches nothing, a duplicate id), waits in kevent_get_events for a datagram from
nic0, shows LAST_CHECK turning down a kevent whose data was read meanwhile and REMOVE keeping a
ready kevent out of every copy, and finally sets up the user-visible ring and lets
kevent_wait commit the timer into it.`,
  build: 'linux-kevent',
  // The datagram is due at tick 2: while the server works at most one clock tick passes
  // (busy_ticks_max, 1 by default), so the clock gets there only once it sleeps in
  // kevent_get_events, with its setup done. Due sooner it could come before bind (dropped)
  // or before kevent_get_events, and the timer would answer that call instead.
  nic: [{ at: 2, port: 7, data: 'ping' }],
  processes: [
    {
      name: 'server',
      *main(u) {
        const lk = kevent_api(u);
        const q = (yield* lk.open()).ret;
        u.expect(q >= 0, 'open("/dev/kevent") to give a queue');
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const [prd, pwr] = (yield* u.pipe()).fds as [number, number];

        const adds = [
          ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, KEVENT_REQ_ET | KEVENT_REQ_LAST_CHECK, [1, 0]),
          ukevent(prd, KEVENT_PIPE, KEVENT_SOCKET_RECV, 0, [2, 0]),
          ukevent([0, 50_000_000], KEVENT_TIMER, KEVENT_TIMER_FIRED, KEVENT_REQ_ONESHOT, [3, 0]),
        ];
        const a = yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 3, adds);
        u.expect(a.ret === 0, 'nothing to be ready or broken at once');

        // The bad calls.
        u.expect((yield* lk.kevent_ctl(q, 7, 1, [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV)])).errno === EINVAL, 'an unknown cmd to be EINVAL');
        u.expect((yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 1, [])).errno === EFAULT, 'num past the array to fault (EFAULT)');
        const nomatch = [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, 0, [99, 0])];
        const rm = yield* lk.kevent_ctl(q, KEVENT_CTL_REMOVE, 1, nomatch);
        u.expect(
          rm.ret === 0 && nomatch[0]?.ret_flags === (KEVENT_RET_BROKEN | KEVENT_RET_DONE),
          'REMOVE with a user field that matches nothing: BROKEN, and DONE always',
        );
        const dup = [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, 0, [1, 0])];
        const d = yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 1, dup);
        u.expect(d.ret === 1 && dup[0]?.ret_data[1] === -EEXIST, 'a second kevent with the same id to come back broken (-EEXIST)');
        u.expect((yield* lk.kevent_wait(q, 1, 0)).errno === EINVAL, 'kevent_wait without a ring to be EINVAL');
        u.expect((yield* lk.kevent_ring_init(q, 0, 4)).ret === 0, 'kevent_ring_init(NULL) to be accepted');
        u.expect((yield* lk.kevent_wait(q, 1, 0)).errno === EINVAL, 'kevent_wait with the NULL ring to be EINVAL');

        // Block for the datagram from nic0.
        const g = yield* lk.kevent_get_events(q, 1, 4, KEVENT_WAIT_FOREVER);
        u.expect(g.ret === 1 && g.ukevents[0]?.user[0] === 1, 'kevent_get_events to return the socket');
        yield* u.read(so, 64);

        // LAST_CHECK: the kevent is marked, but the data is read before anyone dequeues it.
        const tx = (yield* u.socket()).ret;
        yield* u.sendto(tx, 7, 'pong');
        yield* u.read(so, 64, { nonblock: true });
        const lc = yield* lk.kevent_get_events(q, 0, 4, 0);
        u.expect(lc.ret === 0, 'LAST_CHECK to keep the drained socket out of kevent_get_events');

        // REMOVE a ready kevent: it is not copied anywhere.
        yield* u.write(pwr, 'x');
        const rmp = [ukevent(prd, KEVENT_PIPE, KEVENT_SOCKET_RECV, 0, [2, 0])];
        yield* lk.kevent_ctl(q, KEVENT_CTL_REMOVE, 1, rmp);
        u.expect(rmp[0]?.ret_flags === KEVENT_RET_DONE, 'REMOVE of the pipe kevent to succeed (DONE, not BROKEN)');
        u.expect((yield* lk.kevent_get_events(q, 0, 4, 0)).ret === 0, 'the removed pipe kevent not to be returned');

        // The ring: kevent_wait commits the timer into it.
        const ring = lk.ring_alloc(4);
        u.expect((yield* lk.kevent_ring_init(q, ring, 4)).ret === 0, 'kevent_ring_init to take the ring');
        const w = yield* lk.kevent_wait(q, 1, KEVENT_WAIT_FOREVER);
        u.expect(w.ret === 1, 'kevent_wait to commit the timer');
        const kidx = yield* lk.ring_kidx(ring);
        const got = yield* lk.ring_read(ring, (kidx + 3) % 4, q);
        u.expect(got?.user[0] === 3 && got.type === KEVENT_TIMER, 'the ring slot before ring_kidx to hold the timer');
        u.log(`the timer fired at ${got?.ret_data[0]} ms (its ret_data[0])`);

        // MODIFY the socket kevent: plain level of interest, no last check.
        const mod = [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, KEVENT_REQ_ET, [1, 0])];
        yield* lk.kevent_ctl(q, KEVENT_CTL_MODIFY, 1, mod);
        u.expect(mod[0]?.ret_flags === KEVENT_RET_DONE, 'MODIFY of the socket kevent to find it');
        yield* u.close(q);
      },
    },
  ],
});
