/*
 * `kqsim list`: builds, platforms, scenarios and invariants, each with its one-line
 * description (or --json).
 *
 *   register_list(prog)   add the command
 */
import type { Command } from '@commander-js/extra-typings';
import { BASES, BUILDS, build_parse, OPTIONS, PATCHES } from '../../src/builds.ts';
import { PLATFORMS } from '../../src/machine/platform.ts';
import { INVARIANTS } from '../check/invariants.ts';
import { scenario_list, scenario_load } from '../scenario.ts';
import { safe_json, safe_lines } from '../view/safe_text.ts';
import { command_help, EXIT } from './args.ts';

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
    process.stdout.write(`${safe_json({ builds, platforms, scenarios, invariants })}\n`);
    return 0;
  }
  const section = (title: string, rows: readonly { name: string; description?: string; summary?: string }[]) => {
    const w = Math.max(...rows.map((r) => r.name.length));
    return [`${title}:`, ...rows.map((r) => `  ${r.name.padEnd(w)}  ${r.description ?? r.summary ?? ''}`)];
  };
  const sections = [section('builds', builds), section('platforms', platforms), section('scenarios', scenarios), section('invariants', invariants)];
  process.stdout.write(safe_lines(sections.flatMap((s, i) => (i === 0 ? s : ['', ...s]))));
  return 0;
}

export function register_list(prog: Command): void {
  const cmd = prog
    .command('list')
    .description('list builds, platforms, scenarios and invariants')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      process.exitCode = await cmd_list(o.json ?? false);
    });
  command_help(cmd, {
    examples: [
      ['kqsim list', 'what can be simulated, one line each'],
      ['kqsim list --json', 'the same as one JSON object'],
    ],
    exits: { 0: 'listed', 2: EXIT.input },
  });
}
