/*
 * Narration says why, not only what: a scheduled soft interrupt says whether the cpl it was
 * scheduled at holds it off, by the platform's own masks.
 */
import { describe, expect, it } from 'vitest';
import { narrate_event, narrate_run } from '../sim/view/narrate.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import type { TraceEvent } from '../src/trace.ts';
import { runNamed } from './helpers/run.ts';

const softintr = (ipl: string): TraceEvent => ({ seq: 0, step: 1, tick: 0, ctx: 'x', ipl, kind: 'softintr', src: 'softnet', by: 'x' });

describe('narrate_event', () => {
  it('should say a soft interrupt scheduled under a masking cpl is deferred, and why', async () => {
    const text = narrate_run(await runNamed('nic-softnet'), undefined);
    expect(text).toMatch(
      /schedules the softnet soft interrupt: it runs once the cpl no longer masks IPL_SOFTNET; IPL_NET masks it, so it is deferred until the cpl drops$/m,
    );
  });

  it('should follow the platform: what the cpl masks is the port’s answer', () => {
    for (const p of [i386, macppc]) {
      expect(narrate_event(softintr('none'), { platform: p })).toMatch(
        /; the cpl \(none\) does not mask it, so it is taken at the next preemption point$/,
      );
      expect(narrate_event(softintr('net'), { platform: p })).toMatch(/; IPL_NET masks it, so it is deferred until the cpl drops$/);
    }
    // Without a platform the line stays as it was.
    expect(narrate_event(softintr('net'))).toMatch(/no longer masks IPL_SOFTNET$/);
  });
});
