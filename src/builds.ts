/*
 * Named kernel builds: a base version plus patches (design decision 5). Kernel code asks
 * `k.build.has('patch-name')` at exactly the places a patch changed, so the difference
 * between two builds reads like the patch itself.
 *
 *   BASES, PATCHES      what exists, with one-line descriptions
 *   BUILDS              the canonical build names users' scripts rely on
 *   patch_build(patch)  the build a patch is shown on (its base and the patches it requires)
 *   OPTIONS             kernel options (config(8) `options X`) a build name can switch
 *   build_parse(name)   `base+patch+patch[/OPTION/-OPTION]` -> Build, or an error naming the
 *                       valid choices (a configuration config(8) would refuse is an error too)
 *
 * Kernel options: a patch may imply options (`kcont-knote` implies `options KCONT`, as the
 * patch's mail says it is needed). After the patches, `/X` adds option X and `/-X` removes
 * it: `netbsd-2.0/KCONT` is the stock kernel with kcont(9) configured in, and
 * `netbsd-2.0+kcont-knote/-KCONT` is the patch without KCONT, which the real kernel build
 * would fail to link (kern_event.c would call kcont_run and use kc_pool): refused.
 */

/**
 * The non-BSD designs (src/designs/): their own event subsystem and syscalls on the same
 * machine, devices, sockets, pipes and timers as netbsd-2.0.
 */
export type DesignName = 'linux-kevent' | 'dillon-2000';

export type BaseName = 'netbsd-2.0' | 'netbsd-4.0' | 'netbsd-modern' | DesignName;

export type PatchName =
  | 'mutant-lost-wakeup'
  | 'mutant-double-enqueue'
  | 'mutant-count-skew'
  | 'mutant-return-disabled'
  | 'mutant-oneshot-requeue'
  | 'mutant-enqueue-nospl'
  | 'mutant-dequeue-nospl'
  | 'mutant-register-nospl'
  | 'mutant-wakeup-before-sleep'
  | 'mutant-scan-recheck-window'
  | 'mutant-marker-early'
  | 'mutant-soreceive-nospl'
  | 'mutant-sbwait-unlocked'
  | 'mutant-ipintr-nospl'
  | 'mutant-timeout-left-armed'
  | 'mutant-ttread-nospl'
  | 'kcont-knote'
  | 'kcont-run-one'
  | 'mutant-kc-autofree'
  | 'mutant-kcont-inverted-ipl'
  | 'mutant-kc-leak'
  | 'ktickle-v1'
  | 'ktickle-v2'
  | 'ktickle-v2-splsched'
  | 'mutant-tickle-no-wakeup'
  | 'mutant-tickle-sticky'
  | 'mutant-wakeup-all'
  | 'mutant-oneshot-kept'
  | 'mutant-no-last-check'
  | 'mutant-remove-stays-ready'
  | 'mutant-ring-skipped'
  | 'mutant-copy-whole-event';

/** Kernel options (config(8)) a build can carry. */
export type OptionName = 'KCONT';

export interface OptionInfo {
  readonly name: OptionName;
  readonly description: string;
  /** The releases whose tree has the option. */
  readonly bases: readonly BaseName[];
}

export const OPTIONS: readonly OptionInfo[] = [
  {
    name: 'KCONT',
    description: 'kcont(9): continuations, their soft interrupts and the kcont kthread (sys/kern/kern_kcont.c)',
    // kern_kcont.c was in the tree from 2004 into the 5.0 development cycle.
    bases: ['netbsd-2.0', 'netbsd-4.0'],
  },
];

export interface BaseInfo {
  readonly name: BaseName;
  readonly description: string;
  /** A non-BSD design: its event syscalls are its own, on a netbsd-2.0 machine. */
  readonly design?: boolean;
}

export interface PatchInfo {
  readonly name: PatchName;
  readonly description: string;
  /** Test-the-tester mutants: deliberately broken builds that an invariant must catch. */
  readonly mutant: boolean;
  readonly bases: readonly BaseName[];
  /** Patches this one is written against; `kqsim list` shows it on top of them. */
  readonly requires?: readonly PatchName[];
  /** Kernel options the patch turns on. */
  readonly implies?: readonly OptionName[];
  /** Kernel options without which the kernel would not link. */
  readonly needs?: readonly OptionName[];
  /**
   * The patch this one is a revision of: a build with it has both names, so kernel code
   * asks for the original everywhere and for the revision only where it differs.
   */
  readonly revises?: PatchName;
}

