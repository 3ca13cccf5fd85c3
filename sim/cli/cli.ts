/*
 * kqsim, the command line.
 *
 *   kqsim list                      builds, platforms, scenarios and invariants
 *   kqsim run <scenario> [...]      one narrated run (or JSON lines, Perfetto, HTML; --teach);
 *                                   last line `schedule: S`
 *   kqsim replay <scenario> --schedule S    the same run again, byte for byte
 *   kqsim compare <scenario> --builds A,B,C   wake-up cost per build (sim/cli/compare.ts)
 *   kqsim diff <scenario> --build A --vs B   two builds on one schedule (sim/cli/diff.ts)
 *   kqsim demo                      the guided tour that `npm start` runs (sim/cli/demo.ts)
 *   kqsim explore <scenario> [...]  many interleavings; a shrunk counterexample (explore.ts)
 *
 * Exit codes: 0 every expectation and invariant held; 1 a violation, panic or deadlock
 * (the output carries the replayable schedule); 2 bad input or configuration, as one line
 * on stderr.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { BASES, BUILDS, type Build, BuildError, build_parse, OPTIONS, PATCHES } from '../../src/builds.ts';
import { PLATFORMS, type Platform, platform_get } from '../../src/machine/platform.ts';
import { INVARIANTS } from '../check/invariants.ts';
import { RunInputError, type RunResult, run_scenario } from '../run/runner.ts';
import { ScheduleError } from '../run/schedule.ts';
import { KQSIM_VERSION } from '../run/version.ts';
import { ScenarioError, scenario_list, scenario_load } from '../scenario.ts';
import { html_run } from '../view/html.ts';
import { jsonl_run } from '../view/jsonl.ts';
import { narrate_run } from '../view/narrate.ts';
import { perfetto_run } from '../view/perfetto.ts';
import { register_compare } from './compare.ts';
import { demo_tour } from './demo.ts';
import { diff_register } from './diff.ts';
import { explore_command } from './explore.ts';
import { teach_run } from './teach.ts';

/** Bad input: reported as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const INPUT_ERRORS = [UsageError, BuildError, ScenarioError, ScheduleError, RunInputError];

export function platform_arg(name: string): Platform {
  const p = platform_get(name);
  if (!p) throw new UsageError(`unknown platform '${name}': valid platforms are ${PLATFORMS.map((x) => x.name).join(', ')}`);
  return p;
}

export function seed_arg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) {
    throw new UsageError(`--seed '${text}' is not a whole number from 0 to 4294967295`);
  }
  return Number(text);
}

function exit_code(r: RunResult): number {
  return r.outcome.kind === 'done' ? 0 : 1;
}

/** Write to --out or stdout; never lose output to an early exit. */
export function emit(text: string, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`cannot write --out '${out}': ${(e as Error).message}`);
  }
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
}

async function cmd_run(ref: string, o: RunFlags): Promise<number> {
  if (o.seed !== undefined && o.schedule !== undefined) throw new UsageError('give --seed or --schedule, not both');
  const build: Build = build_parse(o.build);
  const platform = platform_arg(o.platform);
  const seed = seed_arg(o.seed);
  if (o.teach && (o.format !== 'text' || o.json))
    throw new UsageError('--teach is a terminal dialogue: use it with --format text and without --json');
  const scenario = await scenario_load(ref);
  const r = run_scenario({
    scenario,
    build,
    platform,
    ...(seed !== undefined ? { seed } : {}),
    ...(o.schedule !== undefined ? { schedule: o.schedule } : {}),
    // The HTML state pane and the Perfetto kq_count counters read `state` snapshots.
    ...(o.format === 'html' || o.format === 'perfetto' ? { snapshots: true } : {}),
  });
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

async function cmd_list(json: boolean): Promise<number> {
  const scenarios = [];
  for (const name of scenario_list()) {
    const sc = await scenario_load(name);
    scenarios.push({ name, summary: sc.summary });
  }
  const builds = BUILDS.map((name) => {
    const b = build_parse(name);
    const base = BASES.find((x) => x.name === b.base);
    // A build is described by its last patch (the one on top), or by the option it adds.
    const patch = PATCHES.find((p) => p.name === b.patches[b.patches.length - 1]);
    const option = OPTIONS.find((o) => name.endsWith(`/${o.name}`));
    const description =
      patch?.description ?? (option ? `${base?.description ?? ''}, with options ${option.name}: ${option.description}` : (base?.description ?? ''));
    return { name, description, mutant: patch?.mutant ?? false };
  });
  const platforms = PLATFORMS.map((p) => ({ name: p.name, description: p.description }));
  const invariants = INVARIANTS.map((i) => ({ name: i.name, description: i.description }));
  if (json) {
    process.stdout.write(`${JSON.stringify({ builds, platforms, scenarios, invariants })}\n`);
    return 0;
  }
  const section = (title: string, rows: readonly { name: string; description?: string; summary?: string }[]) => {
    const w = Math.max(...rows.map((r) => r.name.length));
    return [`${title}:`, ...rows.map((r) => `  ${r.name.padEnd(w)}  ${r.description ?? r.summary ?? ''}`)].join('\n');
  };
  process.stdout.write(
    `${[section('builds', builds), section('platforms', platforms), section('scenarios', scenarios), section('invariants', invariants)].join(
      '\n\n',
    )}\n`,
  );
  return 0;
}

function program(): Command {
  const prog = new Command()
    .name('kqsim')
    .description('A deterministic simulator of the BSD kernel event subsystem (kqueue, knote, kcont, spl)')
    .version(KQSIM_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `kqsim: ${s}` : s) });

  prog
    .command('list')
    .description('list builds, platforms, scenarios and invariants')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      process.exitCode = await cmd_list(o.json ?? false);
    });

  const runOptions = (c: Command<[string]>) =>
    c
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

  register_compare(prog);
  diff_register(prog);
  explore_command(prog as unknown as Command);

  prog
    .command('demo')
    .description('a guided tour: a short narrated run, then what to try next (npm start)')
    .action(async () => {
      process.exitCode = await demo_tour(process.stdout);
    });
  return prog as unknown as Command;
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
