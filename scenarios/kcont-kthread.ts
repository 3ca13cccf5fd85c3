/*
 * kcont-kthread: a continuation that asks for KC_IPL_DEFER_PROCESS, run by the kcont
 * kthread. A kernel listener on the terminal's read klist (posted by comsoft's ttwakeup
 * at spltty, in the softserial soft interrupt, as a 2004 kernel posts it) is deferred to
 * kcq_process_ctxt on every port; the kthread, asleep with a timeout of hz ticks, wakes and
 * drains the queue at spl0. Meanwhile a process reads the terminal through kqueue. (Until
 * issue 10 the listener sat on com0's line-event klist, kqsim's own, posted from comintr at
 * IPL_SERIAL: that deferral's wakeup() runs above splsched, a panic now.)
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a kernel listener on terminal input asks for KC_IPL_DEFER_PROCESS: the kcont kthread runs it',
  description: `Needs +kcont-knote for the listener (on other builds only the reader runs). comsoft
hands each chunk of com0 input to the line discipline, whose ttwakeup posts the
terminal's read klist at spltty; the listener's kcont asked for KC_IPL_DEFER_PROCESS, so
kcont_defer queues it on kcq_process_ctxt at splvm and wakes the kthread. A second chunk
before the kthread runs queues the same kc twice. The reader waits for the terminal in
kevent and reads what arrived.`,
  serial: [
    { at: 0, data: 'a' },
    { at: 0, data: 'b' },
    { at: 1, data: 'c' },
  ],
  listeners: [{ name: 'linewatch', klist: 'tty00', ipl: 'process' }],
  processes: [
    {
      name: 'reader',
      *main(u) {
        const tty = (yield* u.openTty()).ret;
        const kq = (yield* u.kqueue()).ret;
        const r = yield* u.kevent(kq, [EV_SET(tty, EVFILT_READ, EV_ADD)], 1);
        u.expect(r.ret === 1 && r.events[0]?.ident === tty, 'kevent to return the readable terminal');
        const rd = yield* u.read(tty, 16);
        u.expect(rd.data.length >= 1, 'to read at least one character');
        yield* u.close(kq);
        yield* u.close(tty);
      },
    },
  ],
});
