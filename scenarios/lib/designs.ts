/*
 * The designs-compare workload, written once against a small adapter per event design:
 * N UDP sockets, M datagrams arriving from nic0 interrupts, K threads of one server waiting
 * for them. Each worker thread waits (a 30 ms timeout), then drains every descriptor it was
 * told about until EAGAIN, until all M datagrams are read or it has waited ROUNDS times.
 * Markers for `kqsim compare` (sim/compare/designs.ts):
 *
 *   `designs: workload D N sockets, M datagrams, K threads`   the design D in use
 *   `designs: empty event fd F`   a returned event whose first read found nothing
 *   `designs: done R datagrams read`
 *
 * Each adapter uses its design as its author meant: kqueue with level-triggered EV_ADD;
 * Linux kevent with KEVENT_REQ_ET | KEVENT_REQ_LAST_CHECK on one shared queue; Dillon with
 * a malloc'd struct event per socket whose pointer kevent hands back. This file is a
 * helper, not a scenario (scenarios/lib is not listed).
 */
import {
  dillon_api,
  EV_ADD,
  EV_SET,
  EVFILT_READ,
  event_design,
  KEVENT_CTL_ADD,
  KEVENT_REQ_ET,
  KEVENT_REQ_LAST_CHECK,
  KEVENT_SOCKET,
  KEVENT_SOCKET_RECV,
  kevent_api,
  type Libc,
  type StructEvent,
  ukevent,
} from '../../sim/scenario.ts';
import type { Yield } from '../../src/machine/machine.ts';

type UGen<T = void> = Generator<Yield, T, void>;

export const PORTS = [7, 8, 9] as const;
export const THREADS = 2;
/**
 * Two a tick over ticks 2-4: while the server sets up, at most one clock tick passes (the
 * default busy_ticks_max), so the clock reaches tick 2 only once every thread sleeps,
 * sockets bound and watched. From tick 1 they could come before bind and be dropped.
 */
export const DATAGRAMS = Array.from({ length: 6 }, (_, i) => ({
  at: 2 + Math.floor(i / 2),
  port: PORTS[i % PORTS.length] as number,
  data: `dg${i}`,
}));
/** Events asked for per wait call, and the wait's timeout. */
const NMAX = 2;
const TIMEOUT_MS = 30;
const ROUNDS = 12;

/** One event design behind three calls. */
interface EventAdapter {
  /** On the main thread: make the queue and watch every socket. */
  setup(u: Libc, socks: readonly number[]): UGen;
  /** On a worker: one wait; the descriptors reported ready ([] on timeout). */
  wait(w: Libc): UGen<number[]>;
  teardown(u: Libc): UGen;
}

function kqueue_adapter(): EventAdapter {
  let kq = -1;
  return {
    *setup(u, socks) {
      kq = (yield* u.kqueue()).ret;
      yield* u.kevent(
        kq,
        socks.map((so) => EV_SET(so, EVFILT_READ, EV_ADD)),
        0,
      );
    },
    *wait(w) {
      const r = yield* w.kevent(kq, [], NMAX, { sec: 0, nsec: TIMEOUT_MS * 1_000_000 });
      return r.events.map((e) => e.ident);
    },
    *teardown(u) {
      yield* u.close(kq);
    },
  };
}

function linux_kevent_adapter(): EventAdapter {
  let q = -1;
  return {
    *setup(u, socks) {
      const lk = kevent_api(u);
      q = (yield* lk.open()).ret;
      const reqs = socks.map((so) => ukevent(so, KEVENT_SOCKET, KEVENT_SOCKET_RECV, KEVENT_REQ_ET | KEVENT_REQ_LAST_CHECK, [so, 0]));
      yield* lk.kevent_ctl(q, KEVENT_CTL_ADD, reqs.length, reqs);
    },
    *wait(w) {
      const r = yield* kevent_api(w).kevent_get_events(q, 1, NMAX, TIMEOUT_MS * 1_000_000);
      return r.ukevents.map((uk) => uk.id[0]);
    },
    *teardown(u) {
      yield* u.close(q);
    },
  };
}

function dillon_adapter(): EventAdapter {
  let q = -1;
  const evs: number[] = [];
  return {
    *setup(u, socks) {
      const d = dillon_api(u);
      q = (yield* d.kqueue()).ret;
      for (const so of socks) {
        const ev = d.malloc_event({ fd: so, dispatch: null });
        evs.push(ev);
        yield* d.kqueuectl(q, EVFILT_READ, so, ev);
      }
    },
    *wait(w) {
      const d = dillon_api(w);
      const r = yield* d.kevent(q, NMAX, { sec: 0, nsec: TIMEOUT_MS * 1_000_000 });
      return r.ptrs.map((p) => (d.load(p) as StructEvent & { fd: number }).fd);
    },
    *teardown(u) {
      const d = dillon_api(u);
      for (const ev of evs) {
        yield* d.kqueuectl(q, EVFILT_READ, (d.load(ev) as StructEvent & { fd: number }).fd, 0);
        yield* d.free(ev);
      }
      yield* u.close(q);
    },
  };
}

const ADAPTERS = { kqueue: kqueue_adapter, 'linux-kevent': linux_kevent_adapter, 'dillon-2000': dillon_adapter } as const;

/** The server: sockets, the adapter's queue, K workers, then teardown. */
export function* designs_workload(u: Libc): UGen {
  const design = event_design(u);
  const ad = ADAPTERS[design]();
  u.log(`designs: workload ${design} ${PORTS.length} sockets, ${DATAGRAMS.length} datagrams, ${THREADS} threads`);
  const socks: number[] = [];
  for (const port of PORTS) {
    const so = (yield* u.socket()).ret;
    yield* u.bind(so, port);
    socks.push(so);
  }
  yield* ad.setup(u, socks);
  const shared = { read: 0 };
  const lids: number[] = [];
  for (let t = 0; t < THREADS; t++) {
    const lid = yield* u.lwp_create(`worker${t}`, function* (w) {
      for (let round = 0; round < ROUNDS && shared.read < DATAGRAMS.length; round++) {
        for (const fd of yield* ad.wait(w)) {
          let got = 0;
          for (let r = yield* w.read(fd, 64, { nonblock: true }); r.ret > 0; r = yield* w.read(fd, 64, { nonblock: true })) got++;
          shared.read += got;
          if (got === 0) w.log(`designs: empty event fd ${fd}`);
        }
      }
    });
    lids.push(lid.ret);
  }
  for (const lid of lids) yield* u.lwp_wait(lid);
  u.log(`designs: done ${shared.read} datagrams read`);
  u.expect(shared.read <= DATAGRAMS.length, 'no datagram to be read twice');
  yield* ad.teardown(u);
  for (const so of socks) yield* u.close(so);
}
