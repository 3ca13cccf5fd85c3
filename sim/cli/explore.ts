/*
 * `kqsim explore <scenario>`: run a scenario under many interleavings with a strategy and
 * report what was covered and what a clean search proves, or the first counterexample,
 * shrunk, with its racing pair, its replay command and a narrated trace of just the shrunk
 * run (byte for byte what `kqsim replay` prints). `--html FILE` writes the page of that run
 * (or of the undisturbed run, after a clean search) with the search's coverage map. The
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
import { DEFAULT_SATURATION_WINDOW } from '../explore/claims.ts';
import { type ExploreReport, type ExploreSpec, explore_header } from '../explore/explorer.ts';
import { INDEXED_CHUNK } from '../explore/indexed.ts';
import { race_lines } from '../explore/race.ts';
import { schedule_choices } from '../explore/replay.ts';
import { slice_label, slice_parse, WHOLE } from '../explore/slice.ts';
import { STRATEGY_NAMES, type StrategyName } from '../explore/strategy.ts';
import { shard_json, summary_json } from '../explore/summary.ts';
import { explore_workers } from '../explore/workers.ts';
import { scenario_load_watched } from '../run/load_task.ts';
import { run_limits, run_scenario } from '../run/runner.ts';
import { type Scenario, scenario_build } from '../scenario.ts';
import { html_run } from '../view/html.ts';
import { narrate_run } from '../view/narrate.ts';
import { safe_lines } from '../view/safe_text.ts';
import {
  command_help,
  count_arg,
  EXIT,
  emit,
  isolation_arg,
  isolation_options,
  limits_arg,
  limits_flag,
  MAX_TICKS_FLAG,
  MAX_TICKS_HELP,
  platform_arg,
  refuse_together,
  seed_arg,
  UsageError,
} from './args.ts';
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
  untilSaturated?: string | boolean;
  html?: string;
  json?: boolean;
  workers?: string;
  shard?: string;
  watchdogS?: string;
  maxMemoryMb?: string;
  maxTicksPerRun?: string;
}

/** Coverage in a few lines: how many pairs were exercised, and the points never interrupted. */
function coverage_lines(r: ExploreReport): string[] {
  const c = r.collected.coverage;
  return [
    `coverage: ${c.exercised.length} of ${c.reachable.length} (preemption point, interrupt source) pairs seen reachable were exercised`,
    `  points that never saw an interrupt (${c.neverInterrupted.length}): ${c.neverInterrupted.length > 0 ? c.neverInterrupted.join(', ') : 'none'}`,
  ];
}

/*
 * The page of the counterexample's shrunk run, or of the undisturbed run, with the coverage
 * map. Run here, like the replay of the shrunk run: deterministic, and the search has just
 * run this scenario under the watchdog.
 */
