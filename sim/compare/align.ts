/*
 * Sequence alignment for trace diffs: Myers' O((N+M)D) shortest edit script over two lists
 * of keys, as pairs of indices. Bounded: past `d_max` edits the rest is paired in order
 * (reported as changed), so a diff of two unrelated traces still ends quickly.
 *
 *   align(a, b, d_max)   rows of { a?: index, b?: index }; both set = the same key
 */

export interface AlignRow {
  readonly a?: number;
  readonly b?: number;
}

export function align(a: readonly string[], b: readonly string[], d_max = 2000): AlignRow[] {
  // Common prefix and suffix first: the usual trace diff differs in a short middle stretch.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const rows: AlignRow[] = [];
  for (let i = 0; i < pre; i++) rows.push({ a: i, b: i });
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  for (const r of myers(midA, midB, d_max)) {
    rows.push({ ...(r.a !== undefined ? { a: r.a + pre } : {}), ...(r.b !== undefined ? { b: r.b + pre } : {}) });
  }
  for (let i = 0; i < suf; i++) rows.push({ a: a.length - suf + i, b: b.length - suf + i });
  return rows;
}

function myers(a: readonly string[], b: readonly string[], d_max: number): AlignRow[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, d_max);
  const off = max + 1;
  let v = new Int32Array(2 * max + 3);
  const history: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    history.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[off + k - 1] as number) < (v[off + k + 1] as number))) x = v[off + k + 1] as number;
      else x = (v[off + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  if (found < 0) return paired(n, m);
  // Walk back through the saved frontiers to recover the edit script.
  const rows: AlignRow[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = history[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (prev[off + k - 1] as number) < (prev[off + k + 1] as number));
    const pk = down ? k + 1 : k - 1;
    const px = prev[off + pk] as number;
    const py = px - pk;
    while (x > (down ? px : px + 1) && y > (down ? py + 1 : py)) rows.push({ a: --x, b: --y });
    if (down) rows.push({ b: --y });
    else rows.push({ a: --x });
  }
  while (x > 0 && y > 0) rows.push({ a: --x, b: --y });
  return rows.reverse();
}

/** Too different to align: pair what is left in order. */
function paired(n: number, m: number): AlignRow[] {
  const rows: AlignRow[] = [];
  for (let i = 0; i < Math.max(n, m); i++) rows.push({ ...(i < n ? { a: i } : {}), ...(i < m ? { b: i } : {}) });
  return rows;
}
