/*
 * `kqsim score [--runs N] [--seeds S] [--mutant M,...] [--json]`: test the tester. Runs
 * every strategy against every mutant on the scenarios that exercise it and prints, per
 * strategy, whether it detected the mutant within the budget, the median run of first
 * detection over seeds, and the size of the shrunk counterexample (sim/explore/score.ts).
 *
 *   register_score(prog)   add the command
 *
 * Exit codes: 0 every mutant was caught by some strategy, by what it was written for;
 * 1 some mutant was not (the table says which); 2 bad input.
 */
import type { Command } from '@commander-js/extra-typings';
import { MUTANT_CASES } from '../check/mutants.ts';
import { score, score_table } from '../explore/score.ts';
import { command_help, count_arg, EXIT, UsageError } from './args.ts';
import { status_line } from './progress.ts';

interface ScoreFlags {
  runs?: string;
  seeds?: string;
  mutant?: string;
  json?: boolean;
}

async function cmd_score(o: ScoreFlags): Promise<number> {
  const runs = count_arg('--runs', o.runs, 1) ?? 1000;
  const seeds = count_arg('--seeds', o.seeds, 1) ?? 3;
  const wanted = o.mutant?.split(',').map((m) => m.trim());
  const unknown = wanted?.filter((m) => !MUTANT_CASES.some((c) => c.mutant === m || c.build === m));
  if (unknown && unknown.length > 0) {
    throw new UsageError(`unknown mutant '${unknown[0]}': mutants are ${MUTANT_CASES.map((c) => c.mutant).join(', ')}`);
  }
  const cases = wanted ? MUTANT_CASES.filter((c) => wanted.includes(c.mutant) || wanted.includes(c.build)) : MUTANT_CASES;
  const progress = status_line(process.stderr);
  let report: Awaited<ReturnType<typeof score>>;
  try {
    report = await score({
      runs,
      seeds,
      cases,
      onProgress: (searches, total, executions) => progress.show(`score: ${searches} of ${total} searches done, ${executions} runs`),
    });
  } finally {
    progress.finish();
  }
  const missed = report.mutants.filter((m) => !m.detected);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const lines = [
      `kqsim score: ${report.mutants.length} mutant case(s), strategies ${report.strategies.join(', ')}, at most ${runs} run(s) per search, ${seeds} seed(s) for random and pct`,
      'each cell: searches that found the mutant / searches, at the median run of first detection, (non-default choices/steps of the shrunk counterexample)',
      '',
      score_table(report).trimEnd(),
      '',
      missed.length === 0
        ? 'every mutant was caught by at least one strategy, by what it was written for'
        : `not caught within the budget by what it was written for: ${missed.map((m) => `${m.mutant} on ${m.scenario}`).join(', ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return missed.length === 0 ? 0 : 1;
}

export function register_score(prog: Command): void {
  const cmd = prog
    .command('score')
    .description('test the tester: every strategy against every mutant, within a budget of runs')
    .option('--runs <n>', 'runs per search (default 1000)')
    .option('--seeds <n>', 'seeds per randomized strategy (random, pct; default 3)')
    .option('--mutant <names>', 'only these mutants (comma-separated patch or build names)')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (o) => {
      process.exitCode = await cmd_score(o as ScoreFlags);
    });
  command_help(cmd, {
    examples: [
      ['kqsim score', 'every strategy, every mutant: 1000 runs per search, 3 seeds'],
      ['kqsim score --runs 200 --mutant mutant-enqueue-nospl,mutant-lost-wakeup', 'two mutants on a small budget'],
      ['kqsim score --runs 100 --seeds 1 --json', 'the measurements as one JSON object'],
    ],
    exits: {
      0: 'every mutant was caught by some strategy, by what it was written for',
      1: 'some mutant was not, within the budget (the table says which)',
      2: EXIT.input,
    },
  });
}
