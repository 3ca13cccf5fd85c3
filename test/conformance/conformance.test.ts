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
import { scenario_load } from '../../sim/scenario.ts';
import { BASES } from '../../src/builds.ts';
import { i386, macppc } from '../../src/machine/platform.ts';
import { run, verdict } from '../helpers/run.ts';
import type { AtfCase } from './lib/atf.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CASES = join(HERE, 'kqueue');
const SEEDS = [1, 2, 3];
const README_ROWS = readFileSync(join(HERE, '..', '..', 'README.md'), 'utf8').split('\n');

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
  it('should have cases', () => {
    expect(files.length).toBeGreaterThan(40);
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
        for (const { name: build } of BASES) expect(atf.fits.includes(build) || build in (atf.differs ?? {}), build).toBe(true);
        const row = README_ROWS.find((l) => l.startsWith(`| ${atf.testcase} | \`${atf.source}\` ${atf.revision.split(' ')[0]}`));
        expect(row, `a README row | ${atf.testcase} | \`${atf.source}\` ${atf.revision.split(' ')[0]} ...`).toBeDefined();
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
