/*
 * kcont(9) (kern_kcont.c 1.9) and the kcont-knote build: build names with kernel options,
 * the run-or-defer rule, the SIMPLEQ, the 1.9 bugs kept on purpose, and Stone's naming.
 */
import { describe, expect, it } from 'vitest';
import { narrate_run } from '../sim/view/narrate.ts';
import { BUILDS, BuildError, build_parse } from '../src/builds.ts';
import {
  KC_DEFERRED,
  KC_IPL_DEFER_SOFTNET,
  KC_IPL_DEFER_SOFTSERIAL,
  type Kc,
  Kcq,
  kcont_enqueue,
  kcont_malloc,
  kcont_run_all,
  kcont_state,
} from '../src/kern/kern_kcont.ts';
import { kernel_boot } from '../src/kern/kernel.ts';
import { type ChoicePoint, firstChooser } from '../src/machine/chooser.ts';
import type { KGen } from '../src/machine/machine.ts';
import { i386, macppc } from '../src/machine/platform.ts';
import { TraceBus, type TraceEvent } from '../src/trace.ts';
import { eventsOf, inline, run, runNamed, verdict } from './helpers/run.ts';

describe('build names with kernel options', () => {
  it('should give kcont-knote options KCONT, and the stock kernel none', () => {
    expect(build_parse('netbsd-2.0+kcont-knote').options).toEqual(['KCONT']);
    expect(build_parse('netbsd-2.0').options).toEqual([]);
    expect(build_parse('netbsd-2.0/KCONT').option('KCONT')).toBe(true);
  });

  it('should refuse the patch without options KCONT as a configuration error', () => {
    expect(() => build_parse('netbsd-2.0+kcont-knote/-KCONT')).toThrowErrorMatchingInlineSnapshot(
      `[BuildError: configuration error in build 'netbsd-2.0+kcont-knote/-KCONT': patch 'kcont-knote' needs 'options KCONT' (kern_event.c calls kcont_run and uses kc_pool, which only exist with it): config(8) and the kernel link would fail]`,
    );
  });

  it('should name the valid options, and the patch a mutant is written against', () => {
    expect(() => build_parse('netbsd-2.0/KCONTX')).toThrow(/unknown kernel option 'KCONTX'.*options are KCONT/);
    expect(() => build_parse('netbsd-2.0+mutant-kc-autofree')).toThrow(BuildError);
    expect(() => build_parse('netbsd-2.0+mutant-kc-autofree')).toThrow(/use netbsd-2.0\+kcont-knote\+mutant-kc-autofree/);
  });

  it('should list every kcont build, and each listed build should parse', () => {
    for (const b of [
      'netbsd-2.0+kcont-knote',
      'netbsd-2.0+kcont-knote+kcont-run-one',
      'netbsd-2.0+kcont-knote+mutant-kc-autofree',
      'netbsd-2.0/KCONT',
    ]) {
      expect(BUILDS).toContain(b);
    }
    for (const b of BUILDS) expect(build_parse(b).name).toBe(b);
  });
});

/** Boot a kernel and run one kernel thread's code on it (for kcont's object-queue API). */
function run_kernel_code(build: string, body: (k: ReturnType<typeof kernel_boot>) => KGen) {
  const bus = new TraceBus();
  const events: TraceEvent[] = [];
  bus.on((e) => events.push(e));
  const k = kernel_boot({ platform: i386, build: build_parse(build), bus, chooser: firstChooser });
  const owner = kcont_state(k).worker; // any lwp will do: the code never sleeps
  k.m.thread_create('test', body(k), owner);
  return { outcome: k.m.run(), events, k };
}

