/*
 * pipe-read: the classic use of kqueue. A parent makes a pipe and forks a writer; the
 * parent waits for EVFILT_READ on the read end, reads, and waits again for end-of-file.
 */
import { defineScenario, EV_ADD, EV_EOF, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a writer fills a pipe while the reader waits for EVFILT_READ in kevent',
  description: `The parent makes a pipe and forks a writer, then registers EVFILT_READ on the
read end and sleeps in kevent. The writer's write(2) calls pipeselwakeup from process
context at spl0: knote() -> filt_piperead -> KNOTE_ACTIVATE -> knote_enqueue, which wakes
the kqueue. The parent reads the data, then waits again and sees EV_EOF once the writer
has closed its end.`,
  processes: [
    {
      name: 'parent',
      *main(u) {
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        yield* u.fork('writer', function* (c) {
          yield* c.close(r);
          const wr = yield* c.write(w, 'hello');
          c.expect(wr.ret === 5, 'the write of 5 bytes to succeed');
          yield* c.close(w);
        });
        yield* u.close(w);
        const kq = (yield* u.kqueue()).ret;
        const first = yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD, 0, 0, 42)], 4);
        u.expect(first.ret === 1, 'kevent to return exactly one event');
        const ev = first.events[0];
        u.expect(ev?.ident === r && ev.filter === EVFILT_READ && ev.udata === 42, 'the event to be EVFILT_READ on the read end with our udata');
        u.expect(ev?.data === 5, 'data to be the 5 bytes in the pipe');
        const rd = yield* u.read(r, 100);
        u.expect(rd.data === 'hello', 'read to return "hello"');
        const second = yield* u.kevent(kq, [], 4);
        u.expect(second.ret === 1 && ((second.events[0]?.flags ?? 0) & EV_EOF) !== 0, 'the next kevent to report EV_EOF');
        u.expect(second.events[0]?.data === 0, 'no data left at EOF');
        yield* u.close(kq);
        yield* u.close(r);
      },
    },
  ],
});
