/*
 * dillon-basic: the example program of Matt Dillon's proposal. Each watched descriptor gets
 * a struct event the program mallocs and extends with fields of its own; kqueuectl hands the
 * kernel a pointer to it; kevent returns pointers to those very structs, with only their
 * `data` field written by the kernel; the program calls ev->dispatch(ev).
 */
import { defineScenario, dillon_api, EBADF, EINVAL, EVFILT_READ, EVFILT_WRITE, LONG_SIZE, type StructEvent } from '../sim/scenario.ts';

export default defineScenario({
  summary: "Dillon's 2000 API: kqueuectl(qfd, filter, fd, ev) with the user's own struct, kevent returns pointers to it, dispatch",
  description: `One program on build dillon-2000: two UDP sockets (ports 7 and 8) and a pipe, each
registered with kqueuectl and a struct event { long data; void (*dispatch)(struct event *);
int reserved[2]; } extended with the program's own fd, name and count. Datagrams arrive from
nic0; both forms of kevent return pointers to the program's structs, whose data field alone
the kernel has written (the bytes waiting), and the program dispatches through them. Bad
calls get kqueue's errors.`,
  build: 'dillon-2000',
  // The datagrams are due at tick 2: while the server works at most one clock tick passes
  // (busy_ticks_max, 1 by default), so the clock gets there only once it sleeps in kevent,
  // with its setup and the single form's poll done. Due sooner they could come before bind
  // (dropped), or make a socket the single form's answer instead of the pipe.
  nic: [
    { at: 2, port: 7, data: 'ping' },
    { at: 2, port: 8, data: 'hello' },
  ],
  processes: [
    {
      name: 'server',
      *main(u) {
        const d = dillon_api(u);
        const q = (yield* d.kqueue()).ret;
        const handled: string[] = [];
        const conns: number[] = [];
        for (const port of [7, 8]) {
          const so = (yield* u.socket()).ret;
          yield* u.bind(so, port);
          const ev = d.malloc_event(
            {
              fd: so,
              name: `udp/${port}`,
              count: 0,
              *dispatch(self: number) {
                const e = d.load(self) as StructEvent & { fd: number; name: string; count: number };
                const r = yield* u.read(e.fd, 64);
                e.count++;
                handled.push(e.name);
                u.log(`dispatch ${e.name}: data said ${e.data} byte(s), read "${r.data}"`);
              },
            },
            12,
          );
          u.expect((yield* d.kqueuectl(q, EVFILT_READ, so, ev)).ret === 0, 'kqueuectl to register the socket');
          conns.push(ev);
        }
        const [prd, pwr] = (yield* u.pipe()).fds as [number, number];
        const pev = d.malloc_event({ fd: pwr, name: 'pipe', dispatch: null });
        yield* d.kqueuectl(q, EVFILT_WRITE, pwr, pev);

        u.expect((yield* d.kqueuectl(q, EVFILT_READ, 42, conns[0] as number)).errno === EBADF, 'a bad descriptor to be EBADF');
        u.expect((yield* d.kqueuectl(q, 99, prd, pev)).errno === EINVAL, 'an unknown filter to be EINVAL');
        u.expect((yield* d.kevent(prd, 4)).errno === EBADF, 'kevent on a descriptor that is no kqueue to be EBADF');

        // The pipe is writable at once: the single form returns its struct.
        const one = yield* d.kevent1(q, { sec: 0, nsec: 0 });
        u.expect(one.ret === 1 && one.ptrs[0] === pev, 'ev = kevent(qfd, timeout) to return the pipe struct itself');
        u.expect(d.load(pev).data > 0, 'data of the pipe struct to hold the space the kernel wrote');
        yield* d.kqueuectl(q, EVFILT_WRITE, pwr, 0);

        while (handled.length < 2) {
          const r = yield* d.kevent(q, 4, { sec: 1, nsec: 0 });
          u.expect(r.ret > 0, 'kevent to return the datagrams within a second');
          for (const p of r.ptrs) {
            u.expect(conns.includes(p), 'every pointer kevent returns to be one the program registered');
            u.expect(d.load(p).data >= 1 && d.load(p).data <= 64, `only data (${LONG_SIZE} bytes) to be written, holding the bytes waiting`);
            yield* d.dispatch(p);
          }
        }
        for (const ev of conns) {
          const e = d.load(ev) as StructEvent & { fd: number };
          yield* d.kqueuectl(q, EVFILT_READ, e.fd, 0);
          yield* u.close(e.fd);
          yield* d.free(ev);
        }
        yield* d.free(pev);
        yield* u.close(q);
      },
    },
  ],
});
