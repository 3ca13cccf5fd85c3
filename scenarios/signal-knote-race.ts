/*
 * signal-knote-race: kill(2) posts SIGALRM at spl0 while an itimer callout (softclock)
 * posts the same signal to the same EVFILT_SIGNAL knote. kpsignal1 (kern_sig.c 1.153)
 * calls KNOTE(&p->p_klist, NOTE_SIGNAL | signum) before it raises anything, and
 * KNOTE_ACTIVATE tests KN_QUEUED before knote_enqueue raises to splsched: a clock tick in
 * that window runs hardclock, then softclock on the way out, whose realtimerexpire
 * (kern_time.c) posts SIGALRM and queues the knote first. Nothing here scripts the race.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_SIGNAL, SIGALRM } from '../sim/scenario.ts';

export default defineScenario({
  summary: 'kill(2) at spl0 and an itimer callout at softclock post SIGALRM to one EVFILT_SIGNAL knote (netbsd-2.0)',
  description: `The process ignores SIGALRM (EVFILT_SIGNAL still counts it), watches it with
EVFILT_SIGNAL and arms ITIMER_REAL for 10 ms, which is due two ticks on (hzto rounds up and
adds one). It sleeps one tick (nanosleep(0) sleeps a tick, as kern_time.c rounds it up),
then kills itself with SIGALRM: the kill's KNOTE runs at spl0, and the next clock tick runs
the timer's from softclock. If that tick lands while KNOTE_ACTIVATE is between its KN_QUEUED
test and knote_enqueue's splsched, both activations enqueue the knote. Otherwise kevent
reports the two signals, in one event or two.`,
  processes: [
    {
      name: 'alarmed',
      *main(u) {
        yield* u.sigaction(SIGALRM, 'ignore');
        const kq = (yield* u.kqueue()).ret;
        yield* u.kevent(kq, [EV_SET(SIGALRM, EVFILT_SIGNAL, EV_ADD)], 0);
        yield* u.setitimer(10);
        yield* u.nanosleep(0);
        yield* u.kill(u.pid, SIGALRM);
        let counted = 0;
        for (let i = 0; i < 2 && counted < 2; i++) {
          const r = yield* u.kevent(kq, [], 1);
          u.expect(r.ret === 1 && r.events[0]?.ident === SIGALRM, 'kevent to return the SIGALRM knote');
          counted += r.events[0]?.data ?? 0;
        }
        u.expect(counted === 2, 'EVFILT_SIGNAL to count both SIGALRMs, the kill and the timer');
        yield* u.close(kq);
      },
    },
  ],
});
