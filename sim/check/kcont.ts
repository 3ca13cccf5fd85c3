/*
 * Named invariants of kcont(9) (checked only on builds with `options KCONT`). They watch the
 * kcont trace events (src/trace.ts) and the machine's real cpl, never kcont's own opinion
 * of where it runs, so they catch a port whose levels do not mean what kcont assumes.
 *
 *   kcont-ipl-no-higher        a continuation runs at an IPL no higher than it asked for
 *   kcont-once-per-request     each run request runs the kc exactly once
 *   kcont-fifo                 a kcont queue is FIFO, holds a kc at most once, loses none
 *   kcont-class-order          (a finding: latency) a deferred kc runs while a higher class waits
 *   kcont-not-after-free       a kc is never run (or asked to run) after pool_put
 *   kcont-freed-with-knote     every knote's kc goes back to kc_pool exactly once, with it
 *
 * Each has a test that makes it fail (test/kcont_invariants.test.ts).
 */
import { KC_IPL_DEFER_PROCESS, type KcIpl, kc_ipl_by_name, kc_ipl_spl } from '../../src/kern/kern_kcont.ts';
import type { Invariant, InvariantWatch } from './invariant.ts';

const NONE: InvariantWatch = {};

function class_of(name: string): KcIpl {
  return kc_ipl_by_name(name) ?? KC_IPL_DEFER_PROCESS;
}

const kcontIplNoHigher: Invariant = {
  name: 'kcont-ipl-no-higher',
  description: "a continuation runs at an IPL no higher than it asked for (by the port's own masks, not kcont's scale)",
  watch: (k) =>
    k.kcont === null
      ? NONE
      : {
          on: {
            'kcont-run'(ev) {
              const level = kc_ipl_spl(class_of(ev.asked));
              if (level === null) return null; // KC_IPL_IMMED promises nothing
              const m = k.m;
              const ok = m.platform.covers(m.platform.cplOf(level), m.cpl) && (level !== 'none' || !m.inInterrupt());
              if (ok) return null;
              return `kc ${ev.kc} (${ev.fn}) asked for ${ev.asked} but ${ev.by} calls it in ${m.contextName()} at cpl ${m.iplName()}, which on ${m.platform.name} blocks more than ${level === 'none' ? 'spl0 in process context' : `IPL_${level.toUpperCase()}`} does (its caller said ${ev.curipl})`;
            },
          },
        },
};

const kcontOncePerRequest: Invariant = {
  name: 'kcont-once-per-request',
  description: 'each request to run a continuation runs it exactly once (none stranded, none run twice)',
  watch: (k) => {
    if (k.kcont === null) return NONE;
    const pending = new Map<number, number>();
    const where = new Map<number, string>();
    return {
      on: {
        'kcont-request'(ev) {
          pending.set(ev.kc, (pending.get(ev.kc) ?? 0) + 1);
          return null;
        },
        'kcont-deferred'(ev) {
          where.set(ev.kc, `deferred onto ${ev.queue}`);
          return null;
        },
        'kcont-run'(ev) {
          const n = pending.get(ev.kc) ?? 0;
          if (n === 0) return `kc ${ev.kc} (${ev.fn}) runs from ${ev.by} with no run request left: one request ran it twice`;
          pending.set(ev.kc, n - 1);
          return null;
        },
      },
      atEnd() {
        for (const [kc, n] of pending) {
          if (n > 0) return `kc ${kc} was asked to run ${n} more time(s) than it ran (last ${where.get(kc) ?? 'never deferred'}): stranded`;
        }
        return null;
      },
    };
  },
};

/** The shared model of every kcont queue, built from enqueue/dequeue events. */
function queue_model() {
  const queues = new Map<string, number[]>();
  const q = (name: string) => {
    let list = queues.get(name);
    if (!list) queues.set(name, (list = []));
    return list;
  };
  return { queues, q };
}

const kcontFifo: Invariant = {
  name: 'kcont-fifo',
  description: 'a kcont queue hands out kcs in the order they were queued, holds a kc at most once and loses none',
  watch: (k) => {
    if (k.kcont === null) return NONE;
    const { q } = queue_model();
    return {
      on: {
        'kcont-enqueued'(ev) {
          const list = q(ev.queue);
          if (list.includes(ev.kc)) {
            return `kc ${ev.kc} is inserted on ${ev.queue} while it is already on it: SIMPLEQ_INSERT_TAIL relinks it at the tail and corrupts the list`;
          }
          list.push(ev.kc);
          return null;
        },
        'kcont-dequeued'(ev) {
          const list = q(ev.queue);
          const head = list[0];
          if (ev.kc === 0) {
            if (head !== undefined) return `${ev.queue} reads as empty, but kc ${head} was queued on it and never taken off: the queue lost it`;
            return null;
          }
          if (head !== ev.kc) {
            return `${ev.queue} hands out kc ${ev.kc} ${head === undefined ? 'although nothing is queued' : `before kc ${head}, which was queued first`}: the queue was corrupted`;
          }
          list.shift();
          return null;
        },
      },
    };
  },
};

