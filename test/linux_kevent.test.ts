import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../sim/check/invariants.ts';
import {
  EINVAL,
  KEVENT_CTL_ADD,
  KEVENT_CTL_REMOVE,
  KEVENT_REQ_LAST_CHECK,
  KEVENT_REQ_ONESHOT,
  KEVENT_RET_COPY_FAILED,
  KEVENT_RET_DONE,
  KEVENT_SOCKET,
  KEVENT_SOCKET_RECV,
  KEVENT_WAIT_FOREVER,
  kevent_api,
  type Libc,
  ukevent,
} from '../sim/scenario.ts';
import { jsonl_run } from '../sim/view/jsonl.ts';
import { narrate_run } from '../sim/view/narrate.ts';
import { teach_points } from '../sim/view/teach.ts';
import { eventsOf, inline, run, runNamed, verdict } from './helpers/run.ts';

const LK = { build: 'linux-kevent' } as const;

/* A socket with a datagram already waiting, sent through loopback. */
function* socket_with_data(u: Libc, port: number) {
  const so = (yield* u.socket()).ret;
  yield* u.bind(so, port);
  const tx = (yield* u.socket()).ret;
  yield* u.sendto(tx, port, 'x');
  return so;
}

describe('Linux kevent (take24)', () => {
  it('should hand a kevent that is ready at KEVENT_CTL_ADD back with DONE and not keep it', () => {
    const sc = inline('lk-ready-at-add', {
      summary: 'ready at add',
      build: 'linux-kevent',
      processes: [
        {
          name: 'p',
          *main(u) {
            const lk = kevent_api(u);
            const q = (yield* lk.open()).ret;
            const so = yield* socket_with_data(u, 7);
            const arr = [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, 0, [5, 0])];
            const a = yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 1, arr);
            u.expect(a.ret === 1 && arr[0]?.ret_flags === KEVENT_RET_DONE && arr[0].user[0] === 5, 'the ready ukevent back, DONE');
            // Not kept: REMOVE of it finds nothing (num 1 > kevent_num 0 is EINVAL first).
            u.expect((yield* lk.kevent_ctl(q, KEVENT_CTL_REMOVE, 1, arr)).errno === EINVAL, 'the queue to hold no kevent');
          },
        },
      ],
    });
    expect(verdict(run(sc))).toBe('done');
  });

  it('should end kevent_get_events at the end of a too-short buffer, the kevent left only in the ring', () => {
    const sc = inline('lk-short-buf', {
      summary: 'short buffer',
      build: 'linux-kevent',
      processes: [
        {
          name: 'p',
          *main(u) {
            const lk = kevent_api(u);
            const q = (yield* lk.open()).ret;
            const ring = lk.ring_alloc(4);
            yield* lk.kevent_ring_init(q, ring, 4);
            const a = yield* socket_with_data(u, 7);
            const b = yield* socket_with_data(u, 8);
            const arr = [a, b].map((so) => ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, KEVENT_REQ_ONESHOT));
            // Both ready at once: ADD hands them back; add them again once drained and refilled.
            yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 2, arr);
            for (const so of [a, b]) yield* u.read(so, 8);
            const re = [a, b].map((so) => ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV));
            yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 2, re);
            const tx = (yield* u.socket()).ret;
            yield* u.sendto(tx, 7, 'y');
            yield* u.sendto(tx, 8, 'z');
            const g = yield* lk.kevent_get_events(q, 2, 4, KEVENT_WAIT_FOREVER, 1);
            u.expect(g.ret === 1, 'one ukevent copied: the buffer holds one');
            u.expect((yield* lk.ring_kidx(ring)) === 2, 'both dequeued kevents in the ring');
          },
        },
      ],
    });
    expect(verdict(run(sc))).toBe('done');
  });

  it('should set KEVENT_RET_COPY_FAILED when the ring is shorter than the size given to kevent_ring_init', () => {
    const sc = inline('lk-copy-failed', {
      summary: 'copy failed',
      build: 'linux-kevent',
      processes: [
        {
          name: 'p',
          *main(u) {
            const lk = kevent_api(u);
            const q = (yield* lk.open()).ret;
            const ring = lk.ring_alloc(1);
            yield* lk.kevent_ring_init(q, ring, 4);
            const so = (yield* u.socket()).ret;
            yield* u.bind(so, 7);
            yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 1, [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV)]);
            const tx = (yield* u.socket()).ret;
            for (const d of ['1', '2']) {
              yield* u.sendto(tx, 7, d);
              const g = yield* lk.kevent_get_events(q, 1, 1, 0);
              u.log(`ret_flags ${g.ukevents[0]?.ret_flags}`);
              if (d === '2') u.expect(((g.ukevents[0]?.ret_flags ?? 0) & KEVENT_RET_COPY_FAILED) !== 0, 'the second copy to fault');
              yield* u.read(so, 8);
            }
          },
        },
      ],
    });
    expect(verdict(run(sc))).toBe('done');
  });

  it('should keep a ONESHOT kevent that LAST_CHECK turned down hooked to its socket, and deliver it once data comes again', () => {
    const sc = inline('lk-oneshot-last-check', {
      summary: 'oneshot last check',
      build: 'linux-kevent',
      processes: [
        {
          name: 'p',
          *main(u) {
            const lk = kevent_api(u);
            const q = (yield* lk.open()).ret;
            const so = (yield* u.socket()).ret;
            yield* u.bind(so, 7);
            yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, 1, [ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, KEVENT_REQ_ONESHOT | KEVENT_REQ_LAST_CHECK)]);
            const tx = (yield* u.socket()).ret;
            yield* u.sendto(tx, 7, 'a');
            yield* u.read(so, 8);
            u.expect((yield* lk.kevent_get_events(q, 0, 1, 0)).ret === 0, 'the drained socket turned down');
            yield* u.sendto(tx, 7, 'b');
            u.expect((yield* lk.kevent_get_events(q, 0, 1, 0)).ret === 1, 'the second datagram delivered');
            u.expect((yield* lk.kevent_get_events(q, 0, 1, 0)).ret === 0, 'and only once (ONESHOT)');
          },
        },
      ],
    });
    expect(verdict(run(sc))).toBe('done');
  });

  it('should wake fewer threads for a datagram with KEVENT_REQ_WAKEUP_ONE than without', async () => {
    const invariants = INVARIANTS.filter((i) => i.name !== 'lkevent-thundering-herd');
    const r = await runNamed('linux-kevent-herd', { ...LK, invariants });
    expect(verdict(r)).toBe('done');
    const woken = (group: string) => eventsOf(r, 'wakeup').filter((e) => e.thread.startsWith(group) && e.reason.startsWith('wakeup(kevent')).length;
    expect(woken('one')).toBe(1);
    expect(woken('herd')).toBe(3);
  });

  it("should narrate each step in the document's terms", async () => {
    const text = narrate_run(await runNamed('linux-kevent-basic'), undefined);
    for (const words of [
      'kevent_user_open',
      'KEVENT_RET_BROKEN|DONE',
      'KEVENT_REQ_LAST_CHECK',
      'kqueue_dequeue_ready',
      'kevent_copy_ring_buffer',
      'KEVENT_REQ_ONESHOT',
    ]) {
      expect(text).toContain(words);
    }
    expect(narrate_run(await runNamed('linux-kevent-herd'), undefined)).toContain('KEVENT_REQ_WAKEUP_ONE: 1 kevent(s)');
  });

  it("should ask the teaching questions of each design in its author's terms", async () => {
    const herd = teach_points((await runNamed('linux-kevent-herd')).events).map((p) => p.options[p.answer]);
    expect(herd).toContain('it is not marked: KEVENT_REQ_WAKEUP_ONE, and another kevent of the same origin was marked first');
    const dillon = teach_points((await runNamed('dillon-basic')).events);
    expect(dillon.some((p) => /writes 4 byte\(s\) into the user's own struct event/.test(p.options[p.answer] as string))).toBe(true);
  });

  test.prop([fc.constantFrom('linux-kevent-basic', 'dillon-basic', 'designs-compare'), fc.integer({ min: 0, max: 0xffffffff })], { numRuns: 40 })(
    'should hold every expectation on pseudo-random interleavings, byte-identically for a seed',
    async (name, seed) => {
      const r = await runNamed(name, name === 'designs-compare' ? { build: 'linux-kevent', seed } : { seed });
      expect(verdict(r)).toBe('done');
      expect(jsonl_run(await runNamed(name, { build: r.header.build, seed }))).toBe(jsonl_run(r));
    },
  );
});
