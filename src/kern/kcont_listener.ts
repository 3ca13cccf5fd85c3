/*
 * In-kernel listeners: the use Cahyna's patch was written for. "Set this field [kn_kcont]
 * to any kcont you want (but always call kcont with env_arg set to this knote) and it will
 * be run when knote(9) is called on this knote." A knote listener is a kernel-owned knote
 * on a device klist whose kn_kcont asks for a KC_IPL_* class of its own choosing. For
 * contrast, an `nic0-kcq` listener uses plain kcont(9) (options KCONT, no patch): a kc armed
 * on nic0's kcont queue, which the driver runs from its interrupt and the listener re-arms.
 *
 * This is kqsim's small hook for scenarios (`listeners: [...]` in defineScenario): the
 * runner attaches each listener after boot, and Kernel.teardown_check detaches them once
 * every process has exited, returning each kc to kc_pool (with its knote, for knotes).
 *
 *   KernelListenerDef            { name, klist: 'nic0' | 'com0' | 'tty00' | 'nic0-kcq', ipl }
 *   LISTENER_IPLS                the accepted `ipl` names
 *   kcont_listener_attach(k, d)  a knote on the klist with kn_kcont = kcont(fn, kn, ipl),
 *                                or a kc armed on nic0's kcont queue
 *   kcont_listeners_detach(k)    unlink every listener and free its kc (and knote)
 */
import type { KGen } from '../machine/machine.ts';
import { type Filterops, Knote, Kqueue } from './kern_event.ts';
import {
  KC_IPL_DEFER_PROCESS,
  KC_IPL_DEFER_SOFTCLOCK,
  KC_IPL_DEFER_SOFTNET,
  KC_IPL_DEFER_SOFTSERIAL,
  KC_IPL_IMMED,
  type Kc,
  type KcIpl,
  Kcq,
  kc_free,
  kc_pool_get,
  kcont,
  kcont_enqueue,
  kcont_state,
} from './kern_kcont.ts';
import type { Kernel } from './kernel.ts';
import { Filedesc } from './proc.ts';

export const LISTENER_IPLS = {
  immed: KC_IPL_IMMED,
  softserial: KC_IPL_DEFER_SOFTSERIAL,
  softnet: KC_IPL_DEFER_SOFTNET,
  softclock: KC_IPL_DEFER_SOFTCLOCK,
  process: KC_IPL_DEFER_PROCESS,
} as const satisfies Record<string, KcIpl>;

export const LISTENER_KLISTS = ['nic0', 'com0', 'tty00', 'nic0-kcq'] as const;

export interface KernelListenerDef {
  /** The listener's name in the trace (`ifwatch`). */
  readonly name: string;
  /**
   * nic0: interface events, knote() from nicintr (IPL_NET); com0: line events, knote()
   * from comintr (IPL_SERIAL); tty00: the terminal's read klist (t_rsel), knote() from
   * comsoft's ttwakeup (IPL_SOFTSERIAL, at spltty), the one a 2004 kernel really posts;
   * nic0-kcq: no knote, a kc on nic0's kcont queue, which nicintr runs with
   * kcont_run_all(if_kcq, ifp, if_ipackets, kcont_ipl_of(IPL_NET)). nic0's and com0's
   * klists and nic0's kcont queue are kqsim's: what they show is model-dependent.
   */
  readonly klist: (typeof LISTENER_KLISTS)[number];
  /** The level its continuation asks for (KC_IPL_*). */
  readonly ipl: keyof typeof LISTENER_IPLS;
}

/* What the narration says of a klist kqsim invented: what it triggers is model-dependent. */
const MODEL_DEPENDENT: Partial<Record<KernelListenerDef['klist'], string>> = {
  nic0: " (model-dependent: nic0's interface-event klist is kqsim's; no 2004 driver posts one)",
  com0: " (model-dependent: com0's line-event klist is kqsim's; no 2004 driver posts a knote from IPL_SERIAL)",
  'nic0-kcq': " (model-dependent: nic0's kcont queue is kqsim's; no 2004 driver runs one)",
};

interface Listener {
  readonly def: KernelListenerDef;
  /** The listener's knote; null for a kcont-queue listener. */
  readonly kn: Knote | null;
  readonly kc: Kc;
  runs: number;
}

