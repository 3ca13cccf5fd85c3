/*
 * kcont-kthread: a continuation that asks for KC_IPL_DEFER_PROCESS, run by the kcont
 * kthread. A kernel listener on com0's line events (posted from comintr at IPL_SERIAL,
 * which splvm does not block) is deferred to kcq_process_ctxt on every port; the kthread,
 * asleep with a timeout of hz ticks, wakes and drains the queue at spl0. Meanwhile a
 * process reads the terminal through kqueue.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'a kernel listener on serial-line events asks for KC_IPL_DEFER_PROCESS: the kcont kthread runs it',
  description: `Needs +kcont-knote for the listener (on other builds only the reader runs). Each
com0 receive interrupt (IPL_SERIAL) posts the line-event klist; the listener's kcont asked
for KC_IPL_DEFER_PROCESS, so kcont_defer queues it on kcq_process_ctxt at splvm and wakes
the kthread. IPL_SERIAL is above splvm: an interrupt can land in the middle of the
kthread's own dequeue, and a second one before the kthread runs queues the same kc twice.
The reader waits for the terminal in kevent and reads what arrived.`,
  serial: [
    { at: 0, data: 'a' },
    { at: 0, data: 'b' },
    { at: 1, data: 'c' },
  ],
  listeners: [{ name: 'linewatch', klist: 'com0', ipl: 'process' }],
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
