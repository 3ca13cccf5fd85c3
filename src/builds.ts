/*
 * Named kernel builds: a base version plus patches (design decision 5). Kernel code asks
 * `k.build.has('patch-name')` at exactly the places a patch changed, so the difference
 * between two builds reads like the patch itself.
 *
 *   BASES, PATCHES      what exists, with one-line descriptions
 *   BUILDS              the canonical build names users' scripts rely on
 *   build_parse(name)   `base+patch+patch` -> Build, or an error naming the valid choices
 */

export type BaseName = 'netbsd-2.0' | 'netbsd-4.0' | 'netbsd-modern';

export type PatchName =
  | 'mutant-lost-wakeup'
  | 'mutant-double-enqueue'
  | 'mutant-count-skew'
  | 'mutant-return-disabled'
  | 'mutant-oneshot-requeue'
  | 'ktickle-v1'
  | 'ktickle-v2'
  | 'mutant-tickle-no-wakeup'
  | 'mutant-tickle-sticky';

export interface BaseInfo {
  readonly name: BaseName;
  readonly description: string;
}

export interface PatchInfo {
  readonly name: PatchName;
  readonly description: string;
  /** Test-the-tester mutants: deliberately broken builds that an invariant must catch. */
  readonly mutant: boolean;
  readonly bases: readonly BaseName[];
  /** A patch that only changes code another patch added: it needs that one in the build too. */
  readonly requires?: PatchName;
}

export const BASES: readonly BaseInfo[] = [
  { name: 'netbsd-2.0', description: 'NetBSD 2.0: kern_event.c 1.19, spl-protected kqueue on a uniprocessor' },
  { name: 'netbsd-4.0', description: 'NetBSD 4.0: kern_event.c 1.41 (Oct 2007), kq_lock simple_lock + splsched, KQ_SLEEP' },
  { name: 'netbsd-modern', description: 'NetBSD 10 era: EVFILT_USER (kern_event.c 1.108+), EV_DISPATCH, EV_RECEIPT, f_touch' },
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
    name: 'mutant-tickle-no-wakeup',
    description: 'the tickle ioctl sets KQ_TICKLED but forgets kqueue_wakeup: a sleeping kevent never hears it',
    mutant: true,
    bases: ['netbsd-4.0'],
    requires: 'ktickle-v2',
  },
  {
    name: 'mutant-tickle-sticky',
    description: 'kqueue_scan forgets to clear KQ_TICKLED when it returns the tickle as EINTR',
    mutant: true,
    bases: ['netbsd-4.0'],
    requires: 'ktickle-v2',
  },
];

export interface Build {
  readonly name: string;
  readonly base: BaseName;
  readonly patches: readonly PatchName[];
  has(patch: PatchName): boolean;
}

/** Bases in release order: `kern_version_at_least` compares positions in this list. */
const BASE_ORDER: readonly BaseName[] = ['netbsd-2.0', 'netbsd-4.0', 'netbsd-modern'];

/** Whether the build's kernel is `base` or later (for code that changed between releases). */
export function kern_version_at_least(build: Build, base: BaseName): boolean {
  return BASE_ORDER.indexOf(build.base) >= BASE_ORDER.indexOf(base);
}

/** The builds `kqsim list` shows: every base alone and with each patch that applies to it. */
export const BUILDS: readonly string[] = BASES.flatMap((b) => [
  b.name,
  ...PATCHES.filter((p) => p.bases.includes(b.name)).map((p) => `${b.name}${p.requires ? `+${p.requires}` : ''}+${p.name}`),
]);

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

export function build_parse(name: string): Build {
  const [baseName, ...patchNames] = name.split('+');
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
  for (const pn of patches) {
    const req = PATCHES.find((x) => x.name === pn)?.requires;
    if (req && !patches.includes(req)) throw new BuildError(`patch '${pn}' changes code that '${req}' adds: build '${base.name}+${req}+${pn}'`);
  }
  if (patches.includes('ktickle-v1') && patches.includes('ktickle-v2'))
    throw new BuildError(`ktickle-v1 and ktickle-v2 are two versions of one patch: pick one`);
  const set = new Set<PatchName>(patches);
  return { name, base: base.name, patches, has: (p) => set.has(p) };
}
