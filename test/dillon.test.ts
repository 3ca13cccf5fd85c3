import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { dillon_api, EVFILT_READ, LONG_SIZE, POINTER_SIZE } from '../sim/scenario.ts';
import { Uvm } from '../src/designs/uvm.ts';
import { eventsOf, inline, run, runNamed, verdict } from './helpers/run.ts';

describe('simulated user memory (uvm)', () => {
  test.prop([fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 })])(
    'should hand a freed address out again first, to a block of the same size, as a new allocation',
    (sizes) => {
      const m = new Uvm();
      const addrs = sizes.map((s) => m.malloc(s, {}));
      expect(new Set(addrs).size).toBe(addrs.length);
      expect(addrs.every((a) => a !== 0)).toBe(true);
      const victim = addrs[addrs.length - 1] as number;
      const before = m.at(victim)?.serial;
      expect(m.free(victim)).toBe(true);
      expect(m.free(victim)).toBe(false);
      expect(m.at(victim)?.live).toBe(false);
      const again = m.malloc(sizes[sizes.length - 1] as number, {});
      expect(again).toBe(victim);
      expect(m.at(again)?.serial).not.toBe(before);
    },
  );
});

describe("Dillon's 2000 API", () => {
  it('should copy in nothing at kqueuectl and copy out only data and a pointer per event', async () => {
    const r = await runNamed('dillon-basic');
    expect(verdict(r)).toBe('done');
    const copies = eventsOf(r, 'copy');
    expect(copies.filter((c) => c.dir === 'in')).toEqual([]);
    const out = copies.map((c) => c.bytes);
    expect(out.every((b) => b === LONG_SIZE || b === POINTER_SIZE)).toBe(true);
    const returned = eventsOf(r, 'sysret')
      .filter((e) => e.name === 'kevent')
      .reduce((n, e) => n + (e.events?.length ?? 0), 0);
    expect(copies.length).toBe(2 * returned);
  });

  it('should return the pointer the program registered and let it dispatch through its own field', () => {
    const sc = inline('dillon-dispatch', {
      summary: 'dispatch',
      build: 'dillon-2000',
      processes: [
        {
          name: 'p',
          *main(u) {
            const d = dillon_api(u);
            const q = (yield* d.kqueue()).ret;
            const [rd, wr] = (yield* u.pipe()).fds as [number, number];
            let called = 0;
            const ev = d.malloc_event({
              tag: 'mine',
              *dispatch() {
                called++;
              },
            });
            yield* d.kqueuectl(q, EVFILT_READ, rd, ev);
            yield* u.write(wr, 'abc');
            const got = yield* d.kevent1(q, null);
            u.expect(got.ptrs[0] === ev && d.load(ev).data === 3 && d.load(ev).tag === 'mine', 'our struct back, data 3, our field intact');
            yield* d.dispatch(ev);
            u.expect(called === 1, 'dispatch to run once');
          },
        },
      ],
    });
    expect(verdict(run(sc))).toBe('done');
  });
});
