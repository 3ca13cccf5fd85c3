/*
 * The exhaustive strategy: depth-first search over every choice of every execution
 * (stateless, by re-execution: each run replays the current path's prefix and then takes
 * the first unexplored option), with sleep-set partial-order reduction and optional
 * CHESS-style bounds.
 *
 *   exhaustive_plan({ reduce, depth, maxPreemptions }, slice)   a Plan that runs out
 *   FRONTIER_DEPTH   the depth of the choice tree at which it is split into chunks
 *
 * Transitions. A transition is everything the machine does between two scheduling
 * boundaries (Machine's StepObserver), which are the preemption points of every context:
 * one step of the running thread or of the interrupt handler on top (Machine.contextKey
 * names whose step it is), together with any interrupt it unmasks on the way; or a device
 * raising its line (or the clock ticking) together with the first step of the handler it
 * nests, up to that handler's first preemption point; or a context switch; or an
 * idle-loop step (a tick, a device arriving while idle). Its footprint is the set of
 * kernel objects it touched (Machine.touch, called from the central kernel functions:
 * knotes, kqueues, klists, the sleep queue, the pending interrupt set, devices, threads,
 * callouts, the clock, the network and tty state), plus the cpl when a step leaves it
 * changed (whether a device or the clock may interrupt depends on the cpl it fires at).
 * Switches and idle steps are treated as touching everything.
 *
 * Independence. Two transitions with disjoint footprints commute: each reads and writes
 * only objects the other leaves alone, and neither enables or disables the other (a
 * device's event stays armed until it is raised; a thread's next step stays its next
 * step). So swapping them gives the same state and the same per-object histories.
 *
 * Sleep sets (Godefroid 1996). When option b is taken at a node after option a has been
 * fully explored there, a stays asleep along b's subtree until a transition dependent
 * with a runs. Taking a while asleep would only reach an ordering equivalent to one
 * already explored under a (a moved earlier past independent transitions), so asleep
 * options are not taken, and an execution whose every next transition is asleep stops
 * (counted as pruned). Every Mazurkiewicz trace (equivalence class of executions under
 * swapping adjacent independent transitions) keeps at least one explored representative.
 *
 * Why that finds every violation plain DFS finds: all equivalent executions end in the
 * same state with the same per-process syscall results, so expectations and the end
 * state agree. The step invariants are conjunctions of per-object predicates (a kqueue's
 * queue and count, one knote's deliveries), so the sequence of values each object goes
 * through, and hence whether a predicate fails, is the same along equivalent executions.
 * The idle-time check (no-lost-wakeup) looks at states before idle steps, which touch
 * everything and so are never reordered. An invariant relating two objects at every step
 * would need a dependency between writers of either; none exists today. The test suite
 * checks the claim: with and without reduction, the same outcomes and the same
 * per-process behaviours on every foundation scenario and mutant.
 *
 * Bounds. `maxPreemptions` bounds the non-default choices of an execution (context
 * bounding, Musuvathi & Qadeer 2007: most bugs need few); `depth` bounds how many choice
 * points an execution branches at (later ones take their first allowed option). A bounded
 * search that cut something is not complete.
 *
 * Splitting (workers, shards). The subtrees below the choice points at FRONTIER_DEPTH, and
 * the executions that end before reaching it, are the chunks, numbered in depth-first
 * order. A slice walks the whole tree above the frontier, but only into its own chunks; of
 * every other chunk it runs just the first execution, which is what the search above the
 * frontier learns from a chunk: the footprint of each transition on the path to it, and
 * so every sleep set above the frontier. Those are the same in every slice (the runs are
 * deterministic), so every slice numbers the chunks alike and prunes alike above the
 * frontier, and below it a chunk's subtree is searched exactly as the unsplit search would:
 * the union of the slices is the unsplit search, execution for execution.
 */
import type { ChoiceOption, ChoicePoint, Chooser } from '../../src/machine/chooser.ts';
import { type Machine, RunStopped, type StepObserver } from '../../src/machine/machine.ts';
import type { RunResult } from '../run/runner.ts';
import { type Slice, slice_owns } from './slice.ts';
import type { Execution, Plan } from './strategy.ts';

