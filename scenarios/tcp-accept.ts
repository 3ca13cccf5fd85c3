/*
 * tcp-accept: TCP over the loopback interface. A server listens and watches the listening
 * socket with EVFILT_READ (data: completed connections, filt_solisten); a client connects,
 * sends and closes. Every segment goes through ip_output's loopback path, the ipintr queue
 * and tcp_input in softnet, so the handshake interleaves with interrupts as UDP's does.
 */
import { AF_INET, defineScenario, EV_ADD, EV_EOF, EV_SET, EVFILT_READ, SOCK_STREAM } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a TCP server accepts on loopback when EVFILT_READ says a connection is ready',
  description: `The server binds a stream socket to an ephemeral port, listens and registers
EVFILT_READ on it. The client's connect sends a SYN through the loopback interface; tcp_input
answers from the syn cache, and the client's ACK completes the connection, which sonewconn
puts on the listen queue: filt_solisten reports it (data 1). The server accepts, watches the
new socket and reads until EV_EOF, which the client's FIN brings (fflags: the socket error,
0 for an orderly close).`,
  processes: [
    {
      name: 'server',
      *main(u) {
        const ls = (yield* u.socket(AF_INET, SOCK_STREAM)).ret;
        u.expect((yield* u.bind(ls, 0)).ret === 0, 'bind to an ephemeral port to succeed');
        u.expect((yield* u.listen(ls, 5)).ret === 0, 'listen to succeed');
        const port = (yield* u.getsockname(ls)).ret;
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(ls, EVFILT_READ, EV_ADD)], 0);
        const child = yield* u.fork('client', function* (c) {
          const so = (yield* c.socket(AF_INET, SOCK_STREAM)).ret;
          c.expect((yield* c.connect(so, port)).ret === 0, 'connect to succeed');
          c.expect((yield* c.write(so, 'hello')).ret === 5, 'the write of 5 bytes to succeed');
          yield* c.close(so);
        });
        const ready = yield* u.kevent(kq, [], 1);
        u.expect(
          ready.ret === 1 && ready.events[0]?.ident === ls && (ready.events[0]?.data ?? 0) >= 1,
          'the listening socket to report a completed connection',
        );
        const so = (yield* u.accept(ls)).ret;
        u.expect(so >= 0, 'accept to return the connection');
        let got = '';
        let changes = [EV_SET(so, EVFILT_READ, EV_ADD)];
        for (;;) {
          const r = yield* u.kevent(kq, changes, 1);
          changes = [];
          const ev = r.events[0];
          u.expect(r.ret === 1 && ev?.ident === so, 'kevent to return the connection');
          if (ev && ev.data > 0) got += (yield* u.read(so, ev.data)).data;
          else if (ev && ev.flags & EV_EOF) {
            u.expect(ev.fflags === 0, 'EV_EOF with no socket error (an orderly close)');
            break;
          }
        }
        u.expect(got === 'hello', 'all of "hello" before EV_EOF');
        yield* u.waitpid(child.ret);
        yield* u.close(so);
        yield* u.close(ls);
      },
    },
  ],
});
