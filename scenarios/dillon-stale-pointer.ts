/*
 * dillon-stale-pointer: the hazard of a kernel that keeps user pointers. A server thread
 * dispatches events; another thread retires connection A the way a program easily would,
 * free(evA) and only then kqueuectl(..., NULL) and close(fdA), and at once opens connection C,
 * whose new struct event malloc places at evA's old address. A datagram for A may land in
 * between: then kevent writes A's data into the freed struct, or into C's struct, and
 * returns C's pointer for A's event. Nothing here scripts it; dillon-uevent-live names it
 * when an interleaving produces it. (With kqueue the kernel copies every kevent out in full
 * and never writes into a struct the program did not pass to that very call.)
 */
import { defineScenario, dillon_api, EVFILT_READ, type StructEvent } from '../sim/scenario.ts';

type Conn = StructEvent & { fd: number; name: string };

export default defineScenario({
  summary: 'one thread frees a registered struct event before unregistering it while another waits in kevent (dillon-uevent-live)',
  description: `Build dillon-2000. The server thread loops on kevent and calls each returned
struct's dispatch. The retire thread frees connection A's struct, then forgets A
(kqueuectl with NULL) and closes it, then opens connection C, whose struct lands at A's old
address. It starts two or three ticks in (its nanosleep, and the one clock tick that may
pass while the cpu works); the datagram for A is due at tick 3, among its steps wherever the
schedule says, and one for C a tick later. A clock tick between a datagram and the retry of
the server's 50 ms kevent makes that call return 0 with the event queued (the finding
timeout-over-queued-event, of the kqueue kernel this design sits on); the next call gets it.`,
  build: 'dillon-2000',
  // The datagram for A is due at tick 3, the latest tick the retire thread's nanosleep(1
  // ms), two ticks, can end: one clock tick may pass while the server sets up
  // (busy_ticks_max, 1 by default), so retire starts sleeping at tick 0 or 1, and A's
  // datagram can land among its steps either way (after a wake at tick 2, through that
  // busy tick). Due at tick 2 it would come while every thread sleeps whenever the tick
  // fell in the setup, and the race would seldom be run. The one for C follows a tick later.
  nic: [
    { at: 3, port: 7, data: 'for A' },
    { at: 4, port: 9, data: 'for C' },
  ],
  processes: [
    {
      name: 'server',
      *main(u) {
        const d = dillon_api(u);
        const q = (yield* d.kqueue()).ret;
        const seen: string[] = [];
        const open = function* (port: number, name: string) {
          const so = (yield* u.socket()).ret;
          yield* u.bind(so, port);
          const ev = d.malloc_event({
            fd: so,
            name,
            *dispatch(self: number) {
              const c = d.load(self) as Conn;
              const r = yield* u.read(c.fd, 64, { nonblock: true });
              seen.push(`${c.name}:${r.data}`);
              u.log(`dispatch ${c.name} (struct at 0x${self.toString(16)}, data ${c.data}): read "${r.data}"`);
            },
          });
          yield* d.kqueuectl(q, EVFILT_READ, so, ev);
          return ev;
        };
        const evA = yield* open(7, 'A');
        const retire = (yield* u.lwp_create('retire', function* (w) {
          const fdA = (d.load(evA) as Conn).fd;
          yield* w.nanosleep(1);
          yield* d.free(evA);
          yield* d.kqueuectl(q, EVFILT_READ, fdA, 0);
          yield* w.close(fdA);
          yield* open(9, 'C');
        })).ret;
        for (let i = 0; i < 4 && !seen.some((s) => s.startsWith('C:for C')); i++) {
          const r = yield* d.kevent(q, 4, { sec: 0, nsec: 50_000_000 });
          for (const p of r.ptrs) yield* d.dispatch(p);
        }
        yield* u.lwp_wait(retire);
        yield* u.close(q);
      },
    },
  ],
});
