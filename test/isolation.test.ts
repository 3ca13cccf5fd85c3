/*
 * Isolation: scenario code that never yields, or eats memory, ends `kqsim run` and `kqsim
 * explore` with one line naming the scenario, the process and the step, exit 2, no stack;
 * Ctrl-C stops a run that never ends within a second and says where it was. A scenario file
 * whose top-level code never finishes ends every command that loads it the same way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DIR, scenario_bundled, scenario_file } from '../sim/scenario.ts';
import { kqsim, kqsimSpawn } from './helpers/cli.ts';

const API = JSON.stringify(join(import.meta.dirname, '..', 'sim', 'scenario.ts'));
const dir = mkdtempSync(join(tmpdir(), 'kqsim-isolation-'));

/** An out-of-tree scenario whose one process runs `body` after a kqueue() call. */
function scenario(name: string, body: string): string {
  const file = join(dir, `${name}.mts`);
  writeFileSync(
    file,
    `import { defineScenario } from ${API};
export default defineScenario({ summary: '${name}', processes: [{ name: '${name}', *main(u) { yield* u.kqueue(); ${body} } }] });\n`,
  );
  return file;
}

const spin = scenario('spinner', 'while (true) {}');
const logger = scenario('logger', "for (;;) u.log('x'.repeat(1000));");

function expectOneLine(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('the watchdog', () => {
  it('should stop a process that never yields under run and under explore, naming it and its step', () => {
    const t0 = Date.now();
    expectOneLine(
      kqsim('run', spin, '--watchdog-s', '2'),
      /^kqsim: error: scenario 'spinner' made no progress for 2 s: process spinner\[1\] at step \d+;/,
    );
    expectOneLine(
      kqsim('explore', spin, '--watchdog-s', '2', '--workers', '2', '--runs', '10'),
      /^kqsim: error: scenario 'spinner' made no progress for 2 s: process spinner\[1\] at step \d+;/,
    );
    // Two runs, each the watchdog's 2 s plus starting node and a worker.
    expect(Date.now() - t0).toBeLessThan(40_000);
  }, 60_000);

  it('should stop a process that logs without yielding at the memory limit', () => {
    expectOneLine(
      kqsim('run', logger, '--max-memory-mb', '64'),
      /^kqsim: error: scenario 'logger' ran past the memory limit of 64 MB: process logger\[1\] at step \d+; stopped/,
    );
  }, 60_000);
});

describe('Ctrl-C', () => {
  it('should stop a run that never ends within a second and say where it was', async () => {
    const run = kqsimSpawn('run', spin, '--watchdog-s', '60');
    // Give it time to start its worker and get stuck, then interrupt.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const sent = Date.now();
    run.child.kill('SIGINT');
    const { code, err } = await run.done;
    expect(code).toBe(130);
    // Within a second of the signal, plus what a busy machine adds to ending a process.
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(err).toMatch(/^kqsim: interrupted at step \d+ \(spinner\[1\]\)/);
  }, 30_000);
});

/** An out-of-tree scenario whose module runs `top` at its top level, before its default export. */
function scenarioWithTop(name: string, top: string): string {
  const file = join(dir, `${name}.mts`);
  writeFileSync(
    file,
    `import { defineScenario } from ${API};
${top}
export default defineScenario({ summary: '${name}', processes: [{ name: '${name}', *main(u) { yield* u.kqueue(); } }] });\n`,
  );
  return file;
}

describe('the watchdog over loading a scenario file', () => {
  const looping = scenarioWithTop('looping', 'while (true) {}');
  const waiting = scenarioWithTop('waiting', 'await new Promise(() => {});');
  const stuck = (file: string) =>
    new RegExp(
      `^kqsim: error: scenario '${file}' made no progress for 1 s: running its module's top-level code; stopped by the watchdog \\(--watchdog-s\\)\n$`,
    );

  it('should stop a module body that loops or awaits forever, in one line naming the file', () => {
    expectOneLine(kqsim('run', looping, '--watchdog-s', '1'), stuck(looping));
    expectOneLine(kqsim('run', waiting, '--watchdog-s', '1'), stuck(waiting));
  }, 30_000);

  it('should stop it under every other command that loads a scenario', async () => {
    // These children wait more than they work: started together, they take about as long as one.
    const commands = [
      ['replay', waiting, '--schedule', 'kq2:waiting:0'],
      ['explore', waiting, '--workers', '1'],
      ['explain', waiting, '--schedule', 'kq2:waiting:0'],
      ['diff', waiting, '--build', 'netbsd-2.0', '--vs', 'netbsd-4.0'],
      ['compare', waiting, '--builds', 'netbsd-2.0,netbsd-4.0'],
    ];
    const results = await Promise.all(commands.map((c) => kqsimSpawn(...c, '--watchdog-s', '1').done));
    results.forEach((r, i) => {
      expect(r.code, commands[i]?.join(' ')).toBe(2);
      expectOneLine(r, stuck(waiting));
    });
  }, 60_000);

  it('should try only files outside the bundled set (the bundled ones pay no worker)', () => {
    expect(scenario_bundled(scenario_file('pipe-read'))).toBe(true);
    expect(scenario_bundled(scenario_file(join(SCENARIO_DIR, 'nic-softnet.ts')))).toBe(true);
    expect(scenario_bundled(scenario_file(join(SCENARIO_DIR, 'lib', 'nic-softnet.ts')))).toBe(false);
    expect(scenario_bundled(scenario_file(waiting))).toBe(false);
  });
});
