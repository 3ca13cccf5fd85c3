/*
 * Slices: how an exploration is split between shards (machines) and workers (cores). The
 * executions of every strategy come in chunks numbered in the order an unsplit search
 * would run them (random and PCT: runs of consecutive execution indices; exhaustive: the
 * subtrees at a frontier of the search tree, in depth-first order). Slice i/n owns the
 * chunks whose number is i modulo n; worker j of w within shard i/n owns slice
 * (i + n*j)/(n*w), so both splits compose and together still cover every chunk once.
 *
 *   Slice                 { index, count }, 0 <= index < count
 *   WHOLE                 0/1: everything
 *   slice_parse(text)     `--shard i/n` (1-based, as vitest and Playwright write it)
 *   slice_within(s, j, w) worker j of w inside slice s
 *   slice_owns(s, chunk)  whether s runs that chunk
 *   slice_label(s)        `i/n`, 1-based
 */

export interface Slice {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Slice = { index: 0, count: 1 };

/** A --shard argument that is not `i/n` with 1 <= i <= n. */
export class SliceError extends Error {
  override readonly name = 'SliceError';
}

export function slice_parse(text: string): Slice {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  const i = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || i < 1 || i > n) throw new SliceError(`--shard '${text}' is not i/n with 1 <= i <= n (e.g. 1/4)`);
  return { index: i - 1, count: n };
}

export function slice_within(s: Slice, worker: number, workers: number): Slice {
  return { index: s.index + s.count * worker, count: s.count * workers };
}

export function slice_owns(s: Slice, chunk: number): boolean {
  return chunk % s.count === s.index;
}

export function slice_label(s: Slice): string {
  return `${s.index + 1}/${s.count}`;
}
