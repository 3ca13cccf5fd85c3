/*
 * The machine's interrupt dispatch: which pending interrupt a port takes first when the
 * spl drops, and that nothing nests before a handler's first step.
 */
import { describe, expect, it } from 'vitest';
import { firstChooser } from '../src/machine/chooser.ts';
import { type KGen, Machine } from '../src/machine/machine.ts';
import { i386, macppc, type Platform } from '../src/machine/platform.ts';
import { splhigh, splx } from '../src/machine/spl.ts';
import { TraceBus, type TraceEvent } from '../src/trace.ts';

/** A thread at splhigh schedules softserial, softnet and softclock, then drops to spl0. */
function dispatch_order(platform: Platform): string[] {
  const bus = new TraceBus();
  const seen: string[] = [];
  bus.on((ev: TraceEvent) => {
    if (ev.kind === 'intr') seen.push(`${ev.src} over ${ev.over}`);
  });
  const m = new Machine(platform, bus, firstChooser);
  for (const src of ['softserial', 'softnet', 'softclock'] as const) {
    m.intr_establish(src, function* (): KGen {
      yield `${src}:work`;
    });
  }
  m.thread_create(
    't',
    (function* (): KGen {
      const s = splhigh(m);
      for (const src of ['softserial', 'softnet', 'softclock'] as const) m.softintr_schedule(src);
      yield* splx(m, s);
    })(),
    null,
  );
  expect(m.run()).toEqual({ kind: 'done' });
  return seen;
}

describe('Machine interrupt dispatch', () => {
  it('should take the highest pending bit first on i386, so softclock runs before softnet and softserial', () => {
    // softclock runs at IPL_SOFTCLOCK; at its first preemption point softnet (unmasked
    // there) nests, and softserial inside that: Xspllower's order, then nesting by level.
    expect(dispatch_order(i386)).toEqual(['softclock over t', 'softnet over intr softclock', 'softserial over intr softnet']);
  });

  it('should take softserial, then softnet, then softclock on macppc, each after the one before returns', () => {
    expect(dispatch_order(macppc)).toEqual(['softserial over t', 'softnet over t', 'softclock over t']);
  });
});
