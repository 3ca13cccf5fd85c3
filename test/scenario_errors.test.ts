/*
 * A broken scenario, as a user writes one outside kqsim's tree: each mistake is one line on
 * stderr that starts with FILE:LINE:COL in the TypeScript source (source maps through tsx),
 * nothing on stdout, exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { location_text, text_location, thrown_location, transform_location } from '../sim/run/source_location.ts';
import { kqsimWith } from './helpers/cli.ts';

const API = JSON.stringify(join(import.meta.dirname, '..', 'sim', 'scenario.ts'));

/** A scenario body around `main`'s statements, with type annotations so a line shifts if the maps were wrong. */
const scenario = (main: string) => `import { defineScenario } from ${API};

interface Shape {
  readonly sides: number;
}
const square: Shape = { sides: 4 };

export default defineScenario({
  summary: 'broken on purpose',
  processes: [
    {
      name: 'victim',
      *main(u) {
        yield* u.kqueue();
${main}
      },
    },
  ],
});
`;

describe('scenario errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-broken-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const cases: [file: string, line: RegExp][] = [
    [write('syntax.mts', scenario('        const x = ;')), /^syntax\.mts:15:19: error: syntax error: Unexpected ";"$/],
    [
      write('throws.mts', scenario(`        if (square.sides === 4) throw new Error('boom');`)),
      /^throws\.mts:15:39: error: the scenario threw at step \d+ in victim\[1\]: Error: boom$/,
    ],
    [
      write('top.mts', `const n: number = 3;\nthrow new RangeError(\`no \${n}\`);\n`),
      /^top\.mts:2:7: error: the scenario threw while loading: RangeError: no 3$/,
    ],
    [
      write('missing.mts', `import { defineScenario } from ${API};\nimport helper from './helper.ts';\nexport default defineScenario(helper);\n`),
      /^missing\.mts:2:22: error: cannot find module '.*helper\.ts'$/,
    ],
    [
      write('refused.mts', `import { defineScenario } from ${API};\n\nexport default defineScenario({ summary: '', processes: [] });\n`),
      /^refused\.mts:3:16: error: a scenario needs a summary$/,
    ],
    [write('nodefault.mts', 'export const x = 1;\n'), /^nodefault\.mts:1:1: error: the scenario has no default export made with defineScenario\(\)$/],
    [
      write('plain.ts', scenario('')),
      /^plain\.ts:1:1: error: plain\.ts loads as CommonJS \(no package\.json with "type": "module" above it\), but a scenario must be an ES module: rename it to plain\.mts, or put a package\.json with \{"type": "module"\} beside it$/,
    ],
  ];

  it.each(cases)('should report %s as one line pointing at the place, exit 2', (file, line) => {
    const r = kqsimWith({ cwd: dir }, 'run', `./${file}`);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err.trimEnd()).toMatch(line);
  });

  it('should load a .ts scenario under a package.json with "type": "module"', () => {
    const sub = mkdtempSync(join(dir, 'esm-'));
    writeFileSync(join(sub, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(sub, 'fine.ts'), scenario(''));
    const r = kqsimWith({ cwd: sub }, 'run', './fine.ts');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('source_location', () => {
  it('should skip kqsim and node frames and prefer the scenario file', () => {
    const e = new Error('x');
    e.stack = [
      'Error: x',
      `    at kevent (${join(import.meta.dirname, '..', 'src', 'kern', 'libc.ts')}:10:3)`,
      '    at helper (/home/u/lib.ts:4:9)',
      '    at main (file:///home/u/sc.mts:12:5)',
      '    at node:internal/modules/esm/module_job:325:25',
    ].join('\n');
    expect(thrown_location(e, '/home/u/sc.mts')).toEqual({ file: '/home/u/sc.mts', line: 12, col: 5 });
    expect(thrown_location(e)).toEqual({ file: '/home/u/lib.ts', line: 4, col: 9 });
    expect(thrown_location('not an error')).toBeNull();
  });

  it("should read esbuild's and node's syntax errors", () => {
    const esbuild = new Error('Transform failed with 1 error:\n/home/u/sc.ts:3:16: ERROR: Expected identifier but found "{"');
    expect(transform_location(esbuild, '/home/u/sc.mts')).toEqual({
      loc: { file: '/home/u/sc.mts', line: 3, col: 17 },
      message: 'Expected identifier but found "{"',
    });
    const node = new SyntaxError("The requested module './x.ts' does not provide an export named 'y'");
    node.stack = `file:///home/u/sc.mts:2\nimport { y } from './x.ts';\n         ^\nSyntaxError: ${node.message}`;
    expect(transform_location(node, '/home/u/sc.mts')?.loc).toEqual({ file: '/home/u/sc.mts', line: 2, col: 1 });
    expect(transform_location(new Error('other'), '/x')).toBeNull();
  });

  it('should find text in a file and print paths under the working directory relative to it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kqsim-loc-')), 'f.ts');
    writeFileSync(file, 'one\n  two three\n');
    expect(text_location(file, 'three')).toEqual({ file, line: 2, col: 7 });
    expect(text_location(file, 'absent')).toEqual({ file, line: 1, col: 1 });
    expect(location_text({ file: join(process.cwd(), 'scenarios', 'x.ts'), line: 2, col: 3 })).toBe(join('scenarios', 'x.ts:2:3'));
    expect(location_text({ file: '/elsewhere/x.ts', line: 1, col: 1 })).toBe('/elsewhere/x.ts:1:1');
  });
});
