import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IPL_NAMES, type IrqSource, i386, macppc, macppc_softintr, PLATFORMS } from '../src/machine/platform.ts';

const SOURCES: readonly IrqSource[] = ['serial', 'clock', 'audio', 'tty', 'net', 'bio', 'softserial', 'softnet', 'softclock'];

describe('platforms', () => {
  it('should number i386 levels upward and macppc levels in reverse', () => {
    expect(i386.rawIpl.net).toBeGreaterThan(i386.rawIpl.softnet);
    expect(macppc.rawIpl.net).toBeLessThan(macppc.rawIpl.softnet);
    expect(i386.rawIpl.sched).toBe(i386.rawIpl.clock);
    expect(i386.rawIpl.serial).toBe(i386.rawIpl.high);
  });

  it('should make a raw numeric comparison mean opposite things on the two ports', () => {
    // The trap machine-independent code falls into: "a <= b" on raw IPL values.
    const rawSaysNetBelowSoftnet = (p: typeof i386) => p.rawIpl.net <= p.rawIpl.softnet;
    expect(rawSaysNetBelowSoftnet(i386)).toBe(false);
    expect(rawSaysNetBelowSoftnet(macppc)).toBe(true);
    // Through the platform, both agree that IPL_NET blocks softnet.
    for (const p of PLATFORMS) expect(p.masks(p.cplOf('net'), 'softnet')).toBe(true);
  });

  it('should let splsched block every source but the serial line, on every port', () => {
    // i386: IPL_SCHED is IPL_CLOCK, below IPL_SERIAL = IPL_HIGH; macppc puts IPL_SERIAL
    // above IPL_HIGH (= splsched) so a UART never overruns.
    for (const p of PLATFORMS) expect(SOURCES.filter((s) => !p.masks(p.cplOf('sched'), s))).toEqual(['serial']);
    expect(i386.masks(i386.cplOf('high'), 'serial')).toBe(true);
    expect(macppc.masks(macppc.cplOf('high'), 'serial')).toBe(false);
  });

  it('should dispatch pending soft interrupts highest bit first on i386 and by level on macppc', () => {
    const soft = (p: typeof i386) => p.deliveryOrder.filter((s) => s.startsWith('soft'));
    // x86 Xspllower: bsrl over SIR_CLOCK 31, SIR_NET 30, SIR_SERIAL 29, above every hardware slot.
    expect(soft(i386)).toEqual(['softclock', 'softnet', 'softserial']);
    expect(i386.deliveryOrder.slice(0, 3)).toEqual(soft(i386));
    expect(soft(macppc)).toEqual(['softserial', 'softnet', 'softclock']);
    expect(macppc_softintr.deliveryOrder).toEqual(macppc.deliveryOrder);
    expect([macppc.genericSoftInterrupts, macppc_softintr.genericSoftInterrupts, i386.genericSoftInterrupts]).toEqual([false, true, true]);
  });

  it('should block a source with its own level and leave it open at spl0', () => {
    for (const p of PLATFORMS) {
      for (const s of SOURCES) {
        expect(p.masks(p.cplOf(s), s)).toBe(true);
        expect(p.masks(p.cplNone, s)).toBe(false);
      }
    }
  });

  test.prop([fc.constantFrom(...PLATFORMS), fc.array(fc.constantFrom(...IPL_NAMES), { maxLength: 6 })])(
    'should only ever block more when raising',
    (p, ipls) => {
      let cpl = p.cplNone;
      for (const ipl of ipls) {
        const next = p.raise(cpl, ipl);
        expect(p.covers(next, cpl)).toBe(true);
        expect(p.covers(next, p.cplOf(ipl))).toBe(true);
        cpl = next;
      }
    },
  );

  it('should name cpl values for the trace', () => {
    expect(i386.describe(i386.cplOf('sched'))).toBe('clock');
    expect(i386.describe(i386.cplOf('serial'))).toBe('high');
    expect(macppc.describe(macppc.cplOf('softnet'))).toBe('softnet');
    expect(i386.describe(0x55)).toBe('0x55');
  });
});
