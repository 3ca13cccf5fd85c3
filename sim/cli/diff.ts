/*
 * `kqsim diff <scenario> --build A --vs B [--platform P] [--schedule S | --seed N]
 *  [--format text|html] [--out FILE] [--json]`
 *
 * Both builds on the same schedule (B takes A's decisions by meaning), the first divergence
 * with the events around it, then the user-visible differences. Exit 0 when the
 * user-visible results are the same, 1 when they differ, 2 on bad input.
 *
 *   register_diff(prog)    add the command to the program
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { build_parse } from '../../src/builds.ts';
import type { TraceEvent } from '../../src/trace.ts';
import { diff_builds, diff_text } from '../compare/diff.ts';
import { scenario_load_watched } from '../run/load_task.ts';
import { html_diff } from '../view/html.ts';
import { narrate_event } from '../view/narrate.ts';
import { safe_json } from '../view/safe_text.ts';
import {
  command_help,
  EXIT,
  emit,
  isolation_arg,
  limits_arg,
  load_isolation_options,
  MAX_TICKS_FLAG,
  MAX_TICKS_HELP,
  platform_arg,
  refuse_together,
  seed_arg,
} from './args.ts';

interface DiffFlags {
  build: string;
  vs: string;
  platform: string;
  seed?: string;
  schedule?: string;
  format: string;
  out?: string;
  json?: boolean;
  maxTicksPerRun?: string;
  watchdogS?: string;
  maxMemoryMb?: string;
}

async function cmd_diff(ref: string, o: DiffFlags): Promise<number> {
  const a = build_parse(o.build);
  const b = build_parse(o.vs);
  const platform = platform_arg(o.platform);
  const seed = seed_arg(o.seed);
  const limits = limits_arg(o.maxTicksPerRun);
  const scenario = await scenario_load_watched(ref, isolation_arg(o));
  const d = diff_builds({
    scenario,
    a,
    b,
    platform,
    ...(seed !== undefined ? { seed } : {}),
    ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
    ...(limits ? { limits } : {}),
    snapshots: o.format === 'html',
  });
  if (o.json) {
    const first = d.divergence === null ? null : d.rows[d.divergence];
    const at = (i: number | undefined, evs: readonly TraceEvent[]) => {
      const ev = i === undefined ? undefined : evs[i];
      return ev ? { event: i, step: ev.step, line: narrate_event(ev, { verbose: true })?.trim() ?? ev.kind } : null;
    };
    const summary = {
      scenario: d.a.header.scenario,
      platform: d.a.header.platform,
      a: { build: d.a.header.build, outcome: d.a.outcome, schedule: d.a.schedule },
      b: { build: d.b.header.build, outcome: d.b.outcome, schedule: d.b.schedule },
      divergence: first ? { a: at(first.a, d.aEvents), b: at(first.b, d.bEvents) } : null,
      decisions: d.decisions && {
        total: d.decisions.decisions.length,
        taken: d.decisions.taken,
        no_option: d.decisions.noOption,
        unreached: d.decisions.unreached,
        own_points: d.decisions.ownPoints,
        not_taken: d.decisions.decisions.filter((x) => x.fate !== 'taken'),
      },
      visible: d.visible,
      same: d.visible.length === 0,
    };
    emit(`${safe_json(summary)}\n`, o.out);
  } else if (o.format === 'html') {
    emit(html_diff(d, scenario), o.out);
  } else {
    emit(diff_text(d), o.out);
  }
  return d.visible.length === 0 ? 0 : 1;
}

export function register_diff(prog: Command): void {
  const cmd = load_isolation_options(prog.command('diff'))
    .description('run a scenario on two builds on the same schedule and show where they differ')
    .argument('<scenario>', 'scenario name (from scenarios/) or path to a scenario file')
    .requiredOption('--build <build>', 'build A (the reference)')
    .requiredOption('--vs <build>', 'build B (the one under review)')
    .option('--platform <platform>', 'platform (port)', 'i386')
    .option('--seed <n>', "take A's scheduling decisions pseudo-randomly from this seed")
    .option('--schedule <schedule>', "replay A's decisions from a schedule string")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'html']).default('text'))
    .option('--out <file>', 'write the output to a file instead of stdout')
    .option(MAX_TICKS_FLAG, MAX_TICKS_HELP)
    .option('--json', 'print one JSON summary object')
    .action(async (ref, o) => {
      process.exitCode = await cmd_diff(ref, o as DiffFlags);
    });
  refuse_together(cmd, [
    ['--seed', '--schedule', 'A takes its decisions from a seed or from a schedule, not both'],
    ['--json', '--format', '--json prints a summary object instead of the report: give one or the other'],
  ]);
  command_help(cmd, {
    examples: [
      ['kqsim diff oneshot-clear-disable --build netbsd-2.0 --vs netbsd-2.0+mutant-oneshot-requeue', 'where a patch changes what happens'],
      [
        'kqsim diff nic-softnet --build netbsd-2.0+mutant-lost-wakeup --vs netbsd-2.0 --schedule kq2:nic-softnet:0*10.1',
        "a decision of A's that B cannot take, named",
      ],
      ['kqsim diff nic-softnet --build netbsd-2.0 --vs netbsd-2.0+kcont-knote --seed 3 --format html --out diff.html', 'both on one timeline scale'],
    ],
    exits: { 0: 'the user-visible results are the same', 1: 'they differ (both schedules are printed)', 2: EXIT.input },
  });
}
