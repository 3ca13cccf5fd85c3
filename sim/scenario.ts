/*
 * The scenario API: what a scenario file (scenarios/*.ts) writes, and how kqsim finds and
 * loads one.
 *
 * A scenario is a default export of defineScenario({...}): processes are generators over the
 * libc API (`yield* u.kevent(...)`), devices are declared with the ticks their input arrives
 * at, and expectations are stated inline with `u.expect(cond, what)`: every expectation must
 * hold on every interleaving, so state what the kernel guarantees, not what one run did.
 *
 *   defineScenario(def)     validate and name a scenario
 *   scenario_load(ref)      by name (`pipe-read`, from scenarios/) or by path (`./x.ts`)
 *   scenario_list()         the bundled scenarios, by name
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type KernelListenerDef, LISTENER_IPLS, LISTENER_KLISTS } from '../src/kern/kcont_listener.ts';
import type { NicPacket, SerialInput, UserMain } from '../src/kern/kernel.ts';

export * from '../src/kern/errno.ts';
export * from '../src/kern/event_h.ts';
export { _PC_LINK_MAX, _PC_PIPE_BUF } from '../src/kern/fifo_vnops.ts';
export type { KernelListenerDef } from '../src/kern/kcont_listener.ts';
export { F_GETFL, F_SETFL } from '../src/kern/kern_descrip.ts';
export type { Timespec } from '../src/kern/kern_event.ts';
export { W_EXITCODE, WEXITSTATUS, WIFEXITED, WIFSIGNALED, WNOHANG, WTERMSIG } from '../src/kern/kern_exit.ts';
export {
  NSIG,
  SIGALRM,
  SIGCHLD,
  SIGCONT,
  SIGHUP,
  SIGINFO,
  SIGINT,
  SIGIO,
  SIGKILL,
  SIGPIPE,
  SIGQUIT,
  SIGSTOP,
  SIGTERM,
  SIGURG,
  SIGUSR1,
  SIGUSR2,
  SIGWINCH,
  sig_name,
} from '../src/kern/kern_sig.ts';
export { BOOTTIME_SEC, CLOCK_MONOTONIC, CLOCK_REALTIME } from '../src/kern/kern_time.ts';
export type { UserMain } from '../src/kern/kernel.ts';
export type { Libc, SysResult } from '../src/kern/libc.ts';
export { PIPE_BUF, PIPE_SIZE } from '../src/kern/sys_pipe.ts';
export { S_IRGRP, S_IROTH, S_IRUSR, S_IRWXG, S_IRWXO, S_IRWXU, S_IWGRP, S_IWOTH, S_IWUSR, S_IXGRP, S_IXOTH, S_IXUSR } from '../src/kern/ufs_vnops.ts';
export {
  AF_INET,
  AF_LOCAL,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SO_ACCEPTCONN,
  SO_ERROR,
  SO_LINGER,
  SO_RCVBUF,
  SO_RCVLOWAT,
  SO_REUSEADDR,
  SO_SNDBUF,
  SO_SNDLOWAT,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
} from '../src/kern/uipc_syscalls.ts';
export { SEEK_CUR, SEEK_END, SEEK_SET } from '../src/kern/vfs_syscalls.ts';
export { O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../src/kern/vfs_vnops.ts';

export interface ProcessDef {
  /** The process's name in the trace (`reader`). */
  readonly name: string;
  readonly main: UserMain;
  /** Real uid; 0 is root. Default 1000. */
  readonly uid?: number;
}

export interface ScenarioDef {
  /** One line for `kqsim list`. */
  readonly summary: string;
  /** A paragraph that the narration prints before the run. */
  readonly description?: string;
  /** Processes started at boot, in order (pid 1, 2, ...). */
  readonly processes: readonly ProcessDef[];
  /** Datagrams arriving at nic0 (IPL_NET) for a local UDP port, at or after tick `at`. */
  readonly nic?: readonly NicPacket[];
  /** Characters arriving at com0 (IPL_SERIAL), at or after tick `at`. */
  readonly serial?: readonly SerialInput[];
  /**
   * In-kernel knote listeners with their own kcont (src/kern/kcont_listener.ts), attached
   * after boot on builds with +kcont-knote; on other builds the trace says they are not.
   */
  readonly listeners?: readonly KernelListenerDef[];
}

export interface Scenario extends ScenarioDef {
  /** File name without extension. */
  readonly name: string;
  readonly file: string;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

const DEFINED = Symbol('kqsim scenario');

export function defineScenario(def: ScenarioDef): ScenarioDef {
  if (typeof def !== 'object' || def === null) throw new ScenarioError('defineScenario needs an object');
  if (typeof def.summary !== 'string' || def.summary === '') throw new ScenarioError('a scenario needs a summary');
  if (!Array.isArray(def.processes) || def.processes.length === 0) throw new ScenarioError('a scenario needs at least one process');
  for (const [i, p] of def.processes.entries()) {
    if (typeof p?.name !== 'string' || typeof p.main !== 'function') {
      throw new ScenarioError(`process ${i + 1} needs a name and a main generator function`);
    }
  }
  for (const [what, list] of [
    ['nic', def.nic],
    ['serial', def.serial],
  ] as const) {
    for (const [i, ev] of (list ?? []).entries()) {
      if (!Number.isInteger(ev.at) || ev.at < 0) throw new ScenarioError(`${what} event ${i + 1}: 'at' must be a tick number >= 0`);
    }
  }
  for (const [i, l] of (def.listeners ?? []).entries()) {
    if (typeof l?.name !== 'string' || !LISTENER_KLISTS.includes(l.klist) || !Object.hasOwn(LISTENER_IPLS, l.ipl)) {
      throw new ScenarioError(
        `listener ${i + 1} needs a name, klist one of ${LISTENER_KLISTS.join(', ')}, and ipl one of ${Object.keys(LISTENER_IPLS).join(', ')}`,
      );
    }
  }
  return Object.assign(Object.create(null), def, { [DEFINED]: true }) as ScenarioDef;
}

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

export function scenario_list(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

function scenario_file(ref: string): string {
  const looksLikePath = ref.includes('/') || ref.includes('\\') || extname(ref) !== '';
  if (looksLikePath) return isAbsolute(ref) ? ref : resolve(ref);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref) || !scenario_list().includes(ref)) {
    throw new ScenarioError(`unknown scenario '${ref}': valid scenarios are ${scenario_list().join(', ')}`);
  }
  return join(SCENARIO_DIR, `${ref}.ts`);
}

export async function scenario_load(ref: string): Promise<Scenario> {
  const file = scenario_file(ref);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes(file)) {
      throw new ScenarioError(`scenario file not found: ${file}`);
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    throw new ScenarioError(`scenario '${ref}' failed to load: ${msg}`);
  }
  const def = mod.default as (ScenarioDef & { [DEFINED]?: boolean }) | undefined;
  if (def?.[DEFINED] !== true) {
    throw new ScenarioError(`scenario '${ref}' (${file}) has no default export made with defineScenario()`);
  }
  return { ...def, name: basename(file, extname(file)), file };
}
