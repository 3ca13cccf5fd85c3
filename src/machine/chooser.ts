/*
 * The scheduling decision interface. The machine never decides an interleaving itself: at
 * every point where more than one thing could happen next it builds a ChoicePoint and asks
 * its Chooser. sim/ supplies choosers (seeded random, replay, exploration strategies);
 * src/ knows only this interface.
 */

/** One thing that may happen next. Its `label` names it by meaning, not by position. */
export type ChoiceOption =
  /** The running context goes on: `ctx` is Machine.contextKey() (`thread:3`, `intr:softnet`). */
  | { readonly kind: 'continue'; readonly label: string; readonly ctx: string }
  | { readonly kind: 'irq'; readonly label: string; readonly device: string; readonly event: number }
  /** The clock ticks while the cpu is busy (hardclock is taken at once). */
  | { readonly kind: 'tick'; readonly label: string }
  | { readonly kind: 'switch'; readonly label: string; readonly tid: number }
  | { readonly kind: 'run'; readonly label: string; readonly tid: number };

export interface ChoicePoint {
  /** Steps taken before this point. */
  readonly step: number;
  /** The preemption point's label (`kqueue_scan:splx`, `user:kevent`, `ipintr:splx`, `idle`, ...). */
  readonly at: string;
  /** Never fewer than two options; option 0 is the "least disturbing" default. */
  readonly options: readonly ChoiceOption[];
}

export interface Chooser {
  /** Return the index of the option to take. */
  choose(point: ChoicePoint): number;
}

/** The chooser that always takes the default: devices assert their lines and the clock ticks only when the cpu idles. */
export const firstChooser: Chooser = {
  choose: () => 0,
};
