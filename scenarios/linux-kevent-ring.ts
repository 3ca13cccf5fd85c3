/*
 * linux-kevent-ring: two threads share one kevent queue and its user-visible ring, as the
 * document's ring_buffer.c does, without the locking the document asks for. One commits with
 * kevent_wait, the other takes events with kevent_get_events (which fills the ring too); both
 * then read the ring from a shared index. A third thread cancels the second at some point.
 * Nothing scripts the race: when a kernel write lands in a slot another thread is still
 * reading, lkevent-ring-torn-read names it ("events in the ring buffer can be replaced
 * without knowledge for the thread currently reading them"); whatever the cancelled thread
 * was handed must still be in the ring (lkevent-no-loss-on-cancel, the cancellation-point
 * claim).
 */
import {
  defineScenario,
  KEVENT_CTL_ADD,
  KEVENT_REQ_ET,
  KEVENT_SOCKET,
  KEVENT_SOCKET_RECV,
  type KeventApi,
  kevent_api,
  type Libc,
  ukevent,
} from '../sim/scenario.ts';

const PORTS = [7, 8] as const;
const RING = 2;
const ROUNDS = 4;

export default defineScenario({
  summary: 'two threads share a kevent ring without locking while a third cancels one of them (lkevent-ring-torn-read)',
  description: `A server with two UDP sockets and one kevent queue with a ring of ${RING} ukevents.
Thread "committer" calls kevent_wait(q, 1, 30 ms); thread "getter" calls kevent_get_events(q,
1, 2, 30 ms), which copies each event into the ring as well as into its buffer. After each
call a thread reads the ring from a shared user index up to ring_kidx, one field at a time,
and reads the socket the entry names. Thread "canceller" calls pthread_cancel on the getter.
Four datagrams arrive, whenever the schedule lets them.`,
  build: 'linux-kevent',
  // The datagrams are due at tick 3, the latest tick the canceller's nanosleep(1 ms), two
  // ticks, can end: one clock tick may pass while the server sets up (busy_ticks_max, 1 by
  // default), so the canceller starts sleeping at tick 0 or 1, and the datagrams can land
  // among its steps either way (after a wake at tick 2, through that busy tick). Due at
  // tick 2 they would come while every thread sleeps whenever the tick fell in the setup,
  // and the cancel would seldom meet them.
  nic: [
    { at: 3, port: 7, data: 'a1' },
    { at: 3, port: 8, data: 'b1' },
    { at: 3, port: 7, data: 'a2' },
    { at: 3, port: 8, data: 'b2' },
  ],
  processes: [
    {
      name: 'server',
      *main(u) {
        const lk = kevent_api(u);
        const q = (yield* lk.open()).ret;
        const socks: number[] = [];
        for (const port of PORTS) {
          const so = (yield* u.socket()).ret;
          yield* u.bind(so, port);
          socks.push(so);
        }
        yield* lk.kevent_ctl(
          q,
          KEVENT_CTL_ADD,
          socks.length,
          socks.map((so, i) => ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, KEVENT_REQ_ET, [PORTS[i] as number, 0])),
        );
        const ring = lk.ring_alloc(RING);
        yield* lk.kevent_ring_init(q, ring, RING);
        // User memory shared by the threads: the consumer index, and who may be cancelled.
        const shared = { uidx: 0, handled: 0, getter: null as KeventApi | null };

        function* drain(w: Libc, api: KeventApi, who: string) {
          for (let kidx = yield* api.ring_kidx(ring); shared.uidx !== kidx; kidx = yield* api.ring_kidx(ring)) {
            const slot = shared.uidx;
            shared.uidx = (slot + 1) % RING;
            const e = yield* api.ring_read(ring, slot, q);
            if (!e) continue;
            const r = yield* w.read(e.id[0], 64, { nonblock: true });
            if (r.ret > 0) shared.handled++;
            w.log(`${who}: ring slot ${slot} says fd ${e.id[0]} (user ${e.user[0]}): read ${r.ret > 0 ? `"${r.data}"` : 'nothing'}`);
          }
        }

        const committer = (yield* u.lwp_create('committer', function* (w) {
          const api = kevent_api(w);
          for (let i = 0; i < ROUNDS && shared.handled < 4; i++) {
            yield* api.kevent_wait(q, 1, 30_000_000);
            yield* drain(w, api, 'committer');
          }
        })).ret;
        const getter = (yield* u.lwp_create('getter', function* (w) {
          const api = kevent_api(w);
          shared.getter = api;
          for (let i = 0; i < ROUNDS && shared.handled < 4; i++) {
            yield* api.kevent_get_events(q, 1, 2, 30_000_000);
            yield* drain(w, api, 'getter');
          }
        })).ret;
        const canceller = (yield* u.lwp_create('canceller', function* (w) {
          const api = kevent_api(w);
          yield* w.nanosleep(1);
          if (shared.getter) yield* api.pthread_cancel(shared.getter);
        })).ret;
        for (const lid of [committer, getter, canceller]) yield* u.lwp_wait(lid);
        u.log(`${shared.handled} of 4 datagrams handled`);
        yield* u.close(q);
      },
    },
  ],
});
