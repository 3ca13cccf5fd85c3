/*
 * The HTML export: a self-contained page (no network), scenario text escaped, and, in a real
 * headless Chromium opened from a file URL with the network off, a timeline that renders and
 * a stepper that moves the state pane; the teaching toggle asks before an interesting step;
 * the diff page marks the divergence.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff_builds } from '../sim/compare/diff.ts';
import { EV_ADD, EV_SET, EVFILT_READ, scenario_load } from '../sim/scenario.ts';
import { html_diff, html_run, html_side, type PageData } from '../sim/view/html.ts';
import { build_parse } from '../src/builds.ts';
import { i386 } from '../src/machine/platform.ts';
import { inline, run, runNamed } from './helpers/run.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);

const HOSTILE = '<script>alert(1)</script>';
const hostile = inline(HOSTILE, {
  summary: 'hostile text',
  description: `</script><img src=x onerror="alert(2)"> & \u2028 ${HOSTILE}`,
  processes: [
    {
      name: '<b>evil</b>',
      *main(u) {
        const [r, w] = (yield* u.pipe()).fds as [number, number];
        const kq = (yield* u.kqueue()).ret;
        u.log('</script><script>alert(3)</script>');
        yield* u.write(w, 'x');
        yield* u.kevent(kq, [EV_SET(r, EVFILT_READ, EV_ADD)], 1);
        for (const fd of [kq, r, w]) yield* u.close(fd);
      },
    },
  ],
});

/** The page's embedded data, as the page itself parses it. */
function page_data(html: string): PageData {
  const m = /<script id="kqsim-data" type="application\/json">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m?.[1] ?? 'null');
}