function listeners(k: Kernel): Listener[] {
  return kcont_state(k).listeners as Listener[];
}

const listener_filtops: Filterops = {
  f_isfd: false,
  f_attach: () => 0,
  f_detach(k, kn) {
    for (const list of [k.net.if_klist, k.tty.sc_klist, k.tty.t_rsel]) {
      const i = list.indexOf(kn);
      if (i >= 0) list.splice(i, 1);
    }
  },
  // Every post on a device's event klist is an event for its listeners.
  *f_event() {
    return true;
  },
};

/* A knote listener's continuation: kc_env_arg is its knote, as the patch asks. */
function* kn_listener_func(k: Kernel, _obj: unknown, env: unknown, _status: number): KGen {
  const l = listeners(k).find((x) => x.kn === env) as Listener;
  l.runs++;
  k.bus.emit('log', { text: `listener ${l.def.name} handles ${l.def.klist} event #${l.runs} (knote ${l.kn?.kn_serial})` });
}

/* A kcont-queue listener's continuation: handle the event, then re-arm for the next one. */
function* if_listener_func(k: Kernel, _obj: unknown, env: unknown, status: number): KGen {
  const l = env as Listener;
  l.runs++;
  k.bus.emit('log', { text: `listener ${l.def.name} handles nic0 event #${l.runs} (${status} packet(s) in so far) and re-arms its kc` });
  yield* kcont_enqueue(k, k.net.if_kcq as Kcq, l.kc);
}

/** Attach one listener; on a build that lacks what it needs, say so and attach nothing. */
export function kcont_listener_attach(k: Kernel, def: KernelListenerDef): void {
  const kcq = def.klist === 'nic0-kcq';
  if (kcq ? k.kcont === null : !k.build.has('kcont-knote')) {
    const needs = kcq ? 'no options KCONT (it needs /KCONT or +kcont-knote)' : 'no kn_kcont (it needs +kcont-knote)';
    k.bus.emit('log', { text: `listener ${def.name} is not attached: build ${k.build.name} has ${needs}` });
    return;
  }
  const ipl = LISTENER_IPLS[def.ipl];
  if (kcq) {
    const q = (k.net.if_kcq ??= new Kcq('if_kcq nic0', false));
    const l: Listener = { def, kn: null, kc: kc_pool_get(k), runs: 0 };
    kcont(k, l.kc, if_listener_func, l, ipl);
    listeners(k).push(l);
    // At boot no interrupt can be taken: the enqueue's preemption points are not yet live.
    for (const _ of kcont_enqueue(k, q, l.kc));
    k.bus.emit('log', {
      text: `listener ${def.name} armed kc ${l.kc.kc_serial} on ${q.chanName}, asking for ${def.ipl}${MODEL_DEPENDENT[def.klist]}`,
    });
    return;
  }
  // A kernel listener belongs to no user kqueue; its knote never reaches kq_func.
  const kq = new Kqueue(0, new Filedesc());
  const kn = k.knote_pool.pool_get(
    () => new Knote(k.kn_serial++, kq, listener_filtops, { ident: 0, filter: 0, flags: 0, fflags: 0, data: 0, udata: 0 }),
  );
  kn.kn_kcont = kcont(k, kc_pool_get(k), kn_listener_func, kn, ipl);
  ({ nic0: k.net.if_klist, com0: k.tty.sc_klist, tty00: k.tty.t_rsel })[def.klist].unshift(kn);
  listeners(k).push({ def, kn, kc: kn.kn_kcont, runs: 0 });
  k.bus.emit('log', {
    text: `listener ${def.name} attached to ${def.klist}: knote ${kn.kn_serial}, kc ${kn.kn_kcont.kc_serial} asks for ${def.ipl}${MODEL_DEPENDENT[def.klist] ?? ''}`,
  });
}

/** Shutdown: detach each listener and free its kc (with its knote). */
export function kcont_listeners_detach(k: Kernel): void {
  for (const l of listeners(k).splice(0)) {
    if (l.kn) listener_filtops.f_detach(k, l.kn);
    kc_free(k, l.kc, l.kn?.kn_serial ?? 0, 'kcont_listeners_detach');
    if (l.kn) k.knote_pool.pool_put(l.kn, 'kcont_listeners_detach');
  }
}