/*
 * A finding, not a correctness property: kcont(9) never promised an order between classes,
 * only that a kc runs at no higher level than it asked. A lower class running first is a
 * latency of the higher one (Stone's IPL-order worry), reported and the run goes on.
 */
const kcontClassOrder: Invariant = {
  name: 'kcont-class-order',
  description: 'finding (latency): a deferred continuation runs while one of a higher KC_IPL class still waits on a deferral queue',
  finding: true,
  watch: (k) => {
    const st = k.kcont;
    if (st === null) return NONE;
    const deferral = new Set([st.kcq_softclock, st.kcq_softnet, st.kcq_softserial, st.kcq_process_ctxt].map((x) => x.chanName));
    const { queues, q } = queue_model();
    const asked = new Map<number, string>();
    return {
      on: {
        'kcont-alloc'(ev) {
          asked.set(ev.kc, ev.asked);
          return null;
        },
        'kcont-enqueued'(ev) {
          if (deferral.has(ev.queue)) q(ev.queue).push(ev.kc);
          return null;
        },
        'kcont-dequeued'(ev) {
          if (!deferral.has(ev.queue)) return null;
          const list = q(ev.queue);
          const i = list.indexOf(ev.kc);
          if (i >= 0) list.splice(i, 1);
          return null;
        },
        'kcont-run'(ev) {
          if (!ev.deferred) return null;
          const mine = class_of(ev.asked);
          for (const [name, list] of queues) {
            for (const other of list) {
              const theirs = asked.get(other) ?? '';
              if (class_of(theirs) > mine) {
                const why = k.m.platform.genericSoftInterrupts
                  ? ''
                  : `: ${k.m.platform.name} has no generic soft interrupts, so every class waits on the kthread's one FIFO queue`;
                return `kc ${ev.kc} (${ev.asked}) runs from a deferral drain while kc ${other}, which asked for the higher ${theirs}, still waits on ${name}${why}`;
              }
            }
          }
          return null;
        },
      },
    };
  },
};

const kcontNotAfterFree: Invariant = {
  name: 'kcont-not-after-free',
  description: 'a continuation is never run, or asked to run, after its kc went back to kc_pool',
  watch: (k) => {
    if (k.kcont === null) return NONE;
    const freed = new Map<number, string>();
    const used = (what: string, ev: { kc: number; fn: string; by: string }) =>
      freed.has(ev.kc) ? `kc ${ev.kc} (${ev.fn}) is ${what} by ${ev.by} after ${freed.get(ev.kc)} returned it to kc_pool (use after free)` : null;
    return {
      on: {
        'kcont-free'(ev) {
          freed.set(ev.kc, ev.by);
          return null;
        },
        'kcont-run': (ev) => used('run', ev),
        'kcont-request': (ev) => used('asked to run', ev),
      },
    };
  },
};

const kcontFreedWithKnote: Invariant = {
  name: 'kcont-freed-with-knote',
  description: "every knote's kc is returned to kc_pool exactly once, when its knote is dropped",
  watch: (k) => {
    if (k.kcont === null) return NONE;
    const kcOf = new Map<number, number>();
    const lastOp = new Map<number, string>();
    // kc -> who freed it, and whether its knote was being dropped then.
    const freed = new Map<number, { by: string; withKnote: boolean }>();
    return {
      on: {
        'kcont-alloc'(ev) {
          if (ev.kn !== 0) kcOf.set(ev.kn, ev.kc);
          return null;
        },
        knote(ev) {
          lastOp.set(ev.kn, ev.op);
          return null;
        },
        'kcont-free'(ev) {
          if (ev.kn === 0) return null;
          const withKnote = lastOp.get(ev.kn) === 'drop' || ev.by === 'kcont_listeners_detach';
          const before = freed.get(ev.kc);
          if (before) {
            return `kc ${ev.kc} of knote ${ev.kn} is returned to kc_pool twice: by ${before.by}${before.withKnote ? '' : ' while its knote lived'}, then by ${ev.by}`;
          }
          freed.set(ev.kc, { by: ev.by, withKnote });
          return null;
        },
      },
      // A kc freed early is caught when its knote goes (above, or by the pool's use-after-free).
      atEnd() {
        for (const [kn, kc] of kcOf) {
          if (!freed.has(kc) && lastOp.get(kn) === 'drop') return `knote ${kn} was dropped but its kc ${kc} never went back to kc_pool`;
        }
        return null;
      },
    };
  },
};

export const KCONT_INVARIANTS: readonly Invariant[] = [
  kcontIplNoHigher,
  kcontOncePerRequest,
  kcontFifo,
  kcontClassOrder,
  kcontNotAfterFree,
  kcontFreedWithKnote,
];
