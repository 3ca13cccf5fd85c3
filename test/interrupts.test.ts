/*
 * The new reach (issue 10), one scenario each, explored exhaustively: a psignal from
 * softclock inside kill(2)'s KNOTE_ACTIVATE window, a NIC interrupt nested inside softnet,
 * and a kevent deadline passing as its event arrives.
 */
import { describe, expect, it } from 'vitest';
import { explore } from '../sim/explore/explorer.ts';
import { scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import type { ChoicePoint } from '../src/machine/chooser.ts';
import { i386, macppc, type Platform } from '../src/machine/platform.ts';
import { eventsOf, run, verdict } from './helpers/run.ts';

const PLATFORMS: readonly Platform[] = [i386, macppc];

async function exhaustive(name: string, build: string, platform: Platform) {
  return explore({ scenario: await scenario_load(name), build: build_parse(build), platform, strategy: 'exhaustive' });
}

describe('signal-knote-race', () => {
  for (const platform of PLATFORMS) {
    it(`should find the double activation on netbsd-2.0/${platform.name}: one clock tick inside kill's KNOTE_ACTIVATE`, async () => {
      const r = await exhaustive('signal-knote-race', 'netbsd-2.0', platform);
      const v = r.violations[0];
      expect(v?.invariant).toBe('panic');
      if (!v) return;
      expect(v.message).toBe('kernel diagnostic assertion "(kn->kn_status & KN_QUEUED) == 0" failed');
      const disturbed = eventsOf(v.shrunk, 'choice').filter((c) => c.chosen !== 0);
      expect(disturbed.map((c) => `${c.at}: ${c.options[c.chosen]}`)).toEqual(['KNOTE_ACTIVATE:enqueue: clock tick (hardclock)']);
      // The activation that got in first came from the timer's callout, at softclock.
      expect(
        eventsOf(v.shrunk, 'knote')
          .filter((e) => e.op === 'enqueue')
          .map((e) => e.ctx),
      ).toEqual(['intr softclock']);
    });
  }

  it('should queue the knote twice where the kernel has no KASSERT to stop it (mutant-double-enqueue)', async () => {
    const r = await exhaustive('signal-knote-race', 'netbsd-2.0+mutant-double-enqueue', i386);
    expect(r.violations[0]?.message).toBe("knote 1 (ident 14) is on kq 1's queue twice");
  });

  it('should count both signals when the tick lands anywhere else', async () => {
    const sc = await scenario_load('signal-knote-race');
    expect(verdict(run(sc))).toBe('done');
    expect(verdict(run(sc, { platform: macppc }))).toBe('done');
  });
});

describe('nic-during-softnet', () => {
  for (const platform of PLATFORMS) {
    it(`should deliver both datagrams in order on every interleaving on ${platform.name}`, async () => {
      const r = await exhaustive('nic-during-softnet', 'netbsd-2.0', platform);
      expect(r.violations).toEqual([]);
      expect(r.complete).toBe(true);
    });
  }

  it('should nest the second NIC interrupt on the softnet handler delivering the first', async () => {
    // Raise the second datagram's line at the first point inside softnet's knote().
    const irq = (p: ChoicePoint) => p.options.findIndex((o) => o.kind === 'irq');
    const chooser = { choose: (p: ChoicePoint) => (p.at === 'KNOTE_ACTIVATE:enqueue' && irq(p) > 0 ? irq(p) : 0) };
    const r = run(await scenario_load('nic-during-softnet'), { chooser });
    expect(verdict(r)).toBe('done');
    expect(eventsOf(r, 'intr').map((e) => `${e.src} over ${e.over}`)).toContain('net over intr softnet');
    // The README's command shows the same run.
    expect(r.schedule).toBe('kq2:nic-during-softnet:0*13.1');
  });
});

describe('timeout-vs-wakeup', () => {
  for (const platform of PLATFORMS) {
    it(`should hold on every interleaving on ${platform.name}, with the deadline passing over the queued datagram as a finding`, async () => {
      const r = await exhaustive('timeout-vs-wakeup', 'netbsd-2.0', platform);
      expect(r.violations).toEqual([]);
      expect(r.complete).toBe(true);
      expect(r.findings.map((f) => f.invariant)).toEqual(['timeout-over-queued-event']);
      // One clock tick between the datagram's arrival and the retry is all it takes.
      const shrunk = run(await scenario_load('timeout-vs-wakeup'), { platform, schedule: r.findings[0]?.shrunkSchedule ?? '' });
      const disturbed = eventsOf(shrunk, 'choice').filter((c) => c.chosen !== 0);
      expect(disturbed.map((c) => c.options[c.chosen])).toEqual(['clock tick (hardclock)']);
      expect(shrunk.findings[0]?.message).toMatch(/the deadline passed before the retry/);
    });
  }

  it('should return the datagram from the first kevent when nothing disturbs it', async () => {
    const r = run(await scenario_load('timeout-vs-wakeup'));
    expect(verdict(r)).toBe('done');
    expect(r.findings).toEqual([]);
  });
});
