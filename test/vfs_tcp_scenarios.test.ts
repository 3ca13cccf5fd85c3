/*
 * The bundled scenarios for files, FIFOs and TCP: vnode-watch and tcp-accept hold on every
 * build and interleaving; fifo-open-race deadlocks on the default schedule of the builds
 * with 2.0's fifo_open and holds on netbsd-modern.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { scenario_load } from '../sim/scenario.ts';
import { BASES } from '../src/builds.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { run, verdict } from './helpers/run.ts';

const vnode = await scenario_load('vnode-watch');
const tcp = await scenario_load('tcp-accept');
const fifo = await scenario_load('fifo-open-race');
const bases = BASES.filter((b) => !b.design).map((b) => b.name);

describe('vnode-watch and tcp-accept', () => {
  for (const sc of [vnode, tcp])
    for (const build of bases)
      it(`should run ${sc.name} on ${build}, i386 and macppc`, () => {
        expect(verdict(run(sc, { build }))).toBe('done');
        expect(verdict(run(sc, { build, platform: macppc }))).toBe('done');
      });

  test.prop([fc.constantFrom(vnode, tcp), fc.constantFrom(...bases), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean()], { numRuns: 60 })(
    'should hold on pseudo-random interleavings',
    (sc, build, seed, onMacppc) => {
      expect(verdict(run(sc, { build, seed, platform: onMacppc ? macppc : i386 }))).toBe('done');
    },
  );
});

describe('fifo-open-race', () => {
  it('should leave the reader asleep in fifo_open on netbsd-2.0 and 4.0 once the writer has come and gone', () => {
    for (const build of ['netbsd-2.0', 'netbsd-4.0']) {
      const r = run(fifo, { build });
      expect(verdict(r)).toBe('deadlock: reader[1]');
      const sleeps = r.events.filter((e) => e.kind === 'sleep');
      expect(sleeps.at(-1)).toMatchObject({ wmesg: 'fifor' });
    }
  });

  test.prop([fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 30 })('should hold on netbsd-modern on every interleaving tried', (seed) => {
    expect(verdict(run(fifo, { build: 'netbsd-modern', seed }))).toBe('done');
  });
});