export const FRONTIER_DEPTH = 6;

export interface ExhaustiveOptions {
  /** Sleep-set partial-order reduction (default on). */
  readonly reduce?: boolean;
  /** Branch at most at this many choice points per execution. */
  readonly depth?: number;
  /** At most this many non-default choices per execution. */
  readonly maxPreemptions?: number;
}

/** A footprint: the names of the objects a transition touched, or null for "everything". */
type Footprint = Set<string> | null;

/** Stands for the cpl in footprints. */
const CPL = 'cpl';

function independent(a: Footprint, b: Footprint): boolean {
  if (a === null || b === null) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const o of small) if (large.has(o)) return false;
  return true;
}

/** The transition an option stands for; null for those treated as touching everything. */
function transition_id(o: ChoiceOption): string | null {
  switch (o.kind) {
    case 'continue':
      return `step:${o.ctx}`;
    case 'irq':
      return `irq:${o.device}:${o.event}`;
    case 'tick':
      return 'tick';
    case 'switch':
    case 'run':
      return null;
  }
}

interface Node {
  readonly ids: readonly (string | null)[];
  /** Option indices this node explores, in order. */
  readonly allowed: readonly number[];
  /** Position in `allowed` of the option the current path takes. */
  at: number;
  /** Options already explored here, with the footprints they had. */
  readonly explored: { readonly id: string; readonly fp: Footprint }[];
  /** Footprint of the current option's transition, once it ran. */
  fp: Footprint;
  /** Non-default choices on the path before this node. */
  readonly preemptions: number;
  /** The point's step count and which options are context switches. */
  readonly step: number;
  readonly switches: readonly boolean[];
}

class Pruned extends RunStopped {}

interface Current {
  readonly id: string | null;
  readonly fp: Footprint;
  readonly startCpl: unknown;
  readonly irq: boolean;
  readonly node: Node | undefined;
  /** An implicit transition (no choice point) that was asleep when it started. */
  readonly asleep: boolean;
}

class Search {
  readonly stack: Node[] = [];
  cut = false;

  constructor(readonly opts: ExhaustiveOptions) {}

  /**
   * After an execution: move to the next unexplored option, deepest first. Returns the depth
   * of the node that moved on (-1 once the search is exhausted).
   */
  backtrack(): number {
    while (this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1] as Node;
      const id = top.ids[top.allowed[top.at] as number];
      if (id !== null && id !== undefined) top.explored.push({ id, fp: top.fp });
      top.at++;
      top.fp = null;
      if (top.at < top.allowed.length) return this.stack.length - 1;
      this.stack.pop();
    }
    return -1;
  }

  /** Leave the rest of the subtree below `depth` unexplored (it is another slice's). */
  truncate(depth: number): void {
    if (this.stack.length > depth) this.stack.length = depth;
  }

  /** The share of the tree behind the current path, if every subtree were the same size. */
  fraction(): number {
    let done = 0;
    let weight = 1;
    for (const n of this.stack) {
      done += (weight * n.at) / n.allowed.length;
      weight /= n.allowed.length;
    }
    return done;
  }
}

class ExhaustiveRun implements Chooser, StepObserver {
  private pos = 0;
  private sleep = new Map<string, Footprint>();
  private cur: Current | undefined;
  private m: Machine | undefined;
  prunedHere = false;

  constructor(
    private readonly search: Search,
    private readonly reduce: boolean,
  ) {}

  get observer(): StepObserver | undefined {
    return this.reduce ? this : undefined;
  }

  get chooser(): Chooser {
    return this;
  }

  private prune(): never {
    this.prunedHere = true;
    const m = this.m as Machine;
    m.stop({ kind: 'done' });
    throw new Pruned('pruned: an equivalent execution was explored');
  }

  /** The current transition ended: its footprint wakes every sleeper it depends on. */
  private finish(cpl: unknown): void {
    const c = this.cur;
    if (!c) return;
    this.cur = undefined;
    const fp = c.fp;
    if (fp !== null && (c.irq || cpl !== c.startCpl)) fp.add(CPL);
    if (c.node) c.node.fp = fp;
    if (c.asleep) this.prune();
    for (const [id, f] of this.sleep) {
      if (id === c.id || !independent(f, fp)) this.sleep.delete(id);
    }
  }

