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
 *   scenario_load(ref)      by name (`pipe-read`, from scenarios/) or by path (`./x.mts`); what
 *                           goes wrong is a ScenarioError pointing at FILE:LINE:COL
 *   scenario_list()         the bundled scenarios, by name
 *   scenario_file(ref)      @internal the file a name or path refers to; scenario_bundled(file)
 *                           whether it is one of the bundled scenarios
 *   SCENARIO_API            this file's path (what `kqsim new` makes a scenario import)
 *   scenario_commonjs_reason(file)   @internal why node would load a file as CommonJS, or null
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Build, build_parse } from '../src/builds.ts';
import { type KernelListenerDef, LISTENER_IPLS, LISTENER_KLISTS } from '../src/kern/kcont_listener.ts';
import type { NicPacket, SerialInput, UserMain } from '../src/kern/kernel.ts';
import { type SourceLocation, text_location, thrown_location, transform_location } from './run/source_location.ts';

export { type EventDesign, event_design } from '../src/designs/design.ts';
export { DillonApi, dillon_api, LONG_SIZE, POINTER_SIZE, STRUCT_EVENT_SIZE, type StructEvent } from '../src/designs/dillon_2000.ts';
export {
  KEVENT_AIO,
  KEVENT_CTL_ADD,
  KEVENT_CTL_MODIFY,
  KEVENT_CTL_REMOVE,
  KEVENT_INODE,
  KEVENT_NAIO,
  KEVENT_PIPE,
  KEVENT_POLL,
  KEVENT_REQ_ET,
  KEVENT_REQ_LAST_CHECK,
  KEVENT_REQ_ONESHOT,
  KEVENT_REQ_WAKEUP_ONE,
  KEVENT_RET_BROKEN,
  KEVENT_RET_COPY_FAILED,
  KEVENT_RET_DONE,
  KEVENT_SOCKET,
  KEVENT_SOCKET_ACCEPT,
  KEVENT_SOCKET_RECV,
  KEVENT_SOCKET_SEND,
  KEVENT_TIMER,
  KEVENT_TIMER_FIRED,
  KEVENT_WAIT_FOREVER,
  KeventApi,
  type KeventResult,
  kevent_api,
  req_flags_name,
  ret_flags_name,
  UKEVENT_SIZE,
  type Ukevent,
  ukevent,
} from '../src/designs/linux_kevent.ts';
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
  /**
   * How many clock ticks may land while the cpu is busy in one run (the bound that keeps
   * exploration finite; time also moves whenever the cpu idles). Default 1; the CLI's
   * `--max-ticks-per-run N` overrides it. A scenario whose premise needs a bound says so here.
   */
  readonly busy_ticks_max?: number;
  /**
   * The build the scenario is written for, when it uses a non-BSD design's API (src/designs/):
   * `kqsim run` and `explore` default to it, and a build of another design is refused.
   */
  readonly build?: string;
}

export interface Scenario extends ScenarioDef {
  /** File name without extension. */
  readonly name: string;
  readonly file: string;
}

/** A scenario that cannot be found, loaded or defined; `where` points into its source when known. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    message: string,
    readonly where?: SourceLocation,
  ) {
    super(message);
  }
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
  if (def.busy_ticks_max !== undefined && (!Number.isInteger(def.busy_ticks_max) || def.busy_ticks_max < 0)) {
    throw new ScenarioError("'busy_ticks_max' must be a whole number of ticks >= 0");
  }
  if (def.build !== undefined) {
    try {
      build_parse(def.build);
    } catch (e) {
      throw new ScenarioError(`the scenario's build: ${(e as Error).message}`);
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

/** This file: what a scenario imports (`kqsim new` writes the import relative to it). */
export const SCENARIO_API = fileURLToPath(import.meta.url);
export const SCENARIO_DIR = join(dirname(SCENARIO_API), '..', 'scenarios');

/**
 * The build a run of `sc` uses: the one asked for, else the scenario's own, else netbsd-2.0.
 * A scenario written for a design's API refuses a build of another design (exit 2).
 */
export function scenario_build(sc: Scenario, asked: string | undefined): Build {
  const build = build_parse(asked ?? sc.build ?? 'netbsd-2.0');
  scenario_check_build(sc, build);
  return build;
}

