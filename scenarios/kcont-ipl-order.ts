/*
 * kcont-ipl-order: Jonathan Stone's IPL-ordering warning, made executable. Two kernel
 * listeners defer: one on nic0's interface events (kqsim's klist, from nicintr at IPL_NET)
 * asks for KC_IPL_DEFER_SOFTNET, one on the terminal's read klist (comsoft's ttwakeup, a
 * real 2004 caller) for KC_IPL_DEFER_SOFTSERIAL. kcont's classes are ordered, so a pending
 * softserial continuation should run before a softnet one; kcont never promised that, so
 * a run that breaks it is a latency finding (kcont-class-order), not a failure.
 * i386 has generic soft interrupts and runs each on its own soft level; macppc in 2004
 * had none, so kcont_defer sends both to the one FIFO kthread queue, where arrival order,
 * not class, decides. Nothing here scripts when the interrupts arrive: exploration does.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: "Stone's IPL-order hazard: softnet and softserial continuations; macppc's kthread runs them in arrival order",
  description: `Needs +kcont-knote for the listeners. A softnet listener on nic0 and a softserial
listener on the terminal (tty00) are both deferred by KNOTE_ACTIVATE (curipl KC_IPL_IMMED). On i386 the
softserial soft interrupt outranks softnet, so the higher class runs first; on macppc
both wait on kcq_process_ctxt for the kthread, which runs a softnet continuation while a
softserial one is still queued whenever the NIC interrupt came first and the kthread had
not run in between. A worker process keeps the cpu busy with pipe I/O meanwhile.`,
  nic: [{ at: 0, port: 9, data: 'link' }],
  serial: [{ at: 0, data: 'x' }],
  listeners: [
    { name: 'netwatch', klist: 'nic0', ipl: 'softnet' },
    { name: 'linewatch', klist: 'tty00', ipl: 'softserial' },
  ],
  processes: [
    {
      name: 'worker',
      *main(u) {
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        for (let i = 0; i < 3; i++) {
          yield* u.write(w, 'data');
          const ev = yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD)], 1);
          u.expect(ev.ret === 1 && ev.events[0]?.data === 4, 'kevent to report the 4 bytes just written');
          const rd = yield* u.read(r, 16);
          u.expect(rd.data === 'data', 'to read back what was written');
        }
        yield* u.close(kq);
        yield* u.close(r);
        yield* u.close(w);
      },
    },
  ],
});
