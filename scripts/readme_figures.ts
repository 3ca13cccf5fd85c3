/*
 * The README's figures, made by the tool itself, never typed. Each block between
 *
 *   <!-- figures: WHAT -->   and   <!-- /figures -->
 *
 * is regenerated from what the current kqsim prints: WHAT is either a kqsim command line
 * (`kqsim compare wakeup-compare --builds ...`: its output, as a code block) or the name of a
 * table built here from several commands' --json output (`exploration`). `npm run readme`
 * rewrites README.md; test/readme.test.ts fails while a block differs from what the tool
 * prints now, and says to run it.
 *
 *   readme_figures(text)      the blocks of a README: what each says now, and what the tool says
 *   readme_regenerate(text)   the README with every block made anew
 *   TABLES                    the named tables
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kqsimIn } from './kqsim_in_process.ts';

const BLOCK = /<!-- figures: (.+?) -->\n([\s\S]*?)<!-- \/figures -->/g;

export interface FigureBlock {
  readonly what: string;
  /** 1-based line of the opening marker. */
  readonly line: number;
  readonly now: string;
  readonly fresh: string;
}

/** What a kqsim command prints, or an error naming it when it does not run. */
async function kqsim_out(dir: string, line: string): Promise<{ code: number | null; out: string }> {
  const r = await kqsimIn(dir, ...line.split(' ').filter((w) => w !== ''));
  if (r.code === 2) throw new Error(`figures: \`${line}\` is bad input: ${r.err.trim()}`);
  return r;
}

interface ExploreJson {
  executions: number;
  distinctTraces: number;
  pruned: number;
  complete: boolean;
  violations: { execution: number }[];
}

async function explore_json(dir: string, args: string): Promise<ExploreJson> {
  return JSON.parse((await kqsim_out(dir, `explore ${args} --json`)).out) as ExploreJson;
}

/** Exhaustive search with and without partial-order reduction, as `npm run bench` compares them. */
async function exploration(dir: string): Promise<string> {
  const cases: readonly [label: string, args: string][] = [
    ['nic-softnet on netbsd-2.0', 'nic-softnet --strategy exhaustive'],
    [
      'nic-softnet on netbsd-2.0+mutant-lost-wakeup (to the counterexample)',
      'nic-softnet --build netbsd-2.0+mutant-lost-wakeup --strategy exhaustive',
    ],
    ['pipe-read on netbsd-2.0, at most 3 preemptions', 'pipe-read --strategy exhaustive --max-preemptions 3'],
  ];
  const rows = [
    '| search | without reduction: executions (distinct traces) | with reduction: executions (distinct traces), pruned | complete |',
    '|---|---|---|---|',
  ];
  for (const [label, args] of cases) {
    const plain = await explore_json(dir, `${args} --no-reduce`);
    const reduced = await explore_json(dir, args);
    const done =
      reduced.violations.length > 0 ? `counterexample at execution ${reduced.violations[0]?.execution}` : reduced.complete ? 'yes' : 'no (bounded)';
    rows.push(
      `| ${label} | ${plain.executions} (${plain.distinctTraces}) | ${reduced.executions} (${reduced.distinctTraces}), ${reduced.pruned} pruned | ${done} |`,
    );
  }
  rows.push(
    '',
    `Made by \`npm run readme\` from \`kqsim explore ... --json\` (${cases.map(([, a]) => `\`${a}\``).join(', ')}, each also with \`--no-reduce\`).`,
  );
  return `${rows.join('\n')}\n`;
}

export const TABLES: Readonly<Record<string, (dir: string) => Promise<string>>> = { exploration };

async function fresh_block(dir: string, what: string): Promise<string> {
  if (what.startsWith('kqsim ')) {
    const r = await kqsim_out(dir, what.slice('kqsim '.length));
    return `\`\`\`\n$ npx ${what}\n${r.out}\`\`\`\n`;
  }
  const table = TABLES[what];
  if (!table) throw new Error(`figures: no table named '${what}' (tables: ${Object.keys(TABLES).join(', ')}; or give a kqsim command)`);
  return table(dir);
}

export async function readme_figures(text: string): Promise<FigureBlock[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-readme-figures-'));
  const blocks: FigureBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const what = m[1] as string;
    blocks.push({ what, line: text.slice(0, m.index).split('\n').length, now: m[2] as string, fresh: await fresh_block(dir, what) });
  }
  return blocks;
}

export async function readme_regenerate(text: string): Promise<string> {
  const blocks = await readme_figures(text);
  let i = 0;
  return text.replace(BLOCK, (_all, what: string) => `<!-- figures: ${what} -->\n${(blocks[i++] as FigureBlock).fresh}<!-- /figures -->`);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const file = join(import.meta.dirname, '..', 'README.md');
  const before = readFileSync(file, 'utf8');
  const after = await readme_regenerate(before);
  writeFileSync(file, after);
  process.stdout.write(after === before ? 'README.md: every figure is current\n' : 'README.md: figures regenerated\n');
}