function write_html(file: string, r: ExploreReport, scenario: Scenario, spec: Parameters<typeof run_scenario>[0]): void {
  const v = r.violations[0];
  const run = run_scenario({ ...spec, snapshots: true, ...(v ? { schedule: v.shrunkSchedule } : {}) });
  const c = r.collected.coverage;
  emit(
    html_run(run, scenario, {
      title: `coverage of the ${r.strategy} search (${r.executions} runs)`,
      pairs: c.pairs.map((p) => ({ ...p, exercised: p.taken > 0 })),
      neverInterrupted: c.neverInterrupted,
    }),
    file,
  );
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
  const limits = limits_arg(o.maxTicksPerRun);
  const untilSaturated = o.untilSaturated === true ? DEFAULT_SATURATION_WINDOW : count_arg('--until-saturated', o.untilSaturated || undefined, 1);
  if (untilSaturated !== undefined && strategy === 'exhaustive')
    throw new UsageError('--until-saturated is for random and pct: an exhaustive search ends by itself');
  const workers = count_arg('--workers', o.workers, 1) ?? availableParallelism();
  const shard = o.shard !== undefined ? slice_parse(o.shard) : WHOLE;
  const isolation = isolation_arg(o);
  const scenario = await scenario_load_watched(ref, isolation);
  const build = scenario_build(scenario, o.build);

  const spec: ExploreSpec = {
    scenario,
    build,
    platform,
    strategy,
    seed,
    ...(strategy === 'exhaustive' && !o.reduce ? { reduce: false } : {}),
    ...(limits ? { limits } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(depth !== undefined ? { depth } : {}),
    ...(maxPreemptions !== undefined ? { maxPreemptions } : {}),
    ...(pctDepth !== undefined ? { pctDepth } : {}),
    ...(untilSaturated !== undefined ? { untilSaturated } : {}),
  };
  const progress = progress_reporter(process.stderr);
  let done: Awaited<ReturnType<typeof explore_workers>>;
  try {
    done = await explore_workers(spec, shard, { ...isolation, workers, onProgress: (p) => progress.update(p) });
  } finally {
    progress.finish();
  }
  const r = done.report;
  if (o.html !== undefined) write_html(o.html, r, scenario, { scenario, build, platform, ...(limits ? { limits } : {}) });

  if (o.json && o.shard !== undefined) {
    process.stdout.write(shard_json(r, explore_header(spec), shard, done.slice));
  } else if (o.json) {
    process.stdout.write(summary_json(r));
  } else {
    const ticks = run_limits({ scenario, ...(limits ? { limits } : {}) }).busy_ticks_max;
    const bounds = [
      depth !== undefined ? `depth ${depth}` : '',
      maxPreemptions !== undefined ? `at most ${maxPreemptions} preemption(s)` : '',
      `at most ${ticks} clock tick(s) while busy`,
    ]
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
        `  replay it:       npx kqsim replay ${ref} --build ${r.build} --platform ${r.platform}${limits_flag(limits)} --schedule ${v.shrunkSchedule}`,
        ...(v.race ? race_lines(v.race) : [`no racing pair: ${v.raceWhy}`]),
        ...coverage_lines(r),
        '',
        'the shrunk run:',
      );
      process.stdout.write(`${safe_lines(lines)}${narrate_run(v.shrunk, scenario.description)}`);
      return 1;
    }
    if (r.saturated)
      lines.push(
        `saturated: no new distinct trace in the ${r.executions - r.lastNewTrace} execution(s) after execution ${r.lastNewTrace} (window ${untilSaturated}, checked every ${INDEXED_CHUNK} executions), so the search stopped`,
      );
    if (r.interrupted) lines.push(`interrupted after ${r.executions} execution(s) (${covered(r)}): no violation in what was covered`);
    else if (r.complete) lines.push(`all ${r.executions} interleavings checked (${covered(r)}): every expectation and invariant held`);
    else if (strategy === 'exhaustive')
      lines.push(`${r.executions} interleavings checked (${covered(r)}), not all: the search was bounded; every expectation and invariant held`);
    else lines.push(`${r.executions} executions checked (${covered(r)}): every expectation and invariant held`);
    for (const f of r.findings) {
      lines.push(
        `findings: ${f.invariant} (first in execution ${f.execution}): ${f.message}`,
        `  replay it:       npx kqsim replay ${ref} --build ${r.build} --platform ${r.platform}${limits_flag(limits)} --schedule ${f.shrunkSchedule}`,
      );
    }
    lines.push(...coverage_lines(r));
    if (r.confidence) lines.push(`what it proves: ${r.confidence.statement}`);
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
    .option(MAX_TICKS_FLAG, MAX_TICKS_HELP)
    .option(
      '--until-saturated [n]',
      `random, pct: stop after n executions in a row without a new distinct trace (default ${DEFAULT_SATURATION_WINDOW})`,
    )
    .option('--html <file>', "write the HTML page of the counterexample's shrunk run (or the undisturbed run) with the search's coverage map")
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
      ['kqsim explore two-sources --strategy pct --until-saturated 500', 'PCT until 500 runs bring no new trace; what it proves'],
      ['kqsim explore nic-softnet --build netbsd-2.0+mutant-lost-wakeup --html run.html', "the counterexample's page, with the search's coverage"],
      ['kqsim explore nic-softnet --runs 20000 --shard 1/4 --json', 'one shard of four; kqsim merge combines their summaries'],
    ],
    exits: { 0: `${EXIT.ok} in every execution`, 1: `a counterexample: ${EXIT.found}`, 2: EXIT.input, 130: EXIT.interrupted },
  });
}
