/*
 * tests/kernel/kqueue/t_empty.c, sock_tcp: "Test EVFILT_EMPTY with TCP sockets": the send
 * buffer of a loopback connection is empty at first, not empty once the receiver's window
 * (SO_RCVBUF 1) traps the data, and empty again once everything has been read.
 */
import {
  AF_INET,
  defineScenario,
  EAGAIN,
  EINPROGRESS,
  EV_ADD,
  EV_SET,
  EVFILT_EMPTY,
  SO_RCVBUF,
  SO_SNDBUF,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
} from '../../../../sim/scenario.ts';
import { type AtfCase, before_modern, RL } from '../../lib/atf.ts';

export const atf: AtfCase = {
  source: 'tests/kernel/kqueue/t_empty.c',
  revision: '1.1 (2021/10/23)',
  testcase: 'sock_tcp',
  fits: ['netbsd-modern'],
  differs: before_modern(
    'expectation: atf[1]: expected connect to fail with EINPROGRESS',
    "2.0 and 4.0 (kqsim's 4.0 shares 2.0's TCP) complete a loopback handshake in softnet at soconnect's splx, before connect(2) looks; neither has EVFILT_EMPTY",
  ),
  note: 'sockaddr_in is reduced to a port on the loopback address: bind(port 0) then getsockname gives the port.',
};

export default defineScenario({
  summary: 't_empty.c sock_tcp',
  processes: [
    {
      name: 'atf',
      *main(u) {
        const listensock = RL(u, yield* u.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK), 'socket');
        const writefd = RL(u, yield* u.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK), 'socket');
        u.expect((yield* u.bind(listensock, 0)).ret === 0, 'bind');
        u.expect((yield* u.listen(listensock, 1)).ret === 0, 'listen');
        const port = RL(u, yield* u.getsockname(listensock), 'getsockname');
        u.expect((yield* u.connect(writefd, port)).errno === EINPROGRESS, 'connect to fail with EINPROGRESS');
        const readfd = RL(u, yield* u.accept(listensock), 'accept');
        // test_empty(readsock, writesock, true)
        const ts = { sec: 0, nsec: 0 };
        const kq = RL(u, yield* u.kqueue(), 'kqueue');
        u.expect((yield* u.kevent(kq, [EV_SET(writefd, EVFILT_EMPTY, EV_ADD)], 0)).ret === 0, 'EV_ADD of EVFILT_EMPTY');
        let ev = yield* u.kevent(kq, [], 1, ts);
        u.expect(ev.ret === 1 && ev.events[0]?.ident === writefd && ev.events[0]?.filter === EVFILT_EMPTY, 'EMPTY to be true');
        const sndbufsize = (yield* u.getsockopt(writefd, SOL_SOCKET, SO_SNDBUF)).optval;
        u.expect((yield* u.setsockopt(readfd, SOL_SOCKET, SO_RCVBUF, 1)).ret === 0, 'SO_RCVBUF 1');
        const buf = '\0'.repeat(1024);
        for (let rv = 0; rv !== -1; ) {
          const w = yield* u.write(writefd, buf);
          rv = w.ret;
          u.expect(rv > 0 || (rv === -1 && w.errno === EAGAIN), 'write to succeed or fail with EAGAIN');
        }
        u.expect((yield* u.kevent(kq, [], 1, ts)).ret === 0, 'EMPTY to be false');
        u.expect((yield* u.setsockopt(readfd, SOL_SOCKET, SO_RCVBUF, sndbufsize + 128)).ret === 0, 'SO_RCVBUF');
        for (let rv = 0; rv !== -1; ) {
          const r = yield* u.read(readfd, 1024);
          rv = r.ret;
          u.expect(rv > 0 || (rv === -1 && r.errno === EAGAIN), 'read to succeed or fail with EAGAIN');
        }
        for (let i = 0; i < 5; i++) if ((yield* u.kevent(kq, [], 1, ts)).ret === 1) break;
        yield* u.sleep(1);
        ev = yield* u.kevent(kq, [], 1, ts);
        u.expect(ev.ret === 1 && ev.events[0]?.ident === writefd && ev.events[0]?.filter === EVFILT_EMPTY, 'EMPTY to be true again');
      },
    },
  ],
});
