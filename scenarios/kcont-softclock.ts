/*
 * kcont-softclock: kern_kcont.c 1.9 registers its softclock handler with the softnet queue
 * as its argument (the line is the same in 1.4 and 1.13.26.1). A continuation deferred to
 * KC_IPL_DEFER_SOFTCLOCK goes on kcq_softclock, which nothing drains: on i386 it is
 * stranded. macppc has no generic soft interrupts, so its kthread runs it and the bug is moot.
 */
import { defineScenario } from '../sim/scenario.ts';

export default defineScenario({
  summary: "kcont 1.9's softclock bug: a KC_IPL_DEFER_SOFTCLOCK continuation is never run on i386",
  description: `Needs +kcont-knote for the listener. A NIC interrupt activates a listener whose
kcont asked for KC_IPL_DEFER_SOFTCLOCK; kcont_defer queues it on kcq_softclock and
schedules kcont's softclock soft interrupt, whose handler was given kcq_softnet. The
softclock interrupt runs and drains the wrong queue; at the end the continuation has not
run (kcont-once-per-request). On macppc the kthread runs it.`,
  nic: [{ at: 0, port: 9, data: 'tick' }],
  listeners: [{ name: 'slowwatch', klist: 'nic0', ipl: 'softclock' }],
  processes: [
    {
      name: 'sleeper',
      *main(u) {
        const r = yield* u.nanosleep(20);
        u.expect(r.ret === 0, 'nanosleep to sleep its 20 ms');
      },
    },
  ],
});
