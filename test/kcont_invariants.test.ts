/*
 * Test the tester for kcont: every kcont invariant is shown failing on a mutant build or
 * on a hazard of the patch as posted that exploration (a seeded search) finds, and the
 * same scenario holds where the hazard cannot happen.
 */
import { describe, expect, it } from 'vitest';
import { KCONT_INVARIANTS } from '../sim/check/kcont.ts';
import type { RunResult } from '../sim/run/runner.ts';
import type { Scenario } from '../sim/scenario.ts';
import { i386, macppc, type Platform } from '../src/machine/platform.ts';
import { eventsOf, inline, type RunOpts, run, runNamed, verdict } from './helpers/run.ts';

/** The first seed in [0, limit) whose run on `build` fails; its result. */
async function search(scenario: string | Scenario, opts: RunOpts, limit: number, want: (r: RunResult) => boolean): Promise<RunResult | undefined> {
  for (let seed = 0; seed < limit; seed++) {
    const r = typeof scenario === 'string' ? await runNamed(scenario, { ...opts, seed }) : run(scenario, { ...opts, seed });
    if (want(r)) return r;
  }
  return undefined;
}

/*
 * The IP-safety race needs a knote posted above splvm, and no 2004 driver posts one there:
 * com0's line-event klist (IPL_SERIAL) is kqsim's, so what this shows is model-dependent.
 * On i386 a softserial-class kc is drained by the softserial soft interrupt, whose dequeue
 * at splvm comintr can interrupt (on macppc the kthread would be woken from IPL_SERIAL,
 * above splsched: a panic).
 */
const ipRace = inline('kcont-ip-race', {
  summary: 'com0 line events (kqsim klist, IPL_SERIAL) deferred to softserial while softserial drains',
  serial: [
    { at: 0, data: 'a' },
    { at: 0, data: 'b' },
    { at: 1, data: 'c' },
  ],
  listeners: [{ name: 'linewatch', klist: 'com0', ipl: 'softserial' }],
  processes: [
    {
      name: 'sleeper',
      *main(u) {
        yield* u.nanosleep(30);
      },
    },
  ],
});

const byName = (name: string) => KCONT_INVARIANTS.filter((i) => i.name === name);

