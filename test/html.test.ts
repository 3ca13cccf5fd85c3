/*
 * The HTML export: a self-contained page (no network), scenario text escaped, and, in a real
 * headless Chromium opened from a file URL with the network off: a time axis in steps and
 * ticks, labelled cpl levels, zoom and pan by keyboard, wheel and drag, hover with the
 * event's narration, one counting of steps, teaching mode that shows nothing that comes
 * after the current event, a diff whose two sides share one scale, and a layout that keeps
 * the narration in view from 900 px up. Screenshots at 900 and 1400 px go to
 * $TMPDIR/kqsim-screens for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
import { skip_because } from './helpers/skip.ts';

// Debian's chromium, or another one named by KQSIM_CHROMIUM.
const CHROMIUM = process.env.KQSIM_CHROMIUM ?? '/usr/bin/chromium';
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
    // The SVG namespace is a name, not something fetched.
    expect(html.replaceAll("'http://www.w3.org/2000/svg'", '')).not.toMatch(/\bsrc\s*=|\bhref\s*=|https?:\/\/|@import|url\(/i);
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
    // Line separators and control characters show as escapes, as on a terminal.
    expect(data.description).toContain('\\u2028');
    expect(data.description).not.toContain('\u2028');
  });

  it('should give each step its narration, the state after it, and timeline lanes of equal length', async () => {
    const side = html_side(await runNamed('nic-softnet', { snapshots: true, seed: 3 }));
    expect(side.positions.length).toBeGreaterThan(10);
    for (const lane of side.lanes) expect(lane.cells).toHaveLength(side.positions.length);
    expect(side.lanes.map((l) => l.name)).toEqual(expect.arrayContaining(['intr net', 'intr softnet', 'server[1]']));
    const sleeping = side.positions.findIndex((p) => p.text.includes('sleeps on kq 1'));
    const state = side.states[side.positions[sleeping]?.state ?? -1];
    expect(state?.threads).toContain('server[1]: sleeping on kq 1 ("kqread")');
    for (const t of side.teach) expect(t.answer).toBeLessThan(t.options.length);
  });

  it('should place every event on the step axis: at its step, in order, within the run', async () => {
    const r = await runNamed('nic-softnet', { snapshots: true, seed: 3 });
    const side = html_side(r);
    side.positions.forEach((p, i) => {
      expect(p.x).toBeGreaterThanOrEqual(p.step);
      expect(p.x).toBeLessThan(p.step + 1);
      if (i > 0) expect(p.x).toBeGreaterThan((side.positions[i - 1] as { x: number }).x);
    });
    expect(side.steps).toBe(r.steps);
    expect(side.end).toBe((side.positions.at(-1)?.step ?? 0) + 1);
    expect(side.cpl).toHaveLength(side.positions.length);
  });

  it('should show a thread as interrupted while a handler runs over it', async () => {
    const side = html_side(await runNamed('nic-softnet', { snapshots: true, schedule: 'kq2:nic-softnet:1' }));
    const taken = side.positions.findIndex((p) => p.text.includes('takes the net interrupt over server[1]'));
    expect(taken).toBeGreaterThanOrEqual(0);
    const lane = (name: string) => side.lanes.find((l) => l.name === name)?.cells[taken];
    expect([lane('intr net'), lane('server[1]')]).toEqual(['R', 'I']);
  });
});

describe('headless Chromium', () => {
  const WHY = `${CHROMIUM} is not installed (.ci/run installs it: apt-get install chromium)`;
  let ctx: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'kqsim-html-'));
  const screens = join(tmpdir(), 'kqsim-screens');
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!HAS_CHROMIUM) return;
    mkdirSync(screens, { recursive: true });
    ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1400, height: 1000 },
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

  async function open(name: string, html: string, width = 1400): Promise<void> {
    const file = join(dir, name);
    writeFileSync(file, html);
    await page.setViewportSize({ width, height: 1000 });
    await page.goto(pathToFileURL(file).href);
  }

  const text = (sel: string) => page.locator(sel).innerText();
  // SVG text has no innerText: its text content is what is drawn.
  const texts = (sel: string) => page.locator(sel).allTextContents();
  const viewOf = (id: string) => page.locator(`#${id}`).getAttribute('data-view');
  const shot = (name: string) => page.screenshot({ path: join(screens, name), fullPage: true });

  it('should show a time axis in steps and ticks, labelled cpl levels, and one counting of steps', async (t) => {
    if (!HAS_CHROMIUM) skip_because(t, WHY);
    const r = await runNamed('nic-softnet', { snapshots: true, seed: 3 });
    const html = html_run(r, await scenario_load('nic-softnet'));
    const data = page_data(html);
    await open('run.html', html);
    const steps = (await texts('#timeline-0 .axis-label')).map(Number);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBeGreaterThanOrEqual(r.steps - 5);
    expect(await texts('#timeline-0 .tick-label')).toEqual(Array.from({ length: r.ticks + 1 }, (_, i) => `t${i}`));
    expect(await texts('#timeline-0 .level-label')).toEqual(data.levels.map((l) => l.name));
    expect(data.levels.map((l) => l.name)).toEqual(expect.arrayContaining(['none', 'net', 'softnet', 'clock']));
    expect(await page.locator('#timeline-0 rect').count()).toBeGreaterThan(20);
    expect(await page.locator('#timeline-0 .divergence').count()).toBe(0);
    // Stepping moves the narration and the state; the position counts events and names the step as the outcome counts it.
    const side = data.sides[0] as PageData['sides'][number];
    const stateBefore = await text('#state-0');
    let moved = 0;
    while ((await text('#state-0')) === stateBefore && moved < 20) {
      await page.keyboard.press('ArrowRight');
      moved++;
    }
    const at = side.positions[moved] as PageData['sides'][number]['positions'][number];
    expect(await text('#pos')).toBe(`event ${moved + 1} of ${side.positions.length} \u00b7 step ${at.step} of ${r.steps} \u00b7 tick ${at.tick}`);
    expect(await text('#narration tr.cur')).toContain(at.text);
    expect(await text('#outcome-0')).toContain(`(${r.steps} steps, ${r.ticks} ticks)`);
    await page.keyboard.press('End');
    expect(await text('#narration tr.cur')).toContain(side.positions.at(-1)?.text);
    expect(await text('#pos')).toMatch(new RegExp(`step ${r.steps} of ${r.steps}`));
    await shot('run-1400.png');
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('should zoom and pan with the keyboard, the wheel and a drag, and explain the event under the pointer', async (t) => {
    if (!HAS_CHROMIUM) skip_because(t, WHY);
    const r = await runNamed('nic-softnet', { snapshots: true, seed: 3 });
    const data = page_data(html_run(r, await scenario_load('nic-softnet')));
    await open('zoom.html', html_run(r, await scenario_load('nic-softnet')));
    const all = await viewOf('timeline-0');
    const span = async () => {
      const [a, b] = ((await viewOf('timeline-0')) ?? '').split('-').map(Number);
      return { a: a as number, b: b as number, w: (b as number) - (a as number) };
    };
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    const zoomed = await span();
    expect(zoomed.w).toBeLessThan((data.sides[0]?.end ?? 0) / 2);
    await page.keyboard.press('Shift+ArrowRight');
    expect((await span()).a).toBeGreaterThan(zoomed.a);
    await page.keyboard.press('0');
    expect(await viewOf('timeline-0')).toBe(all);
    // The wheel zooms around the pointer; a drag pans.
    const box = (await page.locator('#timeline-0').boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.mouse.wheel(0, -400);
    const wheeled = await span();
    expect(wheeled.w).toBeLessThan((data.sides[0]?.end ?? 0) * 0.75);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + 40, { steps: 5 });
    await page.mouse.up();
    expect((await span()).a).toBeGreaterThan(wheeled.a);
    // Hovering over the plot shows that event's narration.
    await page.keyboard.press('0');
    const lane = data.sides[0]?.lanes.findIndex((l) => l.name === 'server[1]') ?? -1;
    const y = box.y + 20 + 16 + (Math.max(2, data.levels.length) * 11 + 6) + lane * 16 + 8;
    await page.mouse.move(box.x + 150 + (box.width - 160) * 0.5, y);
    expect(await page.locator('#tip').isVisible()).toBe(true);
    const tip = await text('#tip');
    const n = Number(/^event (\d+)/.exec(tip)?.[1]);
    const ev = data.sides[0]?.positions[n - 1];
    expect(tip).toContain(`step ${ev?.step} \u00b7 tick ${ev?.tick}`);
    expect(tip).toContain(ev?.text);
    expect(tip).toMatch(/server\[1\]: (running|asleep|interrupted|not running)$/);
    expect(errors).toEqual([]);
  });

  it('should ask before an interesting event in teaching mode and show nothing that comes after it', async (t) => {
    if (!HAS_CHROMIUM) skip_because(t, WHY);
    const r = await runNamed('nic-softnet', { snapshots: true });
    const html = html_run(r, await scenario_load('nic-softnet'));
    const side = page_data(html).sides[0] as PageData['sides'][number];
    const first = side.teach[0] as PageData['sides'][number]['teach'][number];
    await open('teach.html', html, 900);
    await page.keyboard.press('t');
    for (let i = 0; i < first.pos; i++) await page.keyboard.press('ArrowRight');
    expect(await page.locator('#quiz-0').isVisible()).toBe(true);
    expect(await text('#quiz-0')).toContain(first.question);
    expect(await text('#pos')).toMatch(new RegExp(`^event ${first.pos} of`));
    // Nothing from the asked event on is anywhere else on the page: not in the narration, not on the timeline, not the outcome.
    const later = side.positions.slice(first.pos).map((p) => p.text);
    const shown = (await Promise.all(['header', '#controls', '.timelines', '.lower'].map(text))).join('\n');
    for (const l of new Set(later)) if (!side.positions.slice(0, first.pos).some((p) => p.text === l)) expect(shown).not.toContain(l);
    expect(await page.locator('#narration tr[data-row]').last().getAttribute('data-row')).toBe(String(first.pos - 1));
    expect(await page.locator('#timeline-0 .future').count()).toBe(1);
    expect(await page.locator('#outcome-0').isVisible()).toBe(false);
    // Lanes appear only once something happened on them.
    const shownLanes = await texts('#timeline-0 .lane-label');
    expect(shownLanes.length).toBeLessThan(side.lanes.length);
    // Jumping to the end still stops at the question.
    await page.keyboard.press('End');
    expect(await text('#pos')).toMatch(new RegExp(`^event ${first.pos} of`));
    await shot('teach-900.png');
    await page.locator(`#quiz-0 button[data-option="${first.answer}"]`).click();
    expect(await text('#quiz-0')).toContain(`Right: ${first.options[first.answer]}.`);
    expect(await text('#quiz-0')).toContain(first.explain);
    expect(await text('#pos')).toMatch(new RegExp(`^event ${first.pos + 1} of`));
    expect(await text('#narration tr.cur')).toContain(side.positions[first.pos]?.text);
    expect(errors).toEqual([]);
  });

  it('should keep the narration in view and every word whole at 900 px', async (t) => {
    if (!HAS_CHROMIUM) skip_because(t, WHY);
    const r = await runNamed('nic-softnet', { snapshots: true, seed: 7 });
    await open('narrow.html', html_run(r, await scenario_load('nic-softnet')), 900);
    const fit = await page.evaluate(() => {
      // The page's DOM, typed by hand: the test program is compiled without the DOM library.
      interface Box {
        top: number;
        bottom: number;
      }
      interface Elt {
        scrollWidth: number;
        clientWidth: number;
        getBoundingClientRect(): Box;
      }
      const doc = (globalThis as unknown as { document: { documentElement: Elt; querySelector(s: string): Elt } }).document;
      const narration = doc.querySelector('#narration');
      const cur = doc.querySelector('#narration tr.cur');
      return {
        overflow: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
        narrationWide: narration.scrollWidth - narration.clientWidth,
        curBottom: cur.getBoundingClientRect().bottom,
      };
    });
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(fit.narrationWide).toBeLessThanOrEqual(0);
    expect(fit.curBottom).toBeLessThan(1000);
    const breaks = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number }[] } }).document;
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { wordBreak: string } }).getComputedStyle;
      return [...(doc.querySelectorAll('h1, h2, p, td') as unknown as unknown[])].filter((e) => style(e).wordBreak === 'break-all').length;
    });
    expect(breaks).toBe(0);
    await shot('run-900.png');
    expect(errors).toEqual([]);
  });

  it('should show hostile scenario text as text and run nothing from it', async (t) => {
    if (!HAS_CHROMIUM) skip_because(t, WHY);
    await open('hostile.html', html_run(run(hostile, { snapshots: true }), hostile));
    expect(await text('h1')).toBe(`kqsim: ${HOSTILE} on netbsd-2.0`);
    await page.keyboard.press('End');
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('should show two builds on one scale with the divergence marked and the narration aligned', async (t) => {
    if (!HAS_CHROMIUM) skip_because(t, WHY);
    const scenario = await scenario_load('nic-softnet');
    const d = diff_builds({
      scenario,
      a: build_parse('netbsd-2.0+mutant-lost-wakeup'),
      b: build_parse('netbsd-2.0'),
      platform: i386,
      schedule: 'kq2:nic-softnet:0*10.1',
      snapshots: true,
    });
    for (const width of [900, 1400]) {
      await open('diff.html', html_diff(d, scenario), width);
      expect(await text('#diffinfo')).toMatch(/The traces first diverge: A at step \d+, B has no event there/);
      expect(await text('#diffinfo')).toMatch(/B took 16 of A's 18 by meaning; 2 it could not/);
      expect(await page.locator('#side-0 h2').innerText()).toBe('A: netbsd-2.0+mutant-lost-wakeup');
      expect(await page.locator('#side-1 h2').innerText()).toBe('B: netbsd-2.0');
      // One scale: the same view and the same axis on both sides, before and after zooming.
      expect(await viewOf('timeline-0')).toBe(await viewOf('timeline-1'));
      expect(await texts('#timeline-0 .axis-label')).toEqual(await texts('#timeline-1 .axis-label'));
      await page.keyboard.press('+');
      expect(await viewOf('timeline-0')).toBe(await viewOf('timeline-1'));
      expect(await texts('#timeline-0 .axis-label')).toEqual(await texts('#timeline-1 .axis-label'));
      for (const id of ['timeline-0', 'timeline-1']) expect(await page.locator(`#${id} .divergence`).count()).toBe(1);
      await page.keyboard.press('0');
      await page.keyboard.press('d');
      expect(await page.locator('#narration tr.div').count()).toBe(1);
      expect(await page.locator('#narration tr.div td.gap').count()).toBe(1);
      expect(await page.locator('#narration td.only').count()).toBeGreaterThan(0);
      await shot(`diff-${width}.png`);
    }
    expect(errors).toEqual([]);
  });
});
