/*
 * Safe text. A scenario's text (process and thread names, `u.log` lines, expectations, its
 * description and summary, the messages of what it throws, even its file name) can hold any
 * character. Written raw, an escape sequence would drive the reader's terminal (clear the
 * screen, move the cursor, retitle the window), a carriage return would overwrite what kqsim
 * printed, a newline would start a line of the scenario's making that reads as kqsim's own
 * (`outcome: ok ...`), and bidirectional controls would reorder a line as it is displayed.
 *
 * Every writer of text, to a terminal or to a file, passes each line it prints through
 * safe_text, so those characters show as escapes (`\x1b`, `\r`, `\n`, `\u202e`) instead. The
 * JSON formats escape control characters by themselves; safe_json adds the two line
 * separators JSON leaves as they are.
 *
 *   safe_text(s)     one line: every control, line separator or bidi control escaped
 *   safe_lines(ls)   the lines, each made safe, joined by '\n' with a final newline
 *   safe_json(v)     JSON.stringify(v) with U+2028 and U+2029 escaped as well
 */

/**
 * C0 controls (tab, newline and escape among them), DEL, C1 controls, the line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's job.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape_char(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function safe_text(s: string): string {
  return s.replace(UNSAFE, escape_char);
}

export function safe_lines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.map(safe_text).join('\n')}\n`;
}

export function safe_json(value: unknown): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
