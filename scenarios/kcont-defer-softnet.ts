/*
 * kcont-defer-softnet: the patch's motivating use. A kernel listener on nic0's interface
 * events has a kcont that asks for KC_IPL_DEFER_SOFTNET. knote() runs at IPL_NET in the
 * NIC's interrupt, KNOTE_ACTIVATE passes KC_IPL_IMMED, so the continuation is deferred:
 * to kcq_softnet and the softnet soft interrupt on i386, to the kcont kthread on macppc.
 * Beside it a UDP server waits in kevent, exactly as in nic-softnet.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a kernel listener on NIC events asks for KC_IPL_DEFER_SOFTNET: deferred from IPL_NET, run by softnet (or the kthread)',
  description: `Needs +kcont-knote for the listener (on other builds only the server runs). Each
NIC receive interrupt posts nic0's interface-event klist at IPL_NET; the listener's kcont
asked for KC_IPL_DEFER_SOFTNET, and KNOTE_ACTIVATE calls kcont_run with curipl
KC_IPL_IMMED, so every activation is deferred. On i386 the softnet soft interrupt drains
kcq_softnet; macppc had no generic soft interrupts in 2004, so the kcont kthread runs it.
Both packets may arrive anywhere; two activations before the drain put the same kc on
its queue twice.`,
  // A burst of two datagrams at tick 0, then one more a tick later (so the server always
  // has one to read, even if the burst came before bind).
  nic: [
    { at: 0, port: 7, data: 'ping!' },
    { at: 0, port: 7, data: 'ping!' },
    { at: 1, port: 7, data: 'ping!' },
  ],
  listeners: [{ name: 'ifwatch', klist: 'nic0', ipl: 'softnet' }],
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 1);
        u.expect(r.ret === 1, 'kevent to return the readable socket');
        const rd = yield* u.read(so, 64);
        u.expect(rd.data === 'ping!', 'to read the datagram');
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
