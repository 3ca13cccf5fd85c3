/*
 * The conformance suite: NetBSD's ATF kqueue tests (tests/kernel/kqueue, read/ and write/)
 * re-expressed as kqsim scenarios, one file per test case under test/conformance/kqueue/.
 * Each case runs on every build it fits, undisturbed and on a few seeds (on i386, and
 * undisturbed on macppc), so an expectation that holds on only one interleaving is caught;
 * where it knowingly does not fit, the verdict it gets there is checked too, so the
 * difference between the builds stays visible. The README's conformance table lists them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kqsimIn } from '../../scripts/kqsim_in_process.ts';
import { scenario_load } from '../../sim/scenario.ts';
import { BASES } from '../../src/builds.ts';
import { i386, macppc } from '../../src/machine/platform.ts';
import { run, verdict } from '../helpers/run.ts';
import type { AtfCase } from './lib/atf.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CASES = join(HERE, 'kqueue');
const SEEDS = [1, 2, 3];
const README = readFileSync(join(HERE, '..', '..', 'README.md'), 'utf8');

interface TableRow {
  readonly testcase: string;
  readonly source: string;
  readonly fits: string;
}

/** The rows of the README's conformance table: test case, `source` revision, fits, why. */
function conformance_table(readme: string): TableRow[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| test case | source | fits |'));
  const rows: TableRow[] = [];
  for (let i = start + 2; start >= 0 && i < lines.length && lines[i]?.startsWith('|'); i++) {
    const cells = (lines[i] as string).split(' | ');
    rows.push({ testcase: (cells[0] as string).slice(2), source: cells[1] as string, fits: cells[2] as string });
  }
  return rows;
}

/** How the table writes a case's builds: `2.0, 4.0, modern`, or `none`. */
function fits_cell(atf: AtfCase): string {
  return atf.fits.length ? atf.fits.map((b) => b.replace('netbsd-', '')).join(', ') : 'none';
}

const TABLE = conformance_table(README);

/** The `npx kqsim` lines of the conformance section's text block, with the exit code each documents. */
function conformance_commands(readme: string): { text: string; args: string[]; exit: number }[] {
  const section = readme.slice(readme.indexOf('## Conformance'));
  const block = section.slice(section.indexOf('```text\n') + 8, section.indexOf('\n```', section.indexOf('```text\n')));
  return block
    .split('\n')
    .filter((l) => l.startsWith('npx kqsim '))
    .map((l) => {
      const [code, comment = ''] = l.split(' # ');
      return { text: l, args: (code as string).trim().split(/\s+/).slice(2), exit: Number(/\bexit (\d+)/.exec(comment)?.[1] ?? 0) };
    });
}

/** The verdict, or `error: ...` for a run the runner refuses (a budget exceeded). */
function outcome_of(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return `error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

const files = (readdirSync(CASES, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();

describe('conformance: NetBSD ATF kqueue tests', () => {
  it('should have cases, and a README table with a row for each and no other', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(TABLE.length).toBe(files.length);
  });

  const commands = conformance_commands(README);
  it('should show commands in the README', () => {
    expect(commands.length).toBeGreaterThan(2);
  });
  it.each(commands.map((c) => [c.text, c] as const))('README: `%s` should exit as documented, from the repository root', async (_text, c) => {
    const r = await kqsimIn(join(HERE, '..', '..'), ...c.args);
    expect(r.code, r.err).toBe(c.exit);
  });

  for (const file of files) {
    const path = join(CASES, file);
    describe(relative(CASES, path), async () => {
      const mod = (await import(pathToFileURL(path).href)) as { atf?: AtfCase };
      const atf = mod.atf as AtfCase;
      const sc = await scenario_load(path);

      it('should cite its source, revision and test case, say what every build gets, and have its README row', () => {
        expect(atf.source).toMatch(/^tests\/kernel\/kqueue\/|^regress\/sys\/kern\/kqueue\//);
        expect(atf.revision).not.toBe('');
        for (const { name: build } of BASES.filter((b) => !b.design))
          expect(atf.fits.includes(build) || build in (atf.differs ?? {}), build).toBe(true);
        const source = `\`${atf.source}\` ${atf.revision}`;
        const row = TABLE.find((r) => r.testcase === atf.testcase && r.source === source);
        expect(row, `a README row | ${atf.testcase} | ${source} | ...`).toBeDefined();
        expect(row?.fits, "the README row's fits").toBe(fits_cell(atf));
      });

      for (const build of atf.fits) {
        it(`should hold on ${build}, undisturbed and on seeds ${SEEDS.join(', ')}`, () => {
          expect(verdict(run(sc, { build }))).toBe('done');
          expect(verdict(run(sc, { build, platform: macppc }))).toBe('done');
          for (const seed of SEEDS) expect(verdict(run(sc, { build, seed, platform: i386 })), `seed ${seed}`).toBe('done');
        });
      }

      for (const [build, d] of Object.entries(atf.differs ?? {})) {
        it(`should not fit ${build}: ${d.why}`, () => {
          expect(outcome_of(() => verdict(run(sc, { build })))).toMatch(new RegExp(`^${d.verdict.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        });
      }
    });
  }
});
