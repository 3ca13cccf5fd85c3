/*
 * kcont-if-ipl: plain kcont(9) on an interface, the other half of Stone's IPL warning. The
 * NIC driver runs nic0's kcont queue from its interrupt, passing as curipl the class that
 * machine-independent code derives from IPL_NET by comparing raw IPL numbers (XXX
 * kcont_ipl_of). A listener asks for KC_IPL_DEFER_SOFTNET and re-arms its kc after each
 * event. On i386 the first event is deferred to softnet, as it should be, and the second
 * finds KC_DEFERRED still set: kcont restores the first event's context and a DIAGNOSTIC
 * kernel trips KASSERT(obj == NULL). On macppc IPL_NET's number (5) compares below
 * IPL_SOFTCLOCK's (8), so the continuation runs at once, at IPL_NET.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a kcont on an interface queue run from IPL_NET: above its level on macppc, stale context on i386',
  description: `Needs options KCONT (netbsd-2.0/KCONT or +kcont-knote). nicintr calls
kcont_run_all(&if_kcq, ifp, if_ipackets, kcont_ipl_of(IPL_NET)). The listener's kc asks for
KC_IPL_DEFER_SOFTNET and re-arms itself after each run. i386: IPL_NET maps to
KC_IPL_DEFER_SOFTSERIAL, the kc is deferred and runs from softnet; at the next interrupt
KC_DEFERRED, never cleared, makes kcont_run restore the old context: KASSERT(obj == NULL).
macppc: IPL_NET (5) <= IPL_SOFTCLOCK (8) in raw numbers, so curipl is
KC_IPL_DEFER_SOFTCLOCK and the softnet continuation runs at once in the NIC interrupt.`,
  nic: [
    { at: 0, port: 7, data: 'ping!' },
    { at: 1, port: 7, data: 'ping!' },
  ],
  listeners: [{ name: 'ifwatch', klist: 'nic0-kcq', ipl: 'softnet' }],
  processes: [
    {
      name: 'server',
      *main(u) {
        const so = (yield* u.socket()).ret;
        yield* u.bind(so, 7);
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(so, EVFILT_READ, EV_ADD)], 1);
        u.expect(r.ret === 1, 'kevent to return the readable socket');
        yield* u.read(so, 64);
        yield* u.close(kq);
        yield* u.close(so);
      },
    },
  ],
});
