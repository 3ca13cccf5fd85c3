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
address. It starts a tick or two in; the datagram for A arrives from then on, whenever the
schedule says, and one for C a tick later.`,
  build: 'dillon-2000',
  // The datagrams are due after this scenario's setup, which holds only while the clock
  // stands still as the cpu works (issue 10 made it tick, once a run by default).
  busy_ticks_max: 0,
  nic: [
    { at: 2, port: 7, data: 'for A' },
    { at: 3, port: 9, data: 'for C' },
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
