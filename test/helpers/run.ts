// Test helpers: run a bundled or inline scenario and look at what happened.

import { type RunResult, type RunSpec, run_scenario } from '../../sim/run/runner.ts';
import { defineScenario, type Scenario, type ScenarioDef, scenario_load, type UserMain } from '../../sim/scenario.ts';
import { build_parse } from '../../src/builds.ts';
import { i386, type Platform } from '../../src/machine/platform.ts';
import type { TraceEvent, TraceEventOf, TraceKind } from '../../src/trace.ts';

export const FOUNDATION_SCENARIOS = ['pipe-read', 'timer', 'signal-eintr', 'oneshot-clear-disable', 'close-removes-knotes', 'nic-softnet'] as const;

export function inline(name: string, def: ScenarioDef): Scenario {
  return { ...defineScenario(def), name, file: `<inline ${name}>` };
}

export interface RunOpts extends Partial<Omit<RunSpec, 'scenario' | 'build' | 'platform'>> {
  readonly build?: string;
  readonly platform?: Platform;
}

export function run(scenario: Scenario, opts: RunOpts = {}): RunResult {
  const { build, platform, ...rest } = opts;
  return run_scenario({ scenario, build: build_parse(build ?? scenario.build ?? 'netbsd-2.0'), platform: platform ?? i386, ...rest });
}

export async function runNamed(name: string, opts: RunOpts = {}): Promise<RunResult> {
  return run(await scenario_load(name), opts);
}

export function eventsOf<K extends TraceKind>(r: RunResult, kind: K): TraceEventOf<K>[] {
  return r.events.filter((e: TraceEvent): e is TraceEventOf<K> => e.kind === kind);
}

/** The outcome in one short string, for readable assertions. */
export function verdict(r: RunResult): string {
  const o = r.outcome;
  switch (o.kind) {
    case 'done':
      return 'done';
    case 'deadlock':
      return `deadlock: ${o.sleeping.join(',')}`;
    case 'panic':
      return `panic: ${o.message}`;
    case 'violation':
      return `${o.invariant}: ${o.message}`;
  }
}

/** A scenario of one process, `p`, running `main` (uid 1000 unless `uid` says otherwise). */
export function oneProcess(name: string, main: UserMain, extra: Omit<Partial<ScenarioDef>, 'processes'> & { uid?: number } = {}): Scenario {
  const { uid, ...rest } = extra;
  return inline(name, { summary: name, ...rest, processes: [{ name: 'p', main, ...(uid === undefined ? {} : { uid }) }] });
}
