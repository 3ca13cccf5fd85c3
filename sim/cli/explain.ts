/*
 * `kqsim explain <scenario> --build B [--platform P] --schedule S [--json]`: say why a run
 * failed. Replays the schedule (strictly, as `kqsim replay` does), names the racing pair of
 * steps whose order decides the failure, and checks it by replaying with the interrupt
 * moved past the pair (sim/explore/race.ts).
 *
 *   register_explain(prog)   add the command
 *
 * Exit codes: 1 the run fails (explained, with the schedules that replay both runs); 0 the
 * run passes (nothing to explain); 2 bad input.
 */
import type { Command } from '@commander-js/extra-typings';
import { find_race, race_lines } from '../explore/race.ts';
import { failure_of } from '../explore/replay.ts';
import { scenario_load_watched } from '../run/load_task.ts';
import { run_scenario } from '../run/runner.ts';
import { scenario_build } from '../scenario.ts';
import { outcome_message } from '../view/narrate.ts';
import { command_help, EXIT, isolation_arg, load_isolation_options, platform_arg } from './args.ts';

interface ExplainFlags {
  build?: string;
  platform: string;
  schedule: string;
  json?: boolean;
  watchdogS?: string;
  maxMemoryMb?: string;
}

async function cmd_explain(ref: string, o: ExplainFlags): Promise<number> {
  const platform = platform_arg(o.platform);
  const scenario = await scenario_load_watched(ref, isolation_arg(o));
  const build = scenario_build(scenario, o.build);
  const spec = { scenario, build, platform };
  // Strict replay first: a schedule from another scenario, build or platform is bad input.
  const r = run_scenario({ ...spec, schedule: o.schedule });
  const failed = r.outcome.kind !== 'done';
  const finding = failed ? find_race(spec, r.schedule) : { race: null, why: 'the run passes: there is no failure to explain' };
  if (o.json) {
    const out = {
      scenario: scenario.name,
      build: build.name,
      platform: platform.name,
      schedule: r.schedule,
      outcome: failure_of(r.outcome),
      message: outcome_message(r.outcome),
      step: r.steps,
      race: finding.race,
      ...(finding.race ? {} : { why: finding.why }),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const lines = [`kqsim explain: scenario ${scenario.name} on build ${build.name}, platform ${platform.name}, schedule ${r.schedule}`];
    if (!failed) lines.push('the run passes: every expectation and invariant held; there is no failure to explain');
    else {
      lines.push(`the run fails: ${failure_of(r.outcome)} at step ${r.steps}: ${outcome_message(r.outcome)}`);
      if (finding.race) lines.push(...race_lines(finding.race));
      else lines.push(`no racing pair: ${finding.why}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return failed ? 1 : 0;
}

export function register_explain(prog: Command): void {
  const cmd = load_isolation_options(prog.command('explain'))
    .description('say why a failing schedule fails: the racing pair of steps, checked by replay')
    .argument('<scenario>', 'scenario name (from scenarios/) or path to a scenario file')
    .option('--build <build>', "kernel build (default: the scenario's own build, else netbsd-2.0)")
    .option('--platform <platform>', 'platform (port)', 'i386')
    .requiredOption('--schedule <schedule>', 'the failing schedule (from run, replay or explore)')
    .option('--json', 'print one JSON object instead of text')
    .action(async (ref, o) => {
      process.exitCode = await cmd_explain(ref, o as ExplainFlags);
    });
  command_help(cmd, {
    examples: [
      [
        'kqsim explain nic-softnet --build netbsd-2.0+mutant-lost-wakeup --schedule kq2:nic-softnet:0*10.1',
        'the lost wakeup: which two steps raced, on what',
      ],
      ['kqsim explain two-sources --build netbsd-2.0+mutant-enqueue-nospl --schedule kq2:two-sources:0*12.1 --json', 'the same as one JSON object'],
    ],
    exits: { 0: 'the run passes: nothing to explain', 1: `the run fails (explained): ${EXIT.found}`, 2: EXIT.input },
  });
}
