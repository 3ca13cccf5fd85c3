/*
 * kqsim, the command line. Each command lives in a file of its own here and registers
 * itself; args.ts has what they share. This file builds the program and turns errors into
 * exit codes.
 *
 *   kqsim list                      builds, platforms, scenarios and invariants (list.ts)
 *   kqsim run <scenario> [...]      one narrated run (or JSON lines, Perfetto, HTML; --teach);
 *                                   last line `schedule: S` (run.ts)
 *   kqsim replay <scenario> --schedule S    the same run again, byte for byte (run.ts)
 *   kqsim compare <scenario> --builds A,B,C   wake-up cost per build (sim/cli/compare.ts)
 *   kqsim diff <scenario> --build A --vs B   two builds on one schedule (sim/cli/diff.ts)
 *   kqsim demo                      the guided tour that `npm start` runs (sim/cli/demo.ts)
 *   kqsim explore <scenario> [...]  many interleavings; a shrunk counterexample (explore.ts)
 *   kqsim merge a.json b.json ...   the shards of one search -> the unsplit summary (merge.ts)
 *
 * Exit codes: 0 every expectation and invariant held; 1 a violation, panic or deadlock
 * (the output carries the replayable schedule); 2 bad input or configuration, as one line
 * on stderr.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { BuildError } from '../../src/builds.ts';
import { SliceError } from '../explore/slice.ts';
import { MergeError } from '../explore/summary.ts';
import { IsolationError } from '../run/isolate.ts';
import { RunInputError } from '../run/runner.ts';
import { ScheduleError } from '../run/schedule.ts';
import { KQSIM_VERSION } from '../run/version.ts';
import { ScenarioError } from '../scenario.ts';
import { UsageError } from './args.ts';
import { register_compare } from './compare.ts';
import { register_demo } from './demo.ts';
import { register_diff } from './diff.ts';
import { register_explore } from './explore.ts';
import { register_list } from './list.ts';
import { register_merge } from './merge.ts';
import { register_run } from './run.ts';

const INPUT_ERRORS = [UsageError, BuildError, ScenarioError, ScheduleError, RunInputError, IsolationError, SliceError, MergeError];

function program(): Command {
  const prog = new Command()
    .name('kqsim')
    .description('A deterministic simulator of the BSD kernel event subsystem (kqueue, knote, kcont, spl)')
    .version(KQSIM_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `kqsim: ${s}` : s) });
  // One file per command, each registering itself.
  const p = prog as unknown as Command;
  register_list(p);
  register_run(p);
  register_compare(p);
  register_diff(p);
  register_explore(p);
  register_merge(p);
  register_demo(p);
  return p;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (INPUT_ERRORS.some((cls) => e instanceof cls)) {
      process.stderr.write(`kqsim: error: ${(e as Error).message}\n`);
      return 2;
    }
    // A bug in kqsim itself: still one line, with the stack only on request.
    if (process.env.KQSIM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.stderr.write(`kqsim: internal error: ${e instanceof Error ? e.message : String(e)} (set KQSIM_DEBUG=1 for the stack)\n`);
    return 2;
  }
}
