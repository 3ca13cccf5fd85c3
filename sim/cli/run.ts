/*
 * `kqsim run <scenario>` and `kqsim replay <scenario> --schedule S`: one execution, narrated
 * (or as JSON lines, Perfetto, HTML, a JSON summary, or a teaching dialogue). The scenario
 * runs in a worker thread under the watchdog (sim/run/run_task.ts); Ctrl-C stops it (130).
 *
 *   register_run(prog)   add both commands
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { scenario_load_watched } from '../run/load_task.ts';
import { run_isolated } from '../run/run_task.ts';
import type { RunResult } from '../run/runner.ts';
import { scenario_build } from '../scenario.ts';
import { html_run } from '../view/html.ts';
import { jsonl_run } from '../view/jsonl.ts';
import { narrate_run } from '../view/narrate.ts';
import { perfetto_run } from '../view/perfetto.ts';
import { safe_json } from '../view/safe_text.ts';
import {
  type Conflict,
  command_help,
  EXIT,
  emit,
  isolation_arg,
  isolation_options,
  limits_arg,
  MAX_TICKS_FLAG,
  MAX_TICKS_HELP,
  platform_arg,
  refuse_together,
  seed_arg,
} from './args.ts';
import { teach_run } from './teach.ts';

function exit_code(r: RunResult): number {
  return r.outcome.kind === 'done' ? 0 : 1;
}

interface RunFlags {
  build?: string;
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
  maxTicksPerRun?: string;
}

async function cmd_run(ref: string, o: RunFlags): Promise<number> {
  const platform = platform_arg(o.platform);
  const seed = seed_arg(o.seed);
  const limits = limits_arg(o.maxTicksPerRun);
  const isolation = isolation_arg(o);
  const scenario = await scenario_load_watched(ref, isolation);
  const build = scenario_build(scenario, o.build);
  const { result: r, stoppedAt } = await run_isolated(
    {
      scenario: scenario.file,
      build: build.name,
      platform: platform.name,
      ...(seed !== undefined ? { seed } : {}),
      ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
      ...(limits ? { limits } : {}),
      // The HTML state pane and the Perfetto kq_count counters read `state` snapshots.
      ...(o.format === 'html' || o.format === 'perfetto' ? { snapshots: true } : {}),
    },
    { ...isolation, scenario: scenario.name },
  );
  if (!r) {
    process.stderr.write(`kqsim: interrupted at ${stoppedAt}: nothing to show of a run that did not end\n`);
    return EXIT_INTERRUPTED;
  }
  if (o.teach) {
    await teach_run(r, scenario.description, process.stdin, process.stdout);
  } else if (o.json) {
    const summary = { ...r.header, outcome: r.outcome, findings: r.findings, steps: r.steps, ticks: r.ticks, schedule: r.schedule };
    emit(`${safe_json(summary)}\n`, o.out);
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

/** What replay and run both refuse. */
const OUTPUT_CONFLICTS: readonly Conflict[] = [
  ['--json', '--format', '--json prints a summary object instead of the trace: give one or the other'],
  ['--verbose', '--json', '--verbose adds lines to the narration, which --json does not print'],
  ['--verbose', '--format=jsonl|perfetto|html', 'the trace files hold every event already; --verbose is for the narration'],
];

const RUN_CONFLICTS: readonly Conflict[] = [
  ['--seed', '--schedule', 'a run takes its decisions from a seed or from a schedule, not both'],
  ['--teach', '--json', 'teaching mode is a dialogue on the terminal'],
  ['--teach', '--format=jsonl|perfetto|html', 'teaching mode is a dialogue on the terminal (the HTML page has its own: press t)'],
  ['--teach', '--out', 'teaching mode is a dialogue on the terminal'],
  ['--teach', '--verbose', 'teaching mode narrates what it asks about'],
  ...OUTPUT_CONFLICTS,
];

const RUN_EXITS = { 0: EXIT.ok, 1: EXIT.found, 2: EXIT.input, 130: EXIT.interrupted };
const EXIT_INTERRUPTED = 130;

export function register_run(prog: Command): void {
  const runOptions = (c: Command<[string]>) =>
    isolation_options(c)
      .option('--build <build>', "kernel build (default: the scenario's own build, else netbsd-2.0)")
      .option('--platform <platform>', 'platform (port)', 'i386')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'jsonl', 'perfetto', 'html']).default('text'))
      .option('--out <file>', 'write the output to a file instead of stdout')
      .option(MAX_TICKS_FLAG, MAX_TICKS_HELP)
      .option('--verbose', 'also narrate spl changes and every scheduling decision')
      .option('--json', 'print one JSON summary object instead of the trace');

  const run = runOptions(
    prog
      .command('run')
      .description('run a scenario once and narrate what the kernel did')
      .argument('<scenario>', 'scenario name (from scenarios/) or path to a scenario file'),
  )
    .option('--seed <n>', 'take pseudo-random scheduling decisions from this seed (0 to 4294967295)')
    .option('--schedule <schedule>', 'replay the decisions of a schedule string')
    .option('--teach', 'teaching mode: predict each interesting step before it is revealed (answers on stdin)')
    .action(async (ref, o) => {
      process.exitCode = await cmd_run(ref, o as RunFlags);
    });
  refuse_together(run, RUN_CONFLICTS);
  command_help(run, {
    examples: [
      ['kqsim run pipe-read', 'a narrated run; the last line is the schedule that replays it'],
      ['kqsim run nic-softnet --seed 7', 'a pseudo-random interleaving, from a seed'],
      ['kqsim run nic-softnet --teach', 'predict each interesting step before it is revealed'],
      ['kqsim run nic-softnet --format html --out run.html', 'the trace viewer: one offline page'],
      ['kqsim run timer --format perfetto --out trace.json', 'for ui.perfetto.dev or chrome://tracing'],
      ['kqsim run pipe-read --build netbsd-2.0+mutant-double-enqueue', 'a broken kernel: exit 1, with the schedule'],
    ],
    exits: RUN_EXITS,
  });

  const replay = runOptions(
    prog.command('replay').description('replay a schedule printed by run or explore, byte for byte').argument('<scenario>', 'scenario name or path'),
  )
    .requiredOption('--schedule <schedule>', 'the schedule string to replay')
    .action(async (ref, o) => {
      process.exitCode = await cmd_run(ref, o as RunFlags);
    });
  refuse_together(replay, OUTPUT_CONFLICTS);
  command_help(replay, {
    examples: [
      ['kqsim replay pipe-read --schedule kq2:pipe-read:0*3.1.0.1', 'the run that schedule recorded, byte for byte'],
      ['kqsim replay nic-softnet --build netbsd-2.0+mutant-lost-wakeup --schedule kq2:nic-softnet:0*10.1', 'a counterexample from explore: exit 1'],
    ],
    exits: RUN_EXITS,
  });
}