export const BASES: readonly BaseInfo[] = [
  { name: 'netbsd-2.0', description: 'NetBSD 2.0: kern_event.c 1.19, spl-protected kqueue on a uniprocessor' },
  { name: 'netbsd-4.0', description: 'NetBSD 4.0: kern_event.c 1.41 (Oct 2007), kq_lock simple_lock + splsched, KQ_SLEEP' },
  {
    name: 'netbsd-modern',
    description:
      'NetBSD 10 era (kern_event.c 1.140): EVFILT_USER, EV_DISPATCH, EV_RECEIPT, f_touch, timer units and NOTE_ABSTIME, NOTE_EXIT status, EVFILT_EMPTY; modern pipe, FIFO and vnode filters',
  },
  {
    name: 'linux-kevent',
    description: "Evgeniy Polyakov's Linux kevent (take24, LKML 2006-11): /dev/kevent, kevent_ctl, kevent_get_events, kevent_wait, the ring",
    design: true,
  },
  {
    name: 'dillon-2000',
    description: "Matt Dillon's kqueue API (freebsd-arch 2000-04): kqueuectl(qfd, filter, fd, ev), kevent returns the user's own structs",
    design: true,
  },
];

export const PATCHES: readonly PatchInfo[] = [
  {
    name: 'mutant-lost-wakeup',
    description: 'kqueue_scan tests kq_count before raising to splsched: an event landing in between is never woken for',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-double-enqueue',
    description: 'KNOTE_ACTIVATE forgets the KN_QUEUED test (and knote_enqueue its KASSERT): a knote can be queued twice',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-count-skew',
    description: 'knote_dequeue forgets to decrement kq_count',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-return-disabled',
    description: 'kqueue_scan forgets to skip KN_DISABLED knotes',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-oneshot-requeue',
    description: 'kqueue_scan requeues EV_ONESHOT knotes as if they were level-triggered',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  /*
   * Seeded kernel races (issue 13): each removes one protection at one place, so that only
   * some interleavings fail. test/mutants.test.ts shows each caught by what it was written
   * for, and `kqsim score` measures how fast each strategy finds it.
   */
  {
    name: 'mutant-enqueue-nospl',
    description:
      'knote_enqueue without splsched: an interrupt inside TAILQ_INSERT_TAIL queues a knote that the store through the stale tail then overwrites',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-dequeue-nospl',
    description: 'knote_dequeue without splsched: a knote an interrupt links behind the last one while it is removed is cut off the queue',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-register-nospl',
    description:
      "kqueue_register runs f_event and KNOTE_ACTIVATE at spl0: an interrupt between KNOTE_ACTIVATE's KN_QUEUED test and knote_enqueue queues the knote first",
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-wakeup-before-sleep',
    description:
      'kqueue_scan lowers the spl after setting KQ_SLEEP but before ltsleep puts the lwp on the sleep queue: a wakeup in between finds nobody',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-scan-recheck-window',
    description: 'kqueue_scan lowers the spl between f_event finding a queued knote false and clearing KN_QUEUED: an activation in between is lost',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-marker-early',
    description:
      'kqueue_scan takes its marker off the queue at the EV_ONESHOT splx and scans on until the queue is empty: a requeued knote comes back in the same call',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-soreceive-nospl',
    description:
      'soreceive reads sb_cc outside splsoftnet and writes it back after an interruptible window: a datagram appended meanwhile is not counted',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-sbwait-unlocked',
    description: 'soreceive sets sb_wait and lets interrupts in before it sleeps: sorwakeup in between wakes nobody and clears sb_wait',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-ipintr-nospl',
    description: "ipintr's IF_DEQUEUE without splnet: a packet nicintr links behind the last one taken is lost when the tail is reset",
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-timeout-left-armed',
    description: 'ltsleep woken before its timeout leaves the timeout callout armed: endtsleep later ends a sleep that asked for no timeout',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'mutant-ttread-nospl',
    description: 'ttread takes characters from t_rawq outside spltty: what comsoft appends in between is overwritten',
    mutant: true,
    bases: ['netbsd-2.0'],
  },
  {
    name: 'kcont-knote',
    description: "Pavel Cahyna's 2004 patch: every knote gets a kcont (kn_kcont) that KNOTE_ACTIVATE runs; implies options KCONT",
    mutant: false,
    bases: ['netbsd-2.0'],
    implies: ['KCONT'],
    needs: ['KCONT'],
  },
  {
    name: 'kcont-run-one',
    description: "Jonathan Stone's review: the single-kc function is called kcont_run_one, kcont_run keeps its meaning",
    mutant: false,
    bases: ['netbsd-2.0'],
    requires: ['kcont-knote'],
  },
  {
    name: 'mutant-kc-autofree',
    description: 'EV_ADD marks kn_kcont KC_AUTOFREE (as the kcont_malloc comment promises): kcont_run frees it after its first run',
    mutant: true,
    bases: ['netbsd-2.0'],
    requires: ['kcont-knote'],
  },
  {
    name: 'mutant-kcont-inverted-ipl',
    description: 'kcont_run tests curipl >= kc_ipl: a continuation runs at once from a context above the level it asked for',
    mutant: true,
    bases: ['netbsd-2.0'],
    requires: ['kcont-knote'],
  },
  {
    name: 'mutant-kc-leak',
    description: "kqueue_close's second loop (fd_knhash: timer, signal, proc knotes) frees the knote but not its kc",
    mutant: true,
    bases: ['netbsd-2.0'],
    requires: ['kcont-knote'],
  },
  {
    name: 'ktickle-v1',
    description: "Antti Kantee's first ktickle: a tickle is returned as EINTR even when real events are pending",
    mutant: false,
    bases: ['netbsd-4.0'],
  },
  {
    name: 'ktickle-v2',
    description: 'ktickle v2 (tech-kern, 2007-10-25): a kqueue ioctl wakes kevent, which returns EINTR if nothing is pending',
    mutant: false,
    bases: ['netbsd-4.0'],
  },
  {
    name: 'ktickle-v2-splsched',
    description:
      'ktickle v2 with splsched() around its kq_lock (the ioctl and the clear on the way out of kqueue_scan), as every other kq_lock in 1.41 is taken',
    mutant: false,
    bases: ['netbsd-4.0'],
    revises: 'ktickle-v2',
  },
  {
    name: 'mutant-tickle-no-wakeup',
    description: 'the tickle ioctl sets KQ_TICKLED but forgets kqueue_wakeup: a sleeping kevent never hears it',
    mutant: true,
    bases: ['netbsd-4.0'],
    requires: ['ktickle-v2'],
  },
  {
    name: 'mutant-tickle-sticky',
    description: 'kqueue_scan forgets to clear KQ_TICKLED when it returns the tickle as EINTR',
    mutant: true,
    bases: ['netbsd-4.0'],
    requires: ['ktickle-v2'],
  },
  {
    name: 'mutant-wakeup-all',
    description: 'kevent_storage_ready ignores KEVENT_REQ_WAKEUP_ONE: every kevent on the storage is marked ready',
    mutant: true,
    bases: ['linux-kevent'],
  },
  {
    name: 'mutant-oneshot-kept',
    description: 'kevent_complete_ready forgets to remove a delivered KEVENT_REQ_ONESHOT kevent',
    mutant: true,
    bases: ['linux-kevent'],
  },
  {
    name: 'mutant-no-last-check',
    description: 'the dequeue skips the KEVENT_REQ_LAST_CHECK re-check and copies the kevent out anyway',
    mutant: true,
    bases: ['linux-kevent'],
  },
  {
    name: 'mutant-remove-stays-ready',
    description: 'KEVENT_CTL_REMOVE forgets to unlink a ready kevent from the ready queue',
    mutant: true,
    bases: ['linux-kevent'],
  },
  {
    name: 'mutant-ring-skipped',
    description: "kqueue_dequeue_ready never copies a kevent into the ring: only kevent_get_events's buffer gets it",
    mutant: true,
    bases: ['linux-kevent'],
  },
  {
    name: 'mutant-copy-whole-event',
    description: 'kevent copies the whole kernel event out over the user struct instead of only its data field',
    mutant: true,
    bases: ['dillon-2000'],
  },
];

export interface Build {
  readonly name: string;
  readonly base: BaseName;
  readonly patches: readonly PatchName[];
  has(patch: PatchName): boolean;
  /** Kernel options in effect (implied by patches, then `/X` and `/-X`), sorted. */
  readonly options: readonly OptionName[];
  option(name: OptionName): boolean;
  /** The build's event design: a non-BSD design's name, or null for NetBSD's kqueue. */
  readonly design: DesignName | null;
}

/** The machine under a design is netbsd-2.0's. */
function machine_base(base: BaseName): BaseName {
  return BASES.find((b) => b.name === base)?.design ? 'netbsd-2.0' : base;
}

/** Bases in release order: `kern_version_at_least` compares positions in this list. */
const BASE_ORDER: readonly BaseName[] = ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'];

/** Whether the build's kernel is `base` or later (for code that changed between releases). */
export function kern_version_at_least(build: Build, base: BaseName): boolean {
  return BASE_ORDER.indexOf(machine_base(build.base)) >= BASE_ORDER.indexOf(base);
}

/** The build of `patch` on `base` (default: its first base), on top of the patches it requires. */
export function patch_build(patch: PatchName, base?: BaseName): string {
  const p = PATCHES.find((x) => x.name === patch) as PatchInfo;
  return [base ?? p.bases[0], ...(p.requires ?? []), p.name].join('+');
}

/**
 * The builds `kqsim list` shows: every base alone, with each patch that applies to it (on
 * top of the patches it requires), and each base with each option added.
 */
export const BUILDS: readonly string[] = BASES.flatMap((b) => [
  b.name,
  ...PATCHES.filter((p) => p.bases.includes(b.name)).map((p) => patch_build(p.name, b.name)),
  ...OPTIONS.filter((o) => o.bases.includes(b.name)).map((o) => `${b.name}/${o.name}`),
]);

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

export function build_parse(name: string): Build {
  const [patchPart = '', ...optionTokens] = name.split('/');
  const [baseName, ...patchNames] = patchPart.split('+');
  const base = BASES.find((b) => b.name === baseName);
  if (!base) {
    throw new BuildError(`unknown build '${name}': valid builds are ${BUILDS.join(', ')}`);
  }
  const patches: PatchName[] = [];
  for (const pn of patchNames) {
    const p = PATCHES.find((x) => x.name === pn);
    if (!p) {
      const valid = PATCHES.filter((x) => x.bases.includes(base.name)).map((x) => x.name);
      throw new BuildError(`unknown patch '${pn}' in build '${name}': patches for ${base.name} are ${valid.join(', ')}`);
    }
    if (!p.bases.includes(base.name)) {
      throw new BuildError(`patch '${pn}' does not apply to ${base.name} (it applies to ${p.bases.join(', ')})`);
    }
    if (patches.includes(p.name)) throw new BuildError(`patch '${pn}' named twice in build '${name}'`);
    patches.push(p.name);
  }
  const set = new Set<PatchName>(patches);
  for (const p of patches) {
    const original = PATCHES.find((x) => x.name === p)?.revises;
    if (original === undefined) continue;
    if (set.has(original)) throw new BuildError(`patch '${p}' is a revision of '${original}': name one of them`);
    set.add(original);
  }
  if (set.has('ktickle-v1') && set.has('ktickle-v2')) throw new BuildError(`ktickle-v1 and ktickle-v2 are two versions of one patch: pick one`);
  for (const p of patches) {
    for (const r of PATCHES.find((x) => x.name === p)?.requires ?? []) {
      if (!set.has(r)) throw new BuildError(`patch '${p}' in build '${name}' is written against '${r}': use ${[base.name, r, p].join('+')}`);
    }
  }
  const options = build_options(name, base.name, patches, optionTokens);
  const optset = new Set<OptionName>(options);
  const design = base.design ? (base.name as DesignName) : null;
  return { name, base: base.name, patches, has: (p) => set.has(p), options, option: (o) => optset.has(o), design };
}

/** Options implied by the patches, then each `/X` or `/-X` in order; checks what patches need. */
function build_options(name: string, base: BaseName, patches: readonly PatchName[], tokens: readonly string[]): OptionName[] {
  const on = new Set<OptionName>();
  for (const p of patches) for (const o of PATCHES.find((x) => x.name === p)?.implies ?? []) on.add(o);
  for (const tok of tokens) {
    const remove = tok.startsWith('-');
    const o = OPTIONS.find((x) => x.name === (remove ? tok.slice(1) : tok));
    if (!o) {
      throw new BuildError(
        `unknown kernel option '${tok}' in build '${name}': options are ${OPTIONS.map((x) => x.name).join(', ')} (write /X to add, /-X to remove)`,
      );
    }
    if (!o.bases.includes(base)) throw new BuildError(`kernel option '${o.name}' does not exist in ${base} (it does in ${o.bases.join(', ')})`);
    if (remove) on.delete(o.name);
    else on.add(o.name);
  }
  for (const p of patches) {
    for (const o of PATCHES.find((x) => x.name === p)?.needs ?? []) {
      if (!on.has(o)) {
        throw new BuildError(
          `configuration error in build '${name}': patch '${p}' needs 'options ${o}' (kern_event.c calls kcont_run and uses kc_pool, which only exist with it): config(8) and the kernel link would fail`,
        );
      }
    }
  }
  return [...on].sort();
}
