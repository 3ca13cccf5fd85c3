/*
 * `kqsim run <scenario>` and `kqsim replay <scenario> --schedule S`: one execution, narrated
 * (or as JSON lines, Perfetto, HTML, a JSON summary, or a teaching dialogue). The scenario
 * runs in a worker thread under the watchdog (sim/run/run_task.ts); Ctrl-C stops it (130).
 *
 *   register_run(prog)   add both commands
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { type Build, build_parse } from '../../src/builds.ts';
import { run_isolated } from '../run/run_task.ts';
import type { RunResult } from '../run/runner.ts';
import { scenario_load } from '../scenario.ts';
import { html_run } from '../view/html.ts';
import { jsonl_run } from '../view/jsonl.ts';
import { narrate_run } from '../view/narrate.ts';
import { perfetto_run } from '../view/perfetto.ts';
import { emit, isolation_arg, isolation_options, platform_arg, seed_arg, UsageError } from './args.ts';
import { teach_run } from './teach.ts';

function exit_code(r: RunResult): number {
  return r.outcome.kind === 'done' ? 0 : 1;
}

interface RunFlags {
  build: string;
  platform: string;
  seed?: string;
  schedule?: string;
  format: string;
  out?: string;
  verbose?: boolean;
  json?: boolean;
  teach?: boolean;
  watchdogS?: string;
  maxMemoryMb?: string;
}

async function cmd_run(ref: string, o: RunFlags): Promise<number> {
  if (o.seed !== undefined && o.schedule !== undefined) throw new UsageError('give --seed or --schedule, not both');
  const build: Build = build_parse(o.build);
  const platform = platform_arg(o.platform);
  const seed = seed_arg(o.seed);
  if (o.teach && (o.format !== 'text' || o.json))
    throw new UsageError('--teach is a terminal dialogue: use it with --format text and without --json');
  const limits = isolation_arg(o);
  const scenario = await scenario_load(ref);
  const { result: r, stoppedAt } = await run_isolated(
    {
      scenario: scenario.file,
      build: build.name,
      platform: platform.name,
      ...(seed !== undefined ? { seed } : {}),
      ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
      // The HTML state pane and the Perfetto kq_count counters read `state` snapshots.
      ...(o.format === 'html' || o.format === 'perfetto' ? { snapshots: true } : {}),
    },
    { ...limits, scenario: scenario.name },
  );
  if (!r) {
    process.stderr.write(`kqsim: interrupted at ${stoppedAt}: nothing to show of a run that did not end\n`);
    return 130;
  }
  if (o.teach) {
    await teach_run(r, scenario.description, process.stdin, process.stdout);
  } else if (o.json) {
    const summary = { ...r.header, outcome: r.outcome, steps: r.steps, ticks: r.ticks, schedule: r.schedule };
    emit(`${JSON.stringify(summary)}\n`, o.out);
  } else if (o.format === 'jsonl') {
    emit(jsonl_run(r), o.out);
  } else if (o.format === 'perfetto') {
    emit(perfetto_run(r), o.out);
  } else if (o.format === 'html') {
    emit(html_run(r, scenario), o.out);
  } else {
    emit(narrate_run(r, scenario.description, { verbose: o.verbose ?? false }), o.out);
  }
  return exit_code(r);
}

export function register_run(prog: Command): void {
  const runOptions = (c: Command<[string]>) =>
    isolation_options(c)
      .option('--build <build>', 'kernel build', 'netbsd-2.0')
      .option('--platform <platform>', 'platform (port)', 'i386')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'jsonl', 'perfetto', 'html']).default('text'))
      .option('--out <file>', 'write the output to a file instead of stdout')
      .option('--verbose', 'also narrate spl changes and every scheduling decision')
      .option('--json', 'print one JSON summary object instead of the trace');

  runOptions(
    prog
      .command('run')
      .description('run a scenario once and narrate what the kernel did')
      .argument('<scenario>', 'scenario name (from scenarios/) or path to a scenario file'),
  )
    .option('--seed <n>', 'take pseudo-random scheduling decisions from this seed')
    .option('--schedule <schedule>', 'replay the decisions of a schedule string')
    .option('--teach', 'teaching mode: predict each interesting step before it is revealed (answers on stdin)')
    .action(async (ref, o) => {
      process.exitCode = await cmd_run(ref, o as RunFlags);
    });

  runOptions(
    prog.command('replay').description('replay a schedule printed by run or explore, byte for byte').argument('<scenario>', 'scenario name or path'),
  )
    .requiredOption('--schedule <schedule>', 'the schedule string to replay')
    .action(async (ref, o) => {
      process.exitCode = await cmd_run(ref, o as RunFlags);
    });
}
