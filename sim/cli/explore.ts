/*
 * `kqsim explore <scenario>`: run a scenario under many interleavings with a strategy and
 * report what was covered, or the first counterexample, shrunk, with its replay command and
 * a narrated trace of just the shrunk run (byte for byte what `kqsim replay` prints). The
 * executions run in worker threads (--workers, default every core) under the watchdog;
 * --shard i/n runs one shard of the search, whose --json summary `kqsim merge` combines.
 *
 *   register_explore(prog)   add the command
 *
 * Exit codes: 0 every execution held (exhaustive and complete: "all N interleavings
 * checked"); 1 a counterexample; 2 bad input; 130 stopped by Ctrl-C (what was covered is
 * printed).
 */
import { availableParallelism } from 'node:os';
import { type Command, Option } from '@commander-js/extra-typings';
import { type ExploreReport, type ExploreSpec, explore_header } from '../explore/explorer.ts';
import { schedule_choices } from '../explore/replay.ts';
import { slice_label, slice_parse, WHOLE } from '../explore/slice.ts';
import { STRATEGY_NAMES, type StrategyName } from '../explore/strategy.ts';
import { shard_json, summary_json } from '../explore/summary.ts';
import { explore_workers } from '../explore/workers.ts';
import { scenario_build, scenario_load } from '../scenario.ts';
import { narrate_run } from '../view/narrate.ts';
import { safe_lines } from '../view/safe_text.ts';
import { command_help, count_arg, EXIT, isolation_arg, isolation_options, platform_arg, refuse_together, seed_arg } from './args.ts';
import { progress_reporter } from './progress.ts';

interface ExploreFlags {
  build?: string;
  platform: string;
  strategy: string;
  runs?: string;
  seed?: string;
  depth?: string;
  maxPreemptions?: string;
  pctDepth?: string;
  reduce: boolean;
  json?: boolean;
  workers?: string;
  shard?: string;
  watchdogS?: string;
  maxMemoryMb?: string;
}

function covered(r: ExploreReport): string {
  return `${r.distinctTraces} distinct trace(s), ${r.pruned} execution(s) pruned as equivalent`;
}

