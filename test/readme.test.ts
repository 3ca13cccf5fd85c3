/*
 * The README cannot drift: every `npx kqsim` command in its sh code blocks runs (in this
 * process, through main(), from a scratch directory) and exits as the README says: the code
 * its comment gives as `exit N`, 0 when it says none. And every block of figures is what the
 * current tool prints (scripts/readme_figures.ts; `npm run readme` regenerates them).
 * Commands other issues add to the README are covered the moment they are there. The
 * scenario example a newcomer copies holds on every interleaving.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kqsimInWith } from '../scripts/kqsim_in_process.ts';
import { readme_figures } from '../scripts/readme_figures.ts';
import { explore } from '../sim/explore/explorer.ts';
import { SCENARIO_API, scenario_load } from '../sim/scenario.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

interface ReadmeCommand {
  /** 1-based line where the command starts. */
  readonly line: number;
  readonly text: string;
  readonly args: readonly string[];
  /** What a `printf '...' |` in front of it feeds its standard input. */
  readonly input?: string;
  readonly exit: number;
}

/** Shell words: spaces separate, single and double quotes group (enough for a README). */
function words(s: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  let quote: string | null = null;
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur ??= '';
    } else if (/\s/.test(c)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== null) out.push(cur);
  return out;
}

/** The text before a `#` comment (outside quotes), and the comment. */
function split_comment(s: string): [string, string] {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1] as string))) return [s.slice(0, i), s.slice(i + 1)];
  }
  return [s, ''];
}

function readme_commands(text: string): ReadmeCommand[] {
  const lines = text.split('\n');
  const out: ReadmeCommand[] = [];
  let inSh = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (/^```/.test(l)) {
      inSh = !inSh && /^```(sh|bash|shell)\s*$/.test(l);
      continue;
    }
    if (!inSh) continue;
    // A command continued with a backslash; its comment may be on any of its lines.
    let command = '';
    let comment = '';
    const start = i;
    for (;;) {
      const [code, note] = split_comment(lines[i] as string);
      comment += ` ${note}`;
      const more = /\\\s*$/.test(code);
      command += ` ${code.replace(/\\\s*$/, '')}`;
      if (!more || i + 1 >= lines.length) break;
      i++;
    }
    const m = /^\s*(?:printf\s+('[^']*'|"[^"]*")\s*\|\s*)?npx kqsim\s+(.*)$/.exec(command);
    if (!m) continue;
    const input = m[1] ? (words(m[1])[0] as string).replace(/\\n/g, '\n').replace(/\\t/g, '\t') : undefined;
    const exit = /\bexit (\d+)\b/.exec(comment);
    out.push({
      line: start + 1,
      text: command.trim().replace(/\s+/g, ' '),
      args: words(m[2] as string),
      ...(input !== undefined ? { input } : {}),
      exit: exit ? Number(exit[1]) : 0,
    });
  }
  return out;
}

describe('readme_commands', () => {
  it('should read commands, their continuations, piped input and documented exit codes', () => {
    const md = [
      '```sh',
      'npm start          # not kqsim',
      'npx kqsim run a --seed 7   # fine',
      "printf '1\\n3\\n' | npx kqsim run b --teach",
      'npx kqsim run c --build x \\',
      '    --schedule kq1:c:0*3.1    # it breaks: exit 1',
      '```',
      '```',
      'npx kqsim run not-a-command-block',
      '```',
    ].join('\n');
    expect(readme_commands(md)).toEqual([
      { line: 3, text: 'npx kqsim run a --seed 7', args: ['run', 'a', '--seed', '7'], exit: 0 },
      { line: 4, text: "printf '1\\n3\\n' | npx kqsim run b --teach", args: ['run', 'b', '--teach'], input: '1\n3\n', exit: 0 },
      { line: 5, text: 'npx kqsim run c --build x --schedule kq1:c:0*3.1', args: ['run', 'c', '--build', 'x', '--schedule', 'kq1:c:0*3.1'], exit: 1 },
    ]);
  });
});

describe('README.md', () => {
  const commands = readme_commands(README);
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-readme-'));

  it('should have commands to check', () => {
    expect(commands.length).toBeGreaterThan(20);
  });

  it.each(commands.map((c) => [c.line, c.text, c] as const))('line %i: `%s` should exit as documented', async (_line, _text, c) => {
    const r = await kqsimInWith({ cwd: dir, ...(c.input !== undefined ? { input: c.input } : {}) }, ...c.args);
    const hint = `README.md:${c.line}: \`${c.text}\` exited ${r.code}; the README says ${c.exit} (say \`exit N\` in its comment when it is not 0)\n${r.err}`;
    expect(r.code, hint).toBe(c.exit);
    if (c.exit !== 2)
      expect(
        r.err
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('kqsim: error')),
        hint,
      ).toEqual([]);
  });

  it('should show figures that are what the current tool prints (npm run readme makes them)', async () => {
    const blocks = await readme_figures(README);
    expect(blocks.map((b) => b.what)).toEqual(expect.arrayContaining(['exploration']));
    expect(blocks.some((b) => b.what.startsWith('kqsim compare '))).toBe(true);
    for (const b of blocks) expect(b.now, `README.md:${b.line}: the '${b.what}' figures are stale: run \`npm run readme\``).toBe(b.fresh);
    // Every figure of the README made again (kqsim score among them): about 30 s alone on a
    // quiet machine, several times that on a loaded 2-core CI box.
  }, 300_000);
});

/** The first TypeScript block of the README's "Writing a scenario", importing kqsim from where it is. */
function readme_example(text: string): string {
  const section = text.slice(text.indexOf('\n## Writing a scenario\n'));
  const m = /\n```ts\n([\s\S]*?)\n```\n/.exec(section);
  if (!m) throw new Error('README.md: no ```ts block in "Writing a scenario"');
  return (m[1] as string).replace("'../sim/scenario.ts'", JSON.stringify(SCENARIO_API));
}

describe("the README's scenario example", () => {
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-readme-example-'));
  const explored = async (name: string, text: string) => {
    const file = join(dir, `${name}.mts`);
    writeFileSync(file, text);
    return explore({ scenario: await scenario_load(file), build: build_parse('netbsd-2.0'), platform: i386, strategy: 'exhaustive', shrink: false });
  };

  it('should hold on every interleaving on netbsd-2.0, busy clock ticks included', async () => {
    const example = readme_example(README);
    expect(example).toMatch(/nic: \[\{ at: 2, port: 7/);
    expect(example).toMatch(/\n {2}busy_ticks_max: 1,/);
    const r = await explored('readme-example', example);
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
  });

  it('should deadlock with its datagram due at tick 0, as its comment says', async () => {
    const r = await explored('readme-example-at-0', readme_example(README).replace('at: 2, port: 7', 'at: 0, port: 7'));
    expect(r.violations.map((v) => v.invariant)).toEqual(['deadlock']);
  });
});