describe('html_run', () => {
  it('should be one self-contained file: inline style and script, nothing fetched', async () => {
    const html = html_run(await runNamed('nic-softnet', { snapshots: true }), await scenario_load('nic-softnet'));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\bsrc\s*=|\bhref\s*=|https?:\/\/|@import|url\(/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('should be byte-identical for the same run', async () => {
    const scenario = await scenario_load('pipe-read');
    const page = async () => html_run(await runNamed('pipe-read', { snapshots: true, seed: 9 }), scenario);
    expect(await page()).toBe(await page());
  });

  it('should escape scenario text so that it can never become markup', () => {
    const html = html_run(run(hostile, { snapshots: true }), hostile);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain('<title>kqsim: &#60;script&#62;alert(1)&#60;/script&#62; on netbsd-2.0</title>');
    // The text survives the round trip exactly.
    const data = page_data(html);
    expect(data.title).toBe(`kqsim: ${HOSTILE} on netbsd-2.0`);
    expect(data.description).toContain('\u2028');
  });

  it('should give each step its narration, the state after it, and timeline lanes of equal length', async () => {
    const side = html_side(await runNamed('nic-softnet', { snapshots: true, seed: 3 }));
    expect(side.positions.length).toBeGreaterThan(10);
    for (const lane of side.lanes) expect(lane.cells).toHaveLength(side.positions.length);
    expect(side.lanes.map((l) => l.name)).toEqual(expect.arrayContaining(['intr net', 'intr softnet', 'server[1]']));
    const sleeping = side.positions.findIndex((p) => p.line.includes('sleeps on kq 1'));
    const state = side.states[side.positions[sleeping]?.state ?? -1];
    expect(state?.threads).toContain('server[1]: sleeping on kq 1 ("kqread")');
    for (const t of side.teach) expect(t.answer).toBeLessThan(t.options.length);
  });

  it('should show a thread as interrupted while a handler runs over it', async () => {
    const side = html_side(await runNamed('nic-softnet', { snapshots: true, schedule: 'kq2:nic-softnet:1' }));
    const taken = side.positions.findIndex((p) => p.line.includes('takes the net interrupt over server[1]'));
    expect(taken).toBeGreaterThanOrEqual(0);
    const lane = (name: string) => side.lanes.find((l) => l.name === name)?.cells[taken];
    expect([lane('intr net'), lane('server[1]')]).toEqual(['R', 'I']);
  });
});

describe(`headless Chromium${HAS_CHROMIUM ? '' : ` (skipped: ${CHROMIUM} is not installed; .ci/run installs it with apt-get install chromium)`}`, () => {
  let ctx: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-html-'));
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!HAS_CHROMIUM) return;
    ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
    // Network off: anything but the page's own file URL is aborted and recorded.
    await ctx.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(String(e)));
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
  });

  async function open(name: string, html: string): Promise<void> {
    const file = join(dir, name);
    writeFileSync(file, html);
    await page.goto(pathToFileURL(file).href);
  }

  /** Pixels of a canvas that are not the white background. */
  const inked = (id: string) =>
    page.evaluate((sel) => {
      // The page's DOM, typed by hand: the test program is compiled without the DOM library.
      interface Canvas {
        width: number;
        height: number;
        getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
      }
      const doc = (globalThis as unknown as { document: { getElementById(id: string): Canvas } }).document;
      const c = doc.getElementById(sel);
      const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let n = 0;
      let red = 0;
      for (let i = 0; i < d.length; i += 4) {
        if ((d[i] ?? 255) < 250 || (d[i + 1] ?? 255) < 250 || (d[i + 2] ?? 255) < 250) n++;
        // The divergence mark's colour, #d62b4b.
        if (Math.abs((d[i] ?? 0) - 0xd6) + Math.abs((d[i + 1] ?? 0) - 0x2b) + Math.abs((d[i + 2] ?? 0) - 0x4b) < 12) red++;
      }
      return { n, red, total: d.length / 4 };
    }, id);

  const text = (sel: string) => page.locator(sel).innerText();

  it.skipIf(!HAS_CHROMIUM)('should render the timeline and move the state pane when stepping', async () => {
    const r = await runNamed('nic-softnet', { snapshots: true, seed: 3 });
    await open('run.html', html_run(r, await scenario_load('nic-softnet')));
    const ink = await inked('timeline-0');
    expect(ink.n).toBeGreaterThan(ink.total / 50);
    expect(ink.red).toBe(0); // a run page has no divergence mark
    const shotBefore = await page.locator('#timeline-0').screenshot();
    const stateBefore = await text('#state-0');
    const lineBefore = await text('#narration-0 .cur');
    let moved = 0;
    while ((await text('#state-0')) === stateBefore && moved < 20) {
      await page.keyboard.press('ArrowRight');
      moved++;
    }
    expect(await text('#state-0')).not.toBe(stateBefore);
    expect(await text('#narration-0 .cur')).not.toBe(lineBefore);
    expect(await text('#pos')).toBe(`step ${moved + 1} of ${html_side(r).positions.length}`);
    expect((await page.locator('#timeline-0').screenshot()).equals(shotBefore)).toBe(false);
    await page.keyboard.press('ArrowLeft');
    expect(await text('#pos')).toBe(`step ${moved} of ${html_side(r).positions.length}`);
    await page.keyboard.press('End');
    expect(await text('#narration-0 .cur')).toBe(html_side(r).positions.at(-1)?.line);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAS_CHROMIUM)('should ask before an interesting step in teaching mode and reveal why', async () => {
    const r = await runNamed('nic-softnet', { snapshots: true });
    const html = html_run(r, await scenario_load('nic-softnet'));
    const first = page_data(html).sides[0]?.teach[0];
    expect(first).toBeDefined();
    await open('teach.html', html);
    await page.keyboard.press('t');
    for (let i = 0; i < (first?.pos ?? 0); i++) await page.keyboard.press('ArrowRight');
    expect(await page.locator('#quiz-0').isVisible()).toBe(true);
    expect(await text('#quiz-0')).toContain(first?.question ?? '?');
    expect(await text('#pos')).toMatch(new RegExp(`^step ${first?.pos} of`));
    await page.locator(`#quiz-0 button[data-option="${first?.answer}"]`).click();
    expect(await text('#quiz-0')).toContain(`Right: ${first?.options[first.answer]}.`);
    expect(await text('#quiz-0')).toContain(first?.explain ?? '?');
    expect(await text('#pos')).toMatch(new RegExp(`^step ${(first?.pos ?? 0) + 1} of`));
  });

  it.skipIf(!HAS_CHROMIUM)('should show hostile scenario text as text and run nothing from it', async () => {
    await open('hostile.html', html_run(run(hostile, { snapshots: true }), hostile));
    expect(await text('h1')).toBe(`kqsim: ${HOSTILE} on netbsd-2.0`);
    await page.keyboard.press('End');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAS_CHROMIUM)('should show two builds side by side with the divergence marked', async () => {
    const scenario = await scenario_load('oneshot-clear-disable');
    const d = diff_builds({
      scenario,
      a: build_parse('netbsd-2.0'),
      b: build_parse('netbsd-2.0+mutant-oneshot-requeue'),
      platform: i386,
      snapshots: true,
    });
    await open('diff.html', html_diff(d, scenario));
    expect(await text('#diffinfo')).toMatch(/first diverge at row \d+/);
    expect(await page.locator('#side-0 h2').first().innerText()).toBe('A: netbsd-2.0');
    expect(await page.locator('#side-1 h2').first().innerText()).toBe('B: netbsd-2.0+mutant-oneshot-requeue');
    for (const id of ['timeline-0', 'timeline-1']) expect((await inked(id)).red).toBeGreaterThan(0);
    await page.keyboard.press('d');
    expect(await page.locator('#narration-0 .div').count()).toBe(1);
    expect(await page.locator('#narration-1 .missing').count()).toBe(1);
    // The knote drop only the unpatched build does is tinted on A's side.
    expect(await page.locator('#narration-0 .only').first().innerText()).toMatch(/drop on kq 1 .*EV_ONESHOT delivered$/);
    expect(errors).toEqual([]);
  });
});