async function cmd_explore(ref: string, o: ExploreFlags): Promise<number> {
  const platform = platform_arg(o.platform);
  const strategy = o.strategy as StrategyName;
  const seed = seed_arg(o.seed) ?? 0;
  const runs = count_arg('--runs', o.runs, 1);
  const depth = count_arg('--depth', o.depth, 0);
  const maxPreemptions = count_arg('--max-preemptions', o.maxPreemptions, 0);
  const pctDepth = count_arg('--pct-depth', o.pctDepth, 1);
  const workers = count_arg('--workers', o.workers, 1) ?? availableParallelism();
  const shard = o.shard !== undefined ? slice_parse(o.shard) : WHOLE;
  const limits = isolation_arg(o);
  const scenario = await scenario_load(ref);
  const build = scenario_build(scenario, o.build);

  const spec: ExploreSpec = {
    scenario,
    build,
    platform,
    strategy,
    seed,
    ...(strategy === 'exhaustive' && !o.reduce ? { reduce: false } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(depth !== undefined ? { depth } : {}),
    ...(maxPreemptions !== undefined ? { maxPreemptions } : {}),
    ...(pctDepth !== undefined ? { pctDepth } : {}),
  };
  const progress = progress_reporter(process.stderr);
  let r: ExploreReport;
  try {
    const done = await explore_workers(spec, shard, { ...limits, workers, onProgress: (p) => progress.update(p) });
    r = done.report;
    if (o.json && o.shard !== undefined) {
      process.stdout.write(shard_json(r, explore_header(spec), shard, done.slice));
      return exit_code(r);
    }
  } finally {
    progress.finish();
  }

  if (o.json) {
    process.stdout.write(summary_json(r));
  } else {
    const bounds = [depth !== undefined ? `depth ${depth}` : '', maxPreemptions !== undefined ? `at most ${maxPreemptions} preemption(s)` : '']
      .filter((x) => x)
      .join(', ');
    const lines = [
      `kqsim explore: scenario ${r.scenario} on build ${r.build}, platform ${r.platform}, strategy ${r.strategy}${strategy === 'exhaustive' ? (o.reduce ? ' with partial-order reduction' : ' without reduction') : ` from seed ${seed}`}${bounds ? ` (${bounds})` : ''}${o.shard !== undefined ? `, shard ${slice_label(shard)}` : ''}`,
    ];
    const v = r.violations[0];
    if (v) {
      const shrunkChoices = schedule_choices(v.shrunkSchedule);
      lines.push(
        `counterexample found by execution ${v.execution}: ${v.invariant} at step ${v.step}: ${v.message}`,
        `  schedule:        ${v.schedule}`,
        `  shrunk schedule: ${v.shrunkSchedule} (${shrunkChoices.filter((c) => c !== 0).length} non-default choice(s), ${v.shrunk.steps} steps)`,
        `  replay it:       npx kqsim replay ${ref} --build ${r.build} --platform ${r.platform} --schedule ${v.shrunkSchedule}`,
        '',
        'the shrunk run:',
      );
      process.stdout.write(`${safe_lines(lines)}${narrate_run(v.shrunk, scenario.description)}`);
      return 1;
    }
    if (r.interrupted) lines.push(`interrupted after ${r.executions} execution(s) (${covered(r)}): no violation in what was covered`);
    else if (r.complete) lines.push(`all ${r.executions} interleavings checked (${covered(r)}): every expectation and invariant held`);
    else if (strategy === 'exhaustive')
      lines.push(`${r.executions} interleavings checked (${covered(r)}), not all: the search was bounded; every expectation and invariant held`);
    else lines.push(`${r.executions} executions checked (${covered(r)}): every expectation and invariant held`);
    process.stdout.write(safe_lines(lines));
  }
  return exit_code(r);
}

function exit_code(r: ExploreReport): number {
  if (r.violations.length > 0) return 1;
  return r.interrupted ? 130 : 0;
}

export function register_explore(prog: Command): void {
  const cmd = prog
    .command('explore')
    .description('run a scenario under many interleavings; report a shrunk counterexample if one fails')
    .argument('<scenario>', 'scenario name (from scenarios/) or path to a scenario file')
    .option('--build <build>', "kernel build (default: the scenario's own build, else netbsd-2.0)")
    .option('--platform <platform>', 'platform (port)', 'i386')
    .addOption(new Option('--strategy <strategy>', 'exploration strategy').choices(STRATEGY_NAMES).default('random'))
    .option('--runs <n>', 'random, pct: executions to run (default 10000); exhaustive: a cap (default 100000)')
    .option('--seed <n>', 'random, pct: the seed (0 to 4294967295, default 0)')
    .option('--depth <d>', 'exhaustive: branch at no more than the first d choice points of an execution')
    .option('--max-preemptions <k>', 'exhaustive: at most k non-default choices (preemptions, interrupts) per execution')
    .option('--pct-depth <d>', 'pct: the bug depth targeted (d-1 priority change points, default 3)')
    .option('--no-reduce', 'exhaustive: turn partial-order reduction off')
    .option('--json', 'print one JSON summary object instead of text')
    .option('--workers <n>', 'worker threads to run executions in (default: the available cores); the results do not depend on it')
    .option('--shard <i/n>', 'run shard i of n of the search (1-based); `kqsim merge` combines the --json summaries');
  isolation_options(cmd).action(async (ref, o) => {
    process.exitCode = await cmd_explore(ref, o as ExploreFlags);
  });
  refuse_together(cmd, [
    ['--seed', '--strategy=exhaustive', 'the exhaustive search takes no random decisions'],
    ['--depth', '--strategy=random|pct', '--depth bounds the exhaustive search'],
    ['--max-preemptions', '--strategy=random|pct', '--max-preemptions bounds the exhaustive search'],
    ['--no-reduce', '--strategy=random|pct', 'partial-order reduction is part of the exhaustive search'],
    ['--pct-depth', '--strategy=random|exhaustive', '--pct-depth is the bug depth PCT aims at'],
  ]);
  command_help(cmd, {
    examples: [
      ['kqsim explore nic-softnet --strategy exhaustive', 'every interleaving, with partial-order reduction'],
      ['kqsim explore nic-softnet --build netbsd-2.0+mutant-lost-wakeup --strategy pct --seed 1', 'PCT finds the lost wakeup: exit 1, shrunk'],
      ['kqsim explore pipe-read --strategy exhaustive --max-preemptions 2', 'a bounded search'],
      ['kqsim explore nic-softnet --runs 500 --json', 'a random walk, as one JSON object'],
      ['kqsim explore nic-softnet --runs 20000 --shard 1/4 --json', 'one shard of four; kqsim merge combines their summaries'],
    ],
    exits: { 0: `${EXIT.ok} in every execution`, 1: `a counterexample: ${EXIT.found}`, 2: EXIT.input, 130: EXIT.interrupted },
  });
}
