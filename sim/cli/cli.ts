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
 *   kqsim new <name>                a commented scenario to start from (sim/cli/new.ts)
 *   kqsim explore <scenario> [...]  many interleavings; a shrunk counterexample (explore.ts)
 *   kqsim explain <scenario> --schedule S   why a failing run fails: its racing pair (explain.ts)
 *   kqsim score [--runs N]          every strategy against every mutant (score.ts)
 *   kqsim merge a.json b.json ...   the shards of one search -> the unsplit summary (merge.ts)
 *
 * Exit codes: 0 every expectation and invariant held; 1 a violation, panic or deadlock
 * (the output carries the replayable schedule); 2 bad input or configuration, as one line
 * on stderr (FILE:LINE:COL first when it points into a scenario); 130 interrupted.
 *
 * Each command declares its examples and exit codes for --help, and the options it refuses
 * together, with the helpers in args.ts.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { BuildError } from '../../src/builds.ts';
import { SliceError } from '../explore/slice.ts';
import { MergeError } from '../explore/summary.ts';
import { IsolationError } from '../run/isolate.ts';
import { LoadInterrupted } from '../run/load_task.ts';
import { RunInputError } from '../run/runner.ts';
import { ScheduleError } from '../run/schedule.ts';
import { location_text, type SourceLocation } from '../run/source_location.ts';
import { KQSIM_VERSION } from '../run/version.ts';
import { ScenarioError } from '../scenario.ts';
import { safe_text } from '../view/safe_text.ts';
import { command_help, EXIT, UsageError } from './args.ts';
import { register_compare } from './compare.ts';
import { register_demo } from './demo.ts';
import { register_diff } from './diff.ts';
import { register_explain } from './explain.ts';
import { register_explore } from './explore.ts';
import { register_list } from './list.ts';
import { register_merge } from './merge.ts';
import { register_new } from './new.ts';
import { register_run } from './run.ts';
import { register_score } from './score.ts';

const INPUT_ERRORS = [UsageError, BuildError, ScenarioError, ScheduleError, RunInputError, IsolationError, SliceError, MergeError];

function program(): Command {
  const prog = new Command()
    .name('kqsim')
    .description('A deterministic simulator of the BSD kernel event subsystem (kqueue, knote, kcont, spl)')
    .version(KQSIM_VERSION)
    .exitOverride()
    // Commander's errors quote the arguments as given: made safe like any other line.
    .configureOutput({ writeErr: (s) => process.stderr.write((s.startsWith('error:') ? `kqsim: ${s}` : s).split('\n').map(safe_text).join('\n')) });
  command_help(prog, {
    examples: [
      ['npm start', 'the guided tour (kqsim demo)'],
      ['kqsim list', 'builds, platforms, scenarios, invariants'],
      ['kqsim run nic-softnet', 'one narrated run; `kqsim run --help` for more'],
      ['kqsim explore nic-softnet --strategy exhaustive', 'every interleaving'],
      ['kqsim diff oneshot-clear-disable --build netbsd-2.0 --vs netbsd-2.0+mutant-oneshot-requeue', 'two builds on one schedule'],
      ['kqsim new my-scenario', 'write a commented scenario to start from'],
    ],
    exits: { 0: EXIT.ok, 1: EXIT.found, 2: EXIT.input, 130: EXIT.interrupted },
  });
  // One file per command, each registering itself.
  const p = prog as unknown as Command;
  register_list(p);
  register_run(p);
  register_compare(p);
  register_diff(p);
  register_explore(p);
  register_explain(p);
  register_score(p);
  register_merge(p);
  register_demo(p);
  register_new(p);
  return p;
}

/** Longest error message printed: a scenario may throw a whole file's worth of text. */
const MESSAGE_CHARS_MAX = 400;

/** One line: `FILE:LINE:COL: error: ...` when it points into a scenario, else `kqsim: error: ...`. */
function input_error_line(e: Error & { where?: SourceLocation }): string {
  let message = safe_text(e.message);
  if (message.length > MESSAGE_CHARS_MAX) message = `${message.slice(0, MESSAGE_CHARS_MAX)}... (${message.length} characters)`;
  return e.where ? `${safe_text(location_text(e.where))}: error: ${message}` : `kqsim: error: ${message}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof LoadInterrupted) {
      process.stderr.write(`kqsim: ${safe_text(e.message)}\n`);
      return 130;
    }
    if (INPUT_ERRORS.some((cls) => e instanceof cls)) {
      process.stderr.write(`${input_error_line(e as Error & { where?: SourceLocation })}\n`);
      return 2;
    }
    // A bug in kqsim itself: still one line, with the stack only on request.
    if (process.env.KQSIM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.stderr.write(`kqsim: internal error: ${safe_text(e instanceof Error ? e.message : String(e))} (set KQSIM_DEBUG=1 for the stack)\n`);
    return 2;
  }
}
