/*
 * `kqsim merge a.json b.json ...`: the JSON summaries of every shard of one search
 * (`kqsim explore ... --shard i/n --json`) -> exactly the summary the unsplit search prints
 * with --json. Exit 1 if the merged search found a counterexample, 2 if the files are not
 * the shards of one search (one line naming the file).
 *
 *   register_merge(prog)   add the command
 */
import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { shards_merge, summary_json } from '../explore/summary.ts';
import { command_help, EXIT, emit, UsageError } from './args.ts';

function read(file: string): { file: string; text: string } {
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (e) {
    throw new UsageError(`cannot read '${file}': ${(e as Error).message}`);
  }
}

export function register_merge(prog: Command): void {
  const cmd = prog
    .command('merge')
    .description('merge the --json summaries of the shards of one search into the unsplit summary')
    .argument('<files...>', 'one JSON summary per shard (kqsim explore ... --shard i/n --json)')
    .option('--out <file>', 'write the summary to a file instead of stdout')
    .action((files: string[], o: { out?: string }) => {
      const s = shards_merge(files.map(read));
      emit(summary_json(s), o.out);
      process.exitCode = s.violations.length > 0 ? 1 : 0;
    });
  command_help(cmd, {
    examples: [
      ['kqsim merge shard-1.json shard-2.json shard-3.json shard-4.json', 'the summary of the whole search (kqsim explore ... --shard i/4 --json)'],
    ],
    exits: {
      0: `${EXIT.ok} in every execution`,
      1: `a counterexample: ${EXIT.found}`,
      2: `${EXIT.input}, or files that are not every shard of one search`,
    },
  });
}
