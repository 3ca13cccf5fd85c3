/*
 * fifo-open-race: a FIFO between two processes, and a race in 2.0's fifo_open. The reader's
 * open sleeps until a writer comes (fifo_vnops.c 1.38: while fi_writers == 0, tsleep). If the
 * writer opens, writes and closes before the woken reader runs again, fi_writers is 0 once
 * more and the reader sleeps for good, with the data and the end of file waiting for it.
 * The modern fifo_open sleeps only while the read socket is not readable (soreadable: data,
 * or SS_CANTRCVMORE once the last writer has gone) and no writer is there, so it returns.
 */
import { defineScenario, EV_ADD, EV_EOF, EV_SET, EVFILT_READ, O_RDONLY, O_WRONLY } from '../sim/scenario.ts';

export default defineScenario({
  summary: "a FIFO reader whose writer came and went sleeps forever in 2.0's fifo_open",
  description: `mkfifo makes "fifo"; the parent forks a writer and opens the FIFO for reading,
which sleeps in fifo_open until a writer comes. The writer's open wakes it (readers > 0, so
the writer does not wait), writes "ping" and closes. The reader then registers EVFILT_READ
and reads until EV_EOF. On netbsd-2.0 and 4.0 the default schedule lets the writer finish
before the reader runs: the reader's loop sees fi_writers == 0 again and sleeps for good (a
deadlock). A real 2.0 kernel would usually run the woken reader first (tsleep's PSOCK
priority preempts the writer on its way back to user mode; kqsim has no priorities), so
there it takes a writer delayed at that moment. netbsd-modern waits only while nothing is
readable, and holds on every interleaving.`,
  processes: [
    {
      name: 'reader',
      *main(u) {
        u.expect((yield* u.mkfifo('fifo', 0o600)).ret === 0, 'mkfifo to succeed');
        const child = yield* u.fork('writer', function* (c) {
          const w = (yield* c.open('fifo', O_WRONLY, 0)).ret;
          c.expect(w >= 0, 'open(fifo, O_WRONLY) to succeed once a reader is there');
          c.expect((yield* c.write(w, 'ping')).ret === 4, 'the write of 4 bytes to succeed');
          yield* c.close(w);
        });
        const fd = (yield* u.open('fifo', O_RDONLY, 0)).ret;
        u.expect(fd >= 0, 'open(fifo, O_RDONLY) to succeed');
        const kq = (yield* u.kqueue()).ret;
        let got = '';
        let changes = [EV_SET(fd, EVFILT_READ, EV_ADD)];
        for (;;) {
          const r = yield* u.kevent(kq, changes, 1);
          changes = [];
          const ev = r.events[0];
          u.expect(r.ret === 1 && ev?.ident === fd, 'kevent to return the FIFO');
          if (ev && ev.data > 0) got += (yield* u.read(fd, ev.data)).data;
          else if (ev && ev.flags & EV_EOF) break;
        }
        u.expect(got === 'ping', 'all of "ping" before EV_EOF');
        yield* u.waitpid(child.ret);
        yield* u.close(fd);
      },
    },
  ],
});
