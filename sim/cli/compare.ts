/*
 * kqsim compare <scenario> --builds A,B,C: run one wake-up scenario on several builds and
 * print, per build, what its wake-up mechanism cost, measured from the traces (sim/compare/compare.ts);
 * or run the designs-compare workload on several event designs and print what each cost
 * (sim/compare/designs.ts). The scenario's markers say which.
 *
 * The scenario decides the mechanism: `wakeup-compare` probes at run time (EVFILT_USER, else
 * the ktickle ioctl, else a pipe), so one scenario maps onto a mechanism per build; the fixed
 * scenarios (wakeup-pipe, wakeup-evfilt-user) compare one mechanism across
 * builds. Each build runs `--runs` times: the undisturbed schedule, then seeds 1, 2, ...
 *
 *   register_compare(prog)   add the command to the CLI program
 *   cmd_compare(ref, opts)   the command; returns the exit code
 *
 * Exit 0 when every run held; 1 when some run ended in a violation, panic or deadlock
 * (its schedule is printed); 2 for bad input.
 */
import type { Command } from '@commander-js/extra-typings';
import { build_parse } from '../../src/builds.ts';
import { PLATFORMS, platform_get } from '../../src/machine/platform.ts';
import { type CompareRow, compare_summary, compare_table, wakeup_measure } from '../compare/compare.ts';
import { type DesignsRow, designs_measure, designs_summary, designs_table } from '../compare/designs.ts';
import { scenario_load_watched } from '../run/load_task.ts';
import { RunInputError, type RunResult, run_scenario } from '../run/runner.ts';
import { outcome_line } from '../view/narrate.ts';
import { safe_json, safe_lines } from '../view/safe_text.ts';
import { command_help, EXIT, isolation_arg, load_isolation_options } from './args.ts';

export class CompareError extends RunInputError {}

export interface CompareFlags {
  builds: string;
  platform: string;
  runs: string;
  json?: boolean;
  watchdogS?: string;
  maxMemoryMb?: string;
}

export async function cmd_compare(ref: string, o: CompareFlags): Promise<number> {
  const names = o.builds.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new CompareError(`--builds '${o.builds}' has an empty build name: give a comma-separated list`);
  const builds = names.map(build_parse);
  const platform = platform_get(o.platform);
  if (!platform) throw new CompareError(`unknown platform '${o.platform}': valid platforms are ${PLATFORMS.map((p) => p.name).join(', ')}`);
  if (!/^\d{1,4}$/.test(o.runs) || Number(o.runs) < 1 || Number(o.runs) > 1000)
    throw new CompareError(`--runs '${o.runs}' is not a whole number from 1 to 1000`);
  const runs = Number(o.runs);
  const scenario = await scenario_load_watched(ref, isolation_arg(o));

  // Every build's runs first; the scenario's markers then say which measurement applies.
  const results = builds.map((build) => {
    const clean: RunResult[] = [];
    let failed = 0;
    let first_failure: CompareRow['first_failure'];
    for (let i = 0; i < runs; i++) {
      const r = run_scenario({ scenario, build, platform, ...(i > 0 ? { seed: i } : {}) });
      if (r.outcome.kind === 'done') {
        clean.push(r);
        continue;
      }
      failed++;
      first_failure ??= { verdict: outcome_line(r.outcome, r.steps, r.ticks), schedule: r.schedule };
    }
    return { build: build.name, runs, failed, ...(first_failure ? { first_failure } : {}), clean };
  });
  const probe = results.flatMap((x) => x.clean)[0];
  const designs = probe !== undefined && designs_measure(probe) !== null;
  const measure = <M>(f: (r: RunResult) => M | null) =>
    results.map(({ clean, ...row }) => ({
      ...row,
      measured: clean.map((r) => {
        const m = f(r);
        if (m === null) {
          throw new CompareError(
            `scenario '${scenario.name}' logs no complete 'wakeup:' or 'designs:' markers: compare needs a wake-up scenario (wakeup-compare, wakeup-pipe, wakeup-evfilt-user) or designs-compare`,
          );
        }
        return m;
      }),
    }));
  const rows: (CompareRow | DesignsRow)[] = designs ? measure(designs_measure) : measure(wakeup_measure);
  const summary = (r: CompareRow | DesignsRow) => (designs ? designs_summary(r as DesignsRow) : compare_summary(r as CompareRow));

  if (o.json) {
    process.stdout.write(
      `${safe_json({ scenario: scenario.name, platform: platform.name, runs, builds: rows.map((r) => ({ ...summary(r), first_failure: r.first_failure ?? null })) })}\n`,
    );
  } else {
    const out = [
      `kqsim compare: scenario ${scenario.name} on ${platform.name}, ${runs} run(s) per build (the undisturbed schedule, then seeds 1..${runs - 1})`,
      designs
        ? 'per run, median (max) over the clean runs: syscalls; event-API bytes copied in and out; threads woken by the queue, and those that then read nothing; events returned, those that found nothing to read, datagrams never read'
        : "latency: from the waker's request (just before its wake syscall) to the server noticing; median (max) over the clean runs",
      '',
      ...(designs ? designs_table(rows as DesignsRow[]) : compare_table(rows as CompareRow[])).split('\n'),
    ];
    for (const r of rows) {
      if (r.first_failure) {
        out.push(
          '',
          `${r.build}: ${r.failed} of ${r.runs} run(s) failed; first: ${r.first_failure.verdict}`,
          `  replay: kqsim replay ${scenario.name} --build ${r.build} --platform ${platform.name} --schedule ${r.first_failure.schedule}`,
        );
      }
    }
    process.stdout.write(safe_lines(out));
  }
  return rows.some((r) => r.failed > 0) ? 1 : 0;
}

export function register_compare(prog: Command): void {
  const cmd = load_isolation_options(prog.command('compare'))
    .description('run a wake-up scenario, or the designs workload, on several builds and compare what it cost, measured from the traces')
    .argument('<scenario>', 'a wake-up scenario (wakeup-compare, wakeup-pipe, wakeup-evfilt-user) or designs-compare')
    .requiredOption('--builds <builds>', 'comma-separated kernel builds')
    .option('--platform <platform>', 'platform (port)', 'i386')
    .option('--runs <n>', 'runs per build: the undisturbed schedule, then seeds 1..n-1', '20')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (ref, o) => {
      process.exitCode = await cmd_compare(ref, o as CompareFlags);
    });
  command_help(cmd, {
    examples: [
      ['kqsim compare wakeup-compare --builds netbsd-4.0+ktickle-v2,netbsd-4.0,netbsd-modern', 'ktickle, a pipe and EVFILT_USER, side by side'],
      ['kqsim compare wakeup-pipe --builds netbsd-2.0,netbsd-4.0 --runs 50 --json', 'one mechanism on two kernels, as JSON'],
      ['kqsim compare designs-compare --builds netbsd-2.0,linux-kevent,dillon-2000', 'the event designs on one workload'],
    ],
    exits: { 0: `${EXIT.ok} in every run`, 1: `some run ended in ${EXIT.found}`, 2: EXIT.input },
  });
}
