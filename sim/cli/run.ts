/*
 * `kqsim run <scenario>` and `kqsim replay <scenario> --schedule S`: one execution, narrated
 * (or as JSON lines, Perfetto, HTML, a JSON summary, or a teaching dialogue).
 *
 *   register_run(prog)   add both commands
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { type Build, build_parse } from '../../src/builds.ts';
import { type RunResult, run_scenario } from '../run/runner.ts';
import { scenario_load } from '../scenario.ts';
import { html_run } from '../view/html.ts';
import { jsonl_run } from '../view/jsonl.ts';
import { narrate_run } from '../view/narrate.ts';
import { perfetto_run } from '../view/perfetto.ts';
import { emit, limits_arg, MAX_TICKS_FLAG, MAX_TICKS_HELP, platform_arg, seed_arg, UsageError } from './args.ts';
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
  maxTicksPerRun?: string;
}

async function cmd_run(ref: string, o: RunFlags): Promise<number> {
  if (o.seed !== undefined && o.schedule !== undefined) throw new UsageError('give --seed or --schedule, not both');
  const build: Build = build_parse(o.build);
  const platform = platform_arg(o.platform);
  const seed = seed_arg(o.seed);
  const limits = limits_arg(o.maxTicksPerRun);
  if (o.teach && (o.format !== 'text' || o.json))
    throw new UsageError('--teach is a terminal dialogue: use it with --format text and without --json');
  const scenario = await scenario_load(ref);
  const r = run_scenario({
    scenario,
    build,
    platform,
    ...(seed !== undefined ? { seed } : {}),
    ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
    ...(limits ? { limits } : {}),
    // The HTML state pane and the Perfetto kq_count counters read `state` snapshots.
    ...(o.format === 'html' || o.format === 'perfetto' ? { snapshots: true } : {}),
  });
  if (o.teach) {
    await teach_run(r, scenario.description, process.stdin, process.stdout);
  } else if (o.json) {
    const summary = { ...r.header, outcome: r.outcome, findings: r.findings, steps: r.steps, ticks: r.ticks, schedule: r.schedule };
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
    c
      .option('--build <build>', 'kernel build', 'netbsd-2.0')
      .option('--platform <platform>', 'platform (port)', 'i386')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'jsonl', 'perfetto', 'html']).default('text'))
      .option('--out <file>', 'write the output to a file instead of stdout')
      .option(MAX_TICKS_FLAG, MAX_TICKS_HELP)
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
