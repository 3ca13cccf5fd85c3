import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { IPL_NAMES, type IrqSource, i386, macppc, PLATFORMS } from '../src/machine/platform.ts';

const SOURCES: readonly IrqSource[] = ['serial', 'clock', 'audio', 'tty', 'net', 'bio', 'softserial', 'softnet', 'softclock'];

describe('platforms', () => {
  it('should number i386 levels upward and macppc levels in reverse', () => {
    expect(i386.rawIpl.net).toBeGreaterThan(i386.rawIpl.softnet);
    expect(macppc.rawIpl.net).toBeLessThan(macppc.rawIpl.softnet);
    expect(i386.rawIpl.sched).toBe(i386.rawIpl.high);
  });

  it('should make a raw numeric comparison mean opposite things on the two ports', () => {
    // The trap machine-independent code falls into: "a <= b" on raw IPL values.
    const rawSaysNetBelowSoftnet = (p: typeof i386) => p.rawIpl.net <= p.rawIpl.softnet;
    expect(rawSaysNetBelowSoftnet(i386)).toBe(false);
    expect(rawSaysNetBelowSoftnet(macppc)).toBe(true);
    // Through the platform, both agree that IPL_NET blocks softnet.
    for (const p of PLATFORMS) expect(p.masks(p.cplOf('net'), 'softnet')).toBe(true);
  });

  it('should let splsched block every source, except the serial line on macppc', () => {
    for (const s of SOURCES) expect(i386.masks(i386.cplOf('sched'), s)).toBe(true);
    // macppc puts IPL_SERIAL above IPL_HIGH so a UART never overruns: splhigh leaves it open.
    expect(SOURCES.filter((s) => !macppc.masks(macppc.cplOf('sched'), s))).toEqual(['serial']);
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
    expect(i386.describe(i386.cplOf('sched'))).toBe('high');
    expect(macppc.describe(macppc.cplOf('softnet'))).toBe('softnet');
    expect(i386.describe(0x55)).toBe('0x55');
  });
});
