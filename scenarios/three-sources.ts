/*
 * three-sources: a search big enough to need the fast explorer. Three interrupt sources
 * feed knotes on one kqueue: nic0 (IPL_NET, through softnet to a UDP socket), com0
 * (IPL_SERIAL, through softserial to the tty) and the clock (hardclock, then softclock
 * runs the EVFILT_TIMER callout); a writer process feeds a pipe on the same kqueue. The
 * reader waits until it has seen all four. Each source's path is about twenty steps, and
 * the devices may arrive at any of them, so plain depth-first search meets every ordering
 * of handlers that touch nothing in common; partial-order reduction explores each once.
 */
import { defineScenario, EV_ADD, EV_ONESHOT, EV_SET, EVFILT_READ, EVFILT_TIMER } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'nic0, com0 and the clock each feed a knote on one kqueue, with a writer feeding a pipe',
  description: `The reader opens a UDP socket on port 7, the serial line and a pipe, forks a
writer that writes to the pipe, and registers EVFILT_READ on all three and a 10 ms oneshot
EVFILT_TIMER on one kqueue. A datagram arrives at nic0 and two characters at com0 from tick 2,
each at any preemption point once due; the timer fires from softclock. The reader calls kevent until
it has seen every source, and reads what each brought.`,
  // Due at tick 2, then at any preemption point: the one clock tick that may land while the
  // cpu is busy (busy_ticks_max, 1 by default) can bring tick 1 before the reader has bound
  // port 7 and opened the tty, which would drop what arrived there; tick 2 only comes once
  // the reader has slept in its first kevent.
  nic: [
    { at: 2, port: 7, data: 'ne' },
    { at: 2, port: 7, data: 't' },
  ],
  serial: [
    { at: 2, data: 't' },
    { at: 2, data: 't' },
  ],
  processes: [
    {
      name: 'reader',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const tty = (yield* u.openTty()).ret;
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        yield* u.fork('writer', function* (c) {
          yield* c.close(r);
          // Out of the way while the devices arrive: the pipe's data comes later.
          yield* c.nanosleep(50);
          const wr = yield* c.write(w, 'pipe');
          c.expect(wr.ret === 4, 'the write of 4 bytes to succeed');
          yield* c.close(w);
        });
        yield* u.close(w);
        const kq = (yield* u.kqueue()).ret;
        const [pr, pw] = (yield* u.pipe()).fds as [number, number];
        yield* u.kevent(kq, [EV_SET(1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 10)], 0);
        // Wait for the timer's tick, when the devices are due too; then work on a private
        // pipe while they arrive (at any of these steps, which touch nothing they touch).
        const first = yield* u.kevent(kq, [], 1);
        u.expect(first.ret === 1 && first.events[0]?.filter === EVFILT_TIMER, 'the first event to be the timer');
        for (let i = 0; i < 6; i++) {
          yield* u.write(pw, 'x');
          yield* u.read(pr, 1);
        }
        // Oneshot, so each source is returned once; the loop ends when all four were.
        const changes = [
          EV_SET(so, EVFILT_READ, EV_ADD | EV_ONESHOT),
          EV_SET(tty, EVFILT_READ, EV_ADD | EV_ONESHOT),
          EV_SET(r, EVFILT_READ, EV_ADD | EV_ONESHOT),
        ];
        const got = new Map<string, string>();
        for (let calls = 0; got.size < 3; calls++) {
          u.expect(calls < 4, 'every source to show up within 4 kevent calls');
          const ev = yield* u.kevent(kq, calls === 0 ? changes : [], 4);
          u.expect(ev.ret >= 1, 'kevent without a timeout to return an event');
          for (const e of ev.events) {
            const key = `${e.filter} ${e.ident}`;
            u.expect(!got.has(key), 'a oneshot knote to be returned once');
            got.set(key, (yield* u.read(e.ident, 16)).data);
          }
        }
        u.expect(got.get(`${EVFILT_READ} ${so}`) === 'ne', 'to read the first datagram from the socket');
        u.expect(got.get(`${EVFILT_READ} ${tty}`)?.startsWith('t') === true, 'to read what has come in on the tty');
        u.expect(got.get(`${EVFILT_READ} ${r}`) === 'pipe', "to read the writer's 4 bytes from the pipe");
        yield* u.close(pr);
        yield* u.close(pw);
        yield* u.close(kq);
        yield* u.close(r);
        yield* u.close(tty);
        yield* u.close(so);
      },
    },
  ],
});
