/*
 * Where a scenario went wrong, as FILE:LINE:COL, so the one line kqsim prints points at the
 * user's source (an editor or terminal opens it from there). Stack frames are already in
 * TypeScript coordinates: tsx (and vitest) install source maps for what they compile.
 *
 *   SourceLocation                   { file, line, col }
 *   location_text(loc)               `FILE:LINE:COL`, FILE as path_text shows it
 *   path_text(file)                  a file relative to the working directory when under it, else absolute
 *   thrown_location(e, prefer)       the first stack frame in the user's code (not kqsim's, not node's)
 *   transform_location(e, file)      a compiler's syntax error (esbuild via tsx, or node's parser)
 *   text_location(file, needles)     the first place one of `needles` occurs in a file's text (in order of preference)
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** kqsim's own code: a frame here is the simulator, not the scenario that called into it. */
const OWN = [join(ROOT, 'src') + sep, join(ROOT, 'sim') + sep, join(ROOT, 'bin') + sep, join(ROOT, 'node_modules') + sep];

export function location_text(loc: SourceLocation): string {
  return `${path_text(loc.file)}:${loc.line}:${loc.col}`;
}

export function path_text(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function to_path(f: string): string {
  return f.startsWith('file://') ? fileURLToPath(f) : f;
}

/** Stack frames as locations, innermost first (`at fn (FILE:L:C)` or `at FILE:L:C`). */
function frames(stack: string): SourceLocation[] {
  const out: SourceLocation[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s+at (?:.*?\()?((?:file:\/\/)?\/[^():]*|[A-Za-z]:\\[^():]*):(\d+):(\d+)\)?$/.exec(line);
    if (m) out.push({ file: to_path(m[1] as string), line: Number(m[2]), col: Number(m[3]) });
  }
  return out;
}

/**
 * The first frame of `e`'s stack in the user's code: in `prefer` (the scenario file) if any
 * frame is, else the innermost frame outside kqsim and node. Null when there is none (the
 * error came from kqsim itself, or carries no stack).
 */
export function thrown_location(e: unknown, prefer?: string): SourceLocation | null {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  const all = frames(stack).filter((f) => !OWN.some((own) => f.file.startsWith(own)));
  return all.find((f) => f.file === prefer) ?? all[0] ?? null;
}

/**
 * A syntax error found while compiling a scenario: esbuild's (through tsx) names
 * `FILE:L:C: ERROR: text` in its message; node's own parser puts `FILE:L` on the first
 * line of the stack. Returns the location and the compiler's message.
 */
export function transform_location(e: unknown, file: string): { loc: SourceLocation; message: string } | null {
  if (!(e instanceof Error)) return null;
  const esbuild = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m.exec(e.message);
  if (esbuild) {
    // esbuild names the file as it was handed over (the scenario's own path reads better) and
    // counts columns from 0.
    const named = to_path(esbuild[1] as string);
    const same = named.replace(/\.[cm]?tsx?$/, '') === file.replace(/\.[cm]?tsx?$/, '');
    return { loc: { file: same ? file : named, line: Number(esbuild[2]), col: Number(esbuild[3]) + 1 }, message: esbuild[4] as string };
  }
  if (e.name === 'SyntaxError') {
    const head = /^((?:file:\/\/)?\/[^\n:]*):(\d+)\n/.exec(e.stack ?? '');
    if (head) return { loc: { file: to_path(head[1] as string), line: Number(head[2]), col: 1 }, message: e.message };
  }
  return null;
}

/** Where the first of `needles` that occurs in `file` first occurs (1-based), or the file's start. */
export function text_location(file: string, ...needles: readonly string[]): SourceLocation {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { file, line: 1, col: 1 };
  }
  const needle = needles.find((n) => n !== '' && text.includes(n));
  if (needle === undefined) return { file, line: 1, col: 1 };
  const at = text.indexOf(needle);
  const before = text.slice(0, at).split('\n');
  return { file, line: before.length, col: (before.at(-1) as string).length + 1 };
}