  boundary(m: Machine): void {
    this.m = m;
    this.finish(m.cpl);
    const ctx = m.contextKey();
    const id = ctx ? `step:${ctx}` : null;
    this.cur = { id, fp: id === null ? null : new Set(), startCpl: m.cpl, irq: false, node: undefined, asleep: id !== null && this.sleep.has(id) };
  }

  touch(kind: string, id: string | number): void {
    this.cur?.fp?.add(`${kind} ${id}`);
  }

  choose(point: ChoicePoint): number {
    const s = this.search;
    let node = s.stack[this.pos];
    if (!node) {
      node = this.newNode(point);
      s.stack.push(node);
    }
    this.pos++;
    const idx = node.allowed[node.at] as number;
    if (this.reduce) {
      for (const e of node.explored) this.sleep.set(e.id, e.fp);
      const id = node.ids[idx] as string | null;
      const o = point.options[idx] as ChoiceOption;
      this.cur = {
        id,
        fp: id === null ? null : new Set(),
        startCpl: this.cur?.startCpl,
        irq: o.kind === 'irq' || o.kind === 'tick',
        node,
        asleep: false,
      };
    }
    return idx;
  }

  private newNode(point: ChoicePoint): Node {
    const s = this.search;
    const parent = s.stack[this.pos - 1];
    const parentIdx = parent ? (parent.allowed[parent.at] as number) : 0;
    const preemptions = parent ? parent.preemptions + (parentIdx !== 0 ? 1 : 0) : 0;
    const ids = point.options.map(transition_id);
    // A switch right after a switch, with no step between, reaches nothing new.
    const justSwitched = parent !== undefined && parent.switches[parentIdx] === true && parent.step === point.step;
    let allowed: number[] = [];
    point.options.forEach((o, i) => {
      if (justSwitched && o.kind === 'switch') return;
      const id = ids[i];
      if (this.reduce && id !== null && id !== undefined && this.sleep.has(id)) return;
      allowed.push(i);
    });
    if (allowed.length === 0) this.prune();
    const depthCut = s.opts.depth !== undefined && this.pos >= s.opts.depth;
    const preemptCut = s.opts.maxPreemptions !== undefined && preemptions >= s.opts.maxPreemptions;
    if (depthCut || preemptCut) {
      const keep = preemptCut ? allowed.filter((i) => i === 0) : allowed.slice(0, 1);
      if (keep.length < allowed.length) s.cut = true;
      allowed = keep;
      if (allowed.length === 0) this.prune();
    }
    return {
      ids,
      allowed,
      at: 0,
      explored: [],
      fp: null,
      preemptions,
      step: point.step,
      switches: point.options.map((o) => o.kind === 'switch'),
    };
  }

  finished(_r: RunResult): boolean {
    if (!this.prunedHere && this.cur && this.reduce) {
      // The run ended inside the current transition: record its footprint.
      const c = this.cur;
      if (c.node) c.node.fp = c.fp;
      if (c.asleep) this.prunedHere = true;
    }
    return !this.prunedHere;
  }
}

export function exhaustive_plan(opts: ExhaustiveOptions, slice: Slice): Plan {
  const search = new Search(opts);
  const reduce = opts.reduce ?? true;
  let chunk = 0;
  let started = false;
  return {
    next() {
      if (started) {
        if (!slice_owns(slice, chunk)) search.truncate(FRONTIER_DEPTH);
        const moved = search.backtrack();
        if (moved < 0) return undefined;
        if (moved < FRONTIER_DEPTH) chunk++;
      }
      started = true;
      const run = new ExhaustiveRun(search, reduce);
      const execution: Execution = {
        chooser: run.chooser,
        ...(run.observer ? { observer: run.observer } : {}),
        finished: (r) => run.finished(r),
      };
      return { chunk, counts: slice_owns(slice, chunk), execution };
    },
    takeCut() {
      const cut = search.cut;
      search.cut = false;
      return cut;
    },
    fraction: () => search.fraction(),
    chunksSeen: () => chunk + 1,
  };
}
