/*
 * What every conformance case says about itself, next to its scenario (the default export):
 * which NetBSD ATF test it re-expresses, at which revision, the builds it fits (where its
 * expectations must hold on every interleaving tried), and where it knowingly does not fit
 * (the verdict the test expects there, because that kernel behaves otherwise).
 */
import type { BaseName } from '../../../src/builds.ts';

export interface AtfCase {
  /** The file in NetBSD's src tree, e.g. `tests/kernel/kqueue/t_vnode.c`. */
  readonly source: string;
  /** The revision read ($NetBSD$ tag), or the commit when the file has none. */
  readonly revision: string;
  /** The ATF test case (ATF_TC name). */
  readonly testcase: string;
  /** Builds the case fits: every expectation must hold there. */
  readonly fits: readonly BaseName[];
  /** Builds it does not fit, each with the start of the verdict it gets there, and why. */
  readonly differs?: Readonly<Partial<Record<BaseName, { readonly verdict: string; readonly why: string }>>>;
  /** What the re-expression changes (scaled counts, a call kqsim spells differently). */
  readonly note?: string;
}

/** The ATF h_macros.h RL(): the call must not fail. */
export function RL(u: { expect(cond: boolean, what: string): void }, r: { ret: number; error: string }, call: string): number {
  u.expect(r.ret !== -1, `${call} to succeed (got ${r.error})`);
  return r.ret;
}

/** A case that gets the same verdict on both builds before netbsd-modern, for one reason. */
export function before_modern(verdict: string, why: string): NonNullable<AtfCase['differs']> {
  return { 'netbsd-2.0': { verdict, why }, 'netbsd-4.0': { verdict, why } };
}