describe('kcont(9) 1.9', () => {
  it('should boot the kthread asleep on its queue only with options KCONT', async () => {
    const withK = await runNamed('pipe-read', { build: 'netbsd-2.0/KCONT' });
    expect(verdict(withK)).toBe('done');
    expect(eventsOf(withK, 'sleep')[0]).toMatchObject({ thread: 'kcont', wchan: 'kcq_process_ctxt', timo: 100 });
    const without = await runNamed('pipe-read');
    expect(eventsOf(without, 'sleep').some((e) => e.thread === 'kcont')).toBe(false);
  });

  it('should run a kc whose class is not below the caller, and defer one that is, to its soft interrupt', () => {
    const seen: string[] = [];
    const r = run_kernel_code('netbsd-2.0/KCONT', (k) =>
      (function* () {
        const objq = new Kcq('if_kcq', false);
        const fn = function* (_k: unknown, obj: unknown, _env: unknown, status: number): KGen {
          seen.push(`${String(obj)}/${status}`);
        };
        yield* kcont_enqueue(k, objq, kcont_malloc(k, fn, null, KC_IPL_DEFER_SOFTNET));
        yield* kcont_run_all(k, objq, 'ifp', 1, KC_IPL_DEFER_SOFTNET); // runs now
        yield* kcont_enqueue(k, objq, kcont_malloc(k, fn, null, KC_IPL_DEFER_SOFTNET));
        yield* kcont_run_all(k, objq, 'ifp', 2, KC_IPL_DEFER_SOFTSERIAL); // deferred to softnet
      })(),
    );
    expect(r.outcome.kind).toBe('done');
    expect(seen).toEqual(['ifp/1', 'ifp/2']);
    const deferred = r.events.filter((e) => e.kind === 'kcont-deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toMatchObject({ queue: 'kcq_softnet' });
    // 1.9 names its queue-draining function kcont_run.
    expect(r.events.find((e) => e.kind === 'kcont-run')).toMatchObject({ by: 'kcont_run' });
  });

  it('should keep KC_DEFERRED set, so a reused kc trips KASSERT(obj == NULL) with its stale context', () => {
    let kc: Kc | undefined;
    const r = run_kernel_code('netbsd-2.0/KCONT', (k) =>
      (function* () {
        const objq = new Kcq('if_kcq', false);
        kc = kcont_malloc(k, function* ifwatch() {}, null, KC_IPL_DEFER_SOFTNET);
        yield* kcont_enqueue(k, objq, kc);
        yield* kcont_run_all(k, objq, 'link up', 1, KC_IPL_DEFER_SOFTSERIAL);
        yield 'softnet runs the deferred kc here';
        yield* kcont_enqueue(k, objq, kc); // re-armed for the next event, as kcont(9) allows
        yield* kcont_run_all(k, objq, 'link down', 2, KC_IPL_DEFER_SOFTSERIAL);
      })(),
    );
    expect((kc?.kc_flags ?? 0) & KC_DEFERRED).toBe(KC_DEFERRED);
    expect(r.outcome).toEqual({ kind: 'panic', message: 'kernel diagnostic assertion "obj == NULL" failed' });
  });

  it('should show the sticky KC_DEFERRED from a scenario: an interface kc re-armed after a deferral', async () => {
    const r = await runNamed('kcont-if-ipl', { build: 'netbsd-2.0+kcont-knote' });
    expect(verdict(r)).toBe('panic: kernel diagnostic assertion "obj == NULL" failed');
    expect(eventsOf(r, 'log').at(-1)?.text).toBe(
      "kc 1 still has KC_DEFERRED from an earlier deferral (XXX never cleared): kcont_run would run it with that deferral's (nic0, 1), not (nic0, 2)",
    );
    expect(verdict(await runNamed('kcont-if-ipl'))).toBe('done');
  });

  it('should keep the 1.9 bug that hands the softclock handler the softnet queue (i386 strands the kc)', async () => {
    const r = await runNamed('kcont-softclock', { build: 'netbsd-2.0+kcont-knote' });
    expect(verdict(r)).toMatch(
      /^kcont-once-per-request: kc 1 was asked to run 1 more time\(s\) than it ran \(last deferred onto kcq_softclock\): stranded/,
    );
    expect(eventsOf(r, 'log').map((e) => e.text)).toContain(
      'kcont_run_softclock drains kcq_softnet, the argument 1.9 registered it with (XXX), not kcq_softclock',
    );
    // macppc has no generic soft interrupts: the kthread runs it and the bug is moot.
    expect(verdict(await runNamed('kcont-softclock', { build: 'netbsd-2.0+kcont-knote', platform: macppc }))).toBe('done');
  });
});

describe('the kcont kthread', () => {
  it('should catch a wakeup lost before it sleeps with its hz poll, tolerating EWOULDBLOCK', () => {
    const sc = inline('lost-kthread-wakeup', {
      summary: 'a serial interrupt defers a continuation between the kthread’s last dequeue and its sleep',
      serial: [
        { at: 0, data: 'a' },
        { at: 0, data: 'b' },
      ],
      listeners: [{ name: 'linewatch', klist: 'tty00', ipl: 'process' }],
      processes: [
        {
          name: 'sleeper',
          *main(u) {
            yield* u.nanosleep(50);
          },
        },
      ],
    });
    // Take the second character at the splx after the kthread found its queue empty: the
    // kthread is running, so kcont_defer's wakeup finds nobody asleep.
    let seen = 0;
    const chooser = { choose: (p: ChoicePoint) => (p.at === 'kcont_dequeue_atomic:splx' && p.options.length > 1 && ++seen === 2 ? 1 : 0) };
    const r = run(sc, { build: 'netbsd-2.0+kcont-knote', chooser });
    expect(verdict(r)).toBe('done');
    const wakes = eventsOf(r, 'kcont-kthread');
    expect(wakes.map((w) => w.status)).toEqual(['0', 'EWOULDBLOCK']);
    const sleep = eventsOf(r, 'sleep').filter((e) => e.thread === 'kcont')[1];
    expect(wakes[1]?.tick).toBe((sleep?.tick ?? 0) + 100);
    expect(eventsOf(r, 'log').filter((e) => e.text.startsWith('listener linewatch handles'))).toHaveLength(2);
  });
});

describe('the kcont-knote patch', () => {
  it('should give every knote a kq_func kcont and return it to kc_pool with the knote', async () => {
    const r = await runNamed('close-removes-knotes', { build: 'netbsd-2.0+kcont-knote' });
    expect(verdict(r)).toBe('done');
    const allocs = eventsOf(r, 'kcont-alloc');
    expect(allocs.length).toBeGreaterThan(0);
    expect(allocs.every((a) => a.fn === 'kq_func' && a.asked === 'KC_IPL_IMMED' && a.kn > 0)).toBe(true);
    expect(eventsOf(r, 'kcont-free').map((f) => f.kc)).toEqual(expect.arrayContaining(allocs.map((a) => a.kc)));
    expect(eventsOf(r, 'kcont-free')).toHaveLength(allocs.length);
  });

  it('should show Stone’s name kcont_run_one in the narration of +kcont-run-one', async () => {
    const plain = narrate_run(await runNamed('pipe-read', { build: 'netbsd-2.0+kcont-knote' }), undefined);
    const renamed = narrate_run(await runNamed('pipe-read', { build: 'netbsd-2.0+kcont-knote+kcont-run-one' }), undefined);
    expect(plain).toMatch(/kcont_run\(kc 1, NULL, 0, KC_IPL_IMMED\)/);
    expect(renamed).toMatch(/kcont_run_one\(kc 1, NULL, 0, KC_IPL_IMMED\)/);
    expect(renamed).not.toMatch(/kcont_run\(/);
  });

  it('should narrate why a listener continuation is deferred from IPL_NET', async () => {
    const r = await runNamed('kcont-defer-softnet', { build: 'netbsd-2.0+kcont-knote' });
    expect(narrate_run(r, undefined)).toMatch(
      /softnet is masked at the cpl net, so the continuation is deferred: the softnet soft interrupt will drain it/,
    );
    const mac = await runNamed('kcont-defer-softnet', { build: 'netbsd-2.0+kcont-knote', platform: macppc });
    expect(narrate_run(mac, undefined)).toMatch(/macppc has no generic soft interrupts, so the kcont kthread will run it/);
  });

  it('should tell, on an unpatched build, that a listener cannot be attached', async () => {
    const r = await runNamed('kcont-defer-softnet');
    expect(verdict(r)).toBe('done');
    expect(eventsOf(r, 'log').map((e) => e.text)).toContain(
      'listener ifwatch is not attached: build netbsd-2.0 has no kn_kcont (it needs +kcont-knote)',
    );
  });
});
