/*
 * `kqsim new NAME`: write a commented scenario to start from, one that runs as it is (a
 * reader waits in kevent(2) for a pipe its child writes), and say how to run it. A bare name
 * becomes ./NAME.mts (an ES module wherever it lives, as a scenario must be); a path is used
 * as given. An existing file is never overwritten.
 *
 *   scenario_template(name, api)   the text of the new scenario, importing kqsim from `api`
 *   register_new(prog)             add the command
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { SCENARIO_API, scenario_commonjs_reason } from '../scenario.ts';
import { command_help, EXIT, UsageError } from './args.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function scenario_template(name: string, api: string): string {
  return `/*
 * ${name}: a kqsim scenario, written by \`kqsim new\`. It runs as it is; change it to ask your
 * own question of the kernel.
 *
 *   npx kqsim run ./${name}.mts                                  narrated, at the default interleaving
 *   npx kqsim run ./${name}.mts --teach                          predict each interesting step first
 *   npx kqsim explore ./${name}.mts --strategy exhaustive        every interleaving that matters
 *   npx kqsim run ./${name}.mts --format html --out ${name}.html   the timeline in a browser
 *
 * A scenario is the default export of defineScenario(). Each process is a generator over a
 * small libc: every call is \`yield*\`-ed (that is where the kernel may be interrupted) and
 * returns { ret, errno, error, events, fds, data, ... } with NetBSD's errno values; the
 * README's "The libc" lists every call with its arguments.
 */
import { defineScenario, EV_ADD, EV_SET, EVFILT_READ } from '${api}';

export default defineScenario({
  // One line for \`kqsim list\`, and a paragraph the narration prints first.
  summary: '${name}: a reader waits in kevent for a pipe its child writes',
  description: \`The parent makes a pipe and a kqueue, forks a writer, and waits for
EVFILT_READ on the read end in kevent(2); the child's write wakes it.\`,

  // Devices, if you want interrupts: datagrams for nic0 (IPL_NET) and characters for com0
  // (IPL_SERIAL), arriving at or after a tick. A process reads them with u.socket() /
  // u.bind(so, 7) or u.openTty().
  // nic: [{ at: 0, port: 7, data: 'ping!' }],
  // serial: [{ at: 1, data: 'abc' }],

  processes: [
    {
      name: 'reader',
      *main(u) {
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        // The child shares the pipe (kqueues are not inherited by fork).
        yield* u.fork('writer', function* (c) {
          const wr = yield* c.write(w, 'hello');
          c.expect(wr.ret === 5, 'the write of 5 bytes to succeed');
        });
        const got = yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD)], 1);
        // An expectation must hold on every interleaving: state what the kernel guarantees,
        // not what one run happened to do (explore checks them all).
        u.expect(got.ret === 1 && got.events[0]?.ident === r, 'kevent to return the read end as readable');
        const rd = yield* u.read(r, 64);
        u.log(\`read \${rd.ret} byte(s): \${rd.data}\`);
        for (const fd of [kq, r, w]) yield* u.close(fd);
      },
    },
  ],
});
`;
}

/** The import specifier of kqsim's scenario API as seen from `file`. */
function api_from(file: string): string {
  const rel = relative(dirname(file), SCENARIO_API).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function cmd_new(ref: string): number {
  const file = resolve(NAME.test(ref) && extname(ref) === '' ? `${ref}.mts` : ref);
  const ext = extname(file);
  if (ext !== '.mts' && ext !== '.ts') throw new UsageError(`'${ref}': a scenario file ends in .mts (or .ts under a "type": "module" package.json)`);
  if (existsSync(file)) throw new UsageError(`${file} exists: give another name, or remove it first`);
  const cjs = scenario_commonjs_reason(file);
  if (cjs) throw new UsageError(`${cjs}: name it ${relative(process.cwd(), file).replace(/\.ts$/, '.mts')} instead`);
  const name = file.slice(dirname(file).length + 1, -ext.length);
  try {
    writeFileSync(file, scenario_template(name, api_from(file)));
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
  const shown = relative(process.cwd(), file);
  const arg = shown.startsWith('..') || shown.startsWith(sep) ? file : `./${shown}`;
  process.stdout.write(
    `wrote ${arg}: a commented scenario that runs as it is\nrun it:      npx kqsim run ${arg}\nexplore it:  npx kqsim explore ${arg} --strategy exhaustive\n`,
  );
  return 0;
}

export function register_new(prog: Command): void {
  const cmd = prog
    .command('new')
    .description('write a commented scenario to start from, one that runs as it is')
    .argument('<name>', 'a name (writes ./NAME.mts) or a path ending in .mts or .ts')
    .action((ref) => {
      process.exitCode = cmd_new(ref);
    });
  command_help(cmd, {
    examples: [
      ['kqsim new my-scenario', 'writes ./my-scenario.mts'],
      ['kqsim new scenarios/my-scenario.ts', 'a bundled one, run by name: kqsim run my-scenario'],
    ],
    exits: { 0: 'written', 2: `${EXIT.input} (the file exists, or cannot be written)` },
  });
}
