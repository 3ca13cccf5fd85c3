/*
 * linux-kevent-herd: the thundering herd KEVENT_REQ_WAKEUP_ONE was made for. Three threads
 * each wait on their own /dev/kevent queue (one queue holds one kevent per id) for the same
 * UDP socket; only one of them can read the datagram. On port 8 every kevent has
 * KEVENT_REQ_WAKEUP_ONE: one readiness marks one kevent, so one thread wakes. On port 7 none
 * has it: every kevent is marked, every waiter wakes and returns with the event, and all but
 * one find nothing to read: lkevent-thundering-herd names it, with the schedule. Whether the
 * herd forms depends on how many threads are already waiting when the datagram lands: the
 * schedule decides.
 */
import {
  defineScenario,
  EAGAIN,
  KEVENT_CTL_ADD,
  KEVENT_REQ_ET,
  KEVENT_REQ_WAKEUP_ONE,
  KEVENT_SOCKET,
  KEVENT_SOCKET_RECV,
  kevent_api,
  type Libc,
  ukevent,
} from '../sim/scenario.ts';

const THREADS = 3;
const GROUPS = [
  { port: 8, req_flags: KEVENT_REQ_ET | KEVENT_REQ_WAKEUP_ONE, name: 'one' },
  { port: 7, req_flags: KEVENT_REQ_ET, name: 'herd' },
] as const;

/** One waiter: its own queue, one kevent on the shared socket, one wait of at most 50 ms. */
function* waiter(w: Libc, so: number, req_flags: number, tag: string) {
  const lk = kevent_api(w);
  const q = (yield* lk.open()).ret;
  yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 1, [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, req_flags)]);
  const g = yield* lk.kevent_get_events(q, 1, 1, 50_000_000);
  if (g.ret === 0) {
    w.log(`${tag}: timed out: no kevent of mine was marked`);
  } else {
    const r = yield* w.read(so, 64, { nonblock: true });
    w.log(
      r.errno === EAGAIN ? `${tag}: woken with the event, but another thread took the datagram` : `${tag}: woken with the event and read "${r.data}"`,
    );
  }
  yield* w.close(q);
}

export default defineScenario({
  summary: 'two groups of three threads on one socket each: with KEVENT_REQ_WAKEUP_ONE one wakes, without it all three (lkevent-thundering-herd)',
  description: `Six threads of one server, each with its own kevent queue: three watch the UDP
socket on port 8 with KEVENT_REQ_WAKEUP_ONE, three the socket on port 7 without it. One
datagram arrives for each port (port 8 first). Count the threads made runnable by each
datagram: with WAKEUP_ONE kevent_storage_ready marks one kevent and skips the rest; without
it every kevent is marked, every queue is woken, and the herd returns with an event only one
of them can use (the finding lkevent-thundering-herd).`,
  build: 'linux-kevent',
  // The datagram for port 8 may land at any point, even before its waiters wait. The one
  // for port 7 is due at tick 2: while the server works at most one clock tick passes
  // (busy_ticks_max, 1 by default), so the clock gets there only once all six threads
  // sleep, and the herd forms. Due at tick 1 it could land during the setup, before the
  // port 7 waiters wait, and the herd seldom forms.
  nic: [
    { at: 0, port: 8, data: 'one' },
    { at: 2, port: 7, data: 'all' },
  ],
  processes: [
    {
      name: 'server',
      *main(u) {
        const lids: number[] = [];
        for (const g of GROUPS) {
          const so = (yield* u.socket()).ret;
          yield* u.bind(so, g.port);
          for (let i = 0; i < THREADS; i++) {
            const tag = `${g.name}${i}`;
            lids.push((yield* u.lwp_create(tag, (w) => waiter(w, so, g.req_flags, tag))).ret);
          }
        }
        for (const lid of lids) yield* u.lwp_wait(lid);
      },
    },
  ],
});