describe('kcont invariants catch their mutants and hazards', () => {
  const covered = new Set<string>();
  const case_ = (invariant: string, title: string, body: () => Promise<void>) => {
    covered.add(invariant);
    it(`should report ${invariant} ${title}`, body);
  };

  case_('kcont-ipl-no-higher', 'when kcont_run compares the wrong way round (mutant)', async () => {
    const r = await runNamed('kcont-defer-softnet', { build: 'netbsd-2.0+kcont-knote+mutant-kcont-inverted-ipl' });
    expect(verdict(r)).toMatch(
      /^kcont-ipl-no-higher: kc 1 \(kn_listener_func\) asked for KC_IPL_DEFER_SOFTNET but kcont_run calls it in intr net at cpl net, which on i386 blocks more than IPL_SOFTNET does/,
    );
    expect(verdict(await runNamed('kcont-defer-softnet', { build: 'netbsd-2.0+kcont-knote' }))).toBe('done');
  });

  case_('kcont-ipl-no-higher', 'on macppc when the driver derives curipl from raw IPL numbers (kcont-if-ipl)', async () => {
    const r = await runNamed('kcont-if-ipl', { build: 'netbsd-2.0/KCONT', platform: macppc });
    expect(verdict(r)).toBe(
      'kcont-ipl-no-higher: kc 1 (if_listener_func) asked for KC_IPL_DEFER_SOFTNET but kcont_run calls it in intr net at cpl net, which on macppc blocks more than IPL_SOFTNET does (its caller said KC_IPL_DEFER_SOFTCLOCK)',
    );
    // On i386 the same mapping is right: the first event is deferred to softnet.
    const x86 = await runNamed('kcont-if-ipl', { build: 'netbsd-2.0/KCONT' });
    expect(eventsOf(x86, 'kcont-deferred')[0]).toMatchObject({ curipl: 'KC_IPL_DEFER_SOFTSERIAL', queue: 'kcq_softnet' });
  });

  case_('kcont-once-per-request', 'when an interrupt above splvm lands inside a drain’s dequeue (IP-safety race, model-dependent)', async () => {
    // Only this invariant watches, so the race is seen by what it does to run requests.
    const opts = { build: 'netbsd-2.0+kcont-knote', invariants: byName('kcont-once-per-request') };
    const r = await search(ipRace, opts, 300, (x) => x.outcome.kind === 'violation');
    expect(r).toBeDefined();
    expect(verdict(r as RunResult)).toMatch(/^kcont-once-per-request: kc 1 .*(ran twice|stranded)/);
  });

  case_('kcont-fifo', 'when two activations queue the same kc twice before the kthread runs', async () => {
    for (const platform of [i386, macppc] as Platform[]) {
      const r = await search('kcont-kthread', { build: 'netbsd-2.0+kcont-knote', platform }, 100, (x) => x.outcome.kind !== 'done');
      expect(verdict(r as RunResult)).toMatch(/^kcont-fifo: kc 1 is inserted on kcq_process_ctxt while it is already on it/);
      const again = await runNamed('kcont-kthread', { build: 'netbsd-2.0+kcont-knote', platform, schedule: (r as RunResult).schedule });
      expect(verdict(again)).toBe(verdict(r as RunResult));
    }
    expect(verdict(await runNamed('kcont-kthread', { build: 'netbsd-2.0+kcont-knote' }))).toBe('done');
  });

  case_('kcont-fifo', 'when the dequeue race loses a kc (model-dependent)', async () => {
    const r = await search(ipRace, { build: 'netbsd-2.0+kcont-knote' }, 300, (x) => /reads as empty/.test(verdict(x)));
    expect(verdict(r as RunResult)).toMatch(
      /^kcont-fifo: kcq_softserial reads as empty, but kc 1 was queued on it and never taken off: the queue lost it/,
    );
  });

  case_('kcont-class-order', 'as a finding on macppc, where the kthread runs softnet and softserial continuations in arrival order', async () => {
    const r = await runNamed('kcont-ipl-order', { build: 'netbsd-2.0+kcont-knote', platform: macppc, schedule: 'kq2:kcont-ipl-order:0*3.1.0*5.1' });
    // A latency, not a failure: the run goes on and ends done, with the finding noted.
    expect(verdict(r)).toBe('done');
    expect(r.findings.map((f) => `${f.invariant}: ${f.message}`)).toEqual([
      expect.stringMatching(
        /^kcont-class-order: kc 1 \(KC_IPL_DEFER_SOFTNET\) runs from a deferral drain while kc 2, which asked for the higher KC_IPL_DEFER_SOFTSERIAL/,
      ),
    ]);
    expect(eventsOf(r, 'finding')).toHaveLength(1);
  });

  case_('kcont-not-after-free', 'when kn_kcont is freed after its first run (mutant KC_AUTOFREE)', async () => {
    const r = await runNamed('pipe-read', { build: 'netbsd-2.0+kcont-knote+mutant-kc-autofree' });
    expect(verdict(r)).toMatch(
      /^kcont-not-after-free: kc 1 \(kq_func\) is asked to run by kcont_run after kcont_run \(KC_AUTOFREE\) returned it to kc_pool \(use after free\)/,
    );
    // Without the invariant, the pool itself catches the next touch of the freed kc.
    const bare = await runNamed('nic-softnet', { build: 'netbsd-2.0+kcont-knote+mutant-kc-autofree', invariants: [] });
    expect(verdict(bare)).toBe('panic: kc_pool: use after free in KN_KC_ASSERT');
  });

  case_('kcont-freed-with-knote', 'when kqueue_close’s second loop forgets the kc (mutant)', async () => {
    const r = await runNamed('signal-eintr', { build: 'netbsd-2.0+kcont-knote+mutant-kc-leak' });
    expect(verdict(r)).toBe('kcont-freed-with-knote: knote 1 was dropped but its kc 1 never went back to kc_pool');
    expect(verdict(await runNamed('signal-eintr', { build: 'netbsd-2.0+kcont-knote' }))).toBe('done');
  });

  it('should have a failing case for every kcont invariant', () => {
    expect(KCONT_INVARIANTS.map((i) => i.name).filter((n) => !covered.has(n))).toEqual([]);
  });
});