export function scenario_check_build(sc: Scenario, build: Build): void {
  if (sc.build === undefined) return;
  const want = build_parse(sc.build).design;
  if (build.design === want) return;
  const api = (d: string | null) => (d === null ? "NetBSD's kqueue API" : `the ${d} API`);
  throw new ScenarioError(
    `scenario '${sc.name}' uses ${api(want)} (its build is ${sc.build}); build '${build.name}' has ${api(build.design)}: use --build ${sc.build} or leave --build out`,
  );
}

export function scenario_list(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/** @internal The file `ref` names: a bundled scenario by name, else a path (not checked to exist). */
export function scenario_file(ref: string): string {
  const looksLikePath = ref.includes('/') || ref.includes('\\') || extname(ref) !== '';
  if (looksLikePath) return isAbsolute(ref) ? ref : resolve(ref);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref) || !scenario_list().includes(ref)) {
    throw new ScenarioError(`unknown scenario '${ref}': valid scenarios are ${scenario_list().join(', ')}`);
  }
  return join(SCENARIO_DIR, `${ref}.ts`);
}

/** @internal Whether `file` is one of the bundled scenarios (kqsim's own code, trusted to load). */
export function scenario_bundled(file: string): boolean {
  return dirname(file) === SCENARIO_DIR && extname(file) === '.ts' && scenario_list().includes(basename(file, '.ts'));
}

export async function scenario_load(ref: string): Promise<Scenario> {
  const file = scenario_file(ref);
  if (!existsSync(file)) throw new ScenarioError(`scenario file not found: ${file}`);
  const cjs = scenario_commonjs_reason(file);
  if (cjs) {
    const mts = `${basename(file, extname(file))}.mts`;
    throw new ScenarioError(
      `${cjs}, but a scenario must be an ES module: rename it to ${mts}, or put a package.json with {"type": "module"} beside it`,
      { file, line: 1, col: 1 },
    );
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw load_error(e, file);
  }
  const def = mod.default as (ScenarioDef & { [DEFINED]?: boolean }) | undefined;
  if (def?.[DEFINED] !== true) {
    throw new ScenarioError('the scenario has no default export made with defineScenario()', text_location(file, 'export default'));
  }
  return { ...def, name: basename(file, extname(file)), file };
}

/** @internal Why node would load `file` as CommonJS (which cannot import kqsim's ES modules), or null. */
export function scenario_commonjs_reason(file: string): string | null {
  const ext = extname(file);
  if (ext === '.cts' || ext === '.cjs') return `${basename(file)} is a CommonJS file (${ext})`;
  if (ext !== '.ts' && ext !== '.js') return null;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      return type === 'module' ? null : `${basename(file)} loads as CommonJS (${pkg} has no "type": "module")`;
    }
    if (dirname(dir) === dir) return `${basename(file)} loads as CommonJS (no package.json with "type": "module" above it)`;
  }
}

/** A scenario that failed to load, as one ScenarioError pointing into its source. */
function load_error(e: unknown, file: string): ScenarioError {
  if (e instanceof ScenarioError) {
    // defineScenario refused it: point at the call in the scenario.
    const at = thrown_location(e, file);
    return at ? new ScenarioError(e.message, at) : e;
  }
  const syntax = transform_location(e, file);
  if (syntax) return new ScenarioError(`syntax error: ${syntax.message}`, syntax.loc);
  const err = e as NodeJS.ErrnoException;
  const missing = /^Cannot find (?:module|package) '([^']+)' imported from (.+)$/.exec(String(err?.message));
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && missing) {
    const [, what, from] = missing as unknown as [string, string, string];
    const importer = from.startsWith('file:') ? fileURLToPath(from) : from;
    // Node names the resolved path: look for the specifier by its last component, quoted first.
    const last = what.startsWith('/') ? basename(what).replace(/\.[cm]?[jt]sx?$/, '') : what;
    return new ScenarioError(`cannot find module '${what}'`, text_location(importer, `/${last}`, `'${last}`, `"${last}`, last));
  }
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new ScenarioError(`the scenario threw while loading: ${what}`, thrown_location(e, file) ?? { file, line: 1, col: 1 });
}
