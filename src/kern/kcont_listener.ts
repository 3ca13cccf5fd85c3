/*
 * In-kernel knote listeners: the use Cahyna's patch was written for. "Set this field
 * [kn_kcont] to any kcont you want (but always call kcont with env_arg set to this knote)
 * and it will be run when knote(9) is called on this knote." A listener is a kernel-owned
 * knote on a device klist whose kn_kcont asks for a KC_IPL_* class of its own choosing.
 *
 * This is kqsim's small hook for scenarios (`listeners: [...]` in defineScenario): the
 * runner attaches each listener after boot, and Kernel.teardown_check detaches them once
 * every process has exited, returning the kc to kc_pool with its knote.
 *
 *   KernelListenerDef            { name, klist: 'nic0' | 'com0', ipl }
 *   LISTENER_IPLS                the accepted `ipl` names
 *   kcont_listener_attach(k, d)  a knote on the klist with kn_kcont = kcont(fn, kn, ipl)
 *   kcont_listeners_detach(k)    unlink every listener and free its kc and knote
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
  kc_free,
  kc_pool_get,
  kcont,
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

export interface KernelListenerDef {
  /** The listener's name in the trace (`ifwatch`). */
  readonly name: string;
  /** nic0: interface events from nicintr (IPL_NET); com0: line events from comintr (IPL_SERIAL). */
  readonly klist: 'nic0' | 'com0';
  /** The level its continuation asks for (KC_IPL_*). */
  readonly ipl: keyof typeof LISTENER_IPLS;
}

interface Listener {
  readonly def: KernelListenerDef;
  readonly kn: Knote;
  runs: number;
}

function klist_of(k: Kernel, def: KernelListenerDef): Knote[] {
  return def.klist === 'nic0' ? k.net.if_klist : k.tty.sc_klist;
}

const listener_filtops: Filterops = {
  f_isfd: false,
  f_attach: () => 0,
  f_detach(k, kn) {
    for (const list of [k.net.if_klist, k.tty.sc_klist]) {
      const i = list.indexOf(kn);
      if (i >= 0) list.splice(i, 1);
    }
  },
  // Every post on a device's event klist is an event for its listeners.
  *f_event() {
    return true;
  },
};

function listener_of(k: Kernel, kn: Knote): Listener {
  return (kcont_state(k).listeners as Listener[]).find((l) => l.kn === kn) as Listener;
}

/* The listener's continuation: kc_env_arg is its knote, as the patch asks. */
function* kn_listener_func(k: Kernel, _obj: unknown, env: unknown, _status: number): KGen {
  const l = listener_of(k, env as Knote);
  l.runs++;
  k.bus.emit('log', { text: `listener ${l.def.name} handles ${l.def.klist} event #${l.runs} (knote ${l.kn.kn_serial})` });
}

/** Attach one listener; on a build without kn_kcont there is nothing to attach it with. */
export function kcont_listener_attach(k: Kernel, def: KernelListenerDef): void {
  if (!k.build.has('kcont-knote')) {
    k.bus.emit('log', { text: `listener ${def.name} is not attached: build ${k.build.name} has no kn_kcont (it needs +kcont-knote)` });
    return;
  }
  // A kernel listener belongs to no user kqueue; its knote never reaches kq_func.
  const kq = new Kqueue(0, new Filedesc());
  const kn = k.knote_pool.pool_get(
    () => new Knote(k.kn_serial++, kq, listener_filtops, { ident: 0, filter: 0, flags: 0, fflags: 0, data: 0, udata: 0 }),
  );
  kn.kn_kcont = kcont(k, kc_pool_get(k), kn_listener_func, kn, LISTENER_IPLS[def.ipl]);
  klist_of(k, def).unshift(kn);
  kcont_state(k).listeners.push({ def, kn, runs: 0 } satisfies Listener);
  k.bus.emit('log', {
    text: `listener ${def.name} attached to ${def.klist}: knote ${kn.kn_serial}, kc ${kn.kn_kcont.kc_serial} asks for ${def.ipl}`,
  });
}

/** Shutdown: detach each listener and free its kc with its knote. */
export function kcont_listeners_detach(k: Kernel): void {
  const st = kcont_state(k);
  for (const l of st.listeners.splice(0) as Listener[]) {
    listener_filtops.f_detach(k, l.kn);
    kc_free(k, l.kn.kn_kcont as Kc, l.kn.kn_serial, 'kcont_listeners_detach');
    k.knote_pool.pool_put(l.kn, 'kcont_listeners_detach');
  }
}
