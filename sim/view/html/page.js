/*
 * kqsim trace viewer: inlined into every exported page (sim/view/html.ts). Reads the page
 * data from the JSON script element and shows it; runs no simulation. All text goes in
 * through textContent (or SVG text nodes), never as markup.
 *
 * What it shows: per run a timeline (a time axis in simulator steps with the virtual clock's
 * ticks under it, the cpl as a step chart with its levels labelled, one lane per interrupt
 * level and thread), the narration around the current event, the state after it. On a diff
 * page both builds' timelines share one scale and one view, and the narration is aligned.
 *
 * Input: Right / j / Space next event, Left / k back, Home / End; + and - zoom, 0 shows all,
 * Shift+Left / Shift+Right pan; on the timeline the wheel zooms (Shift+wheel pans), a drag
 * pans, a click goes to the event there, hovering shows its narration. d: the divergence
 * (diff pages). t: teaching mode (run pages): before each interesting event a question, and
 * nothing after the current event is shown anywhere until it is answered. 1-9 answer.
 *
 * "step" always means the simulator's step, as in the outcome line; the stepper moves one
 * narrated event at a time, and several events can share a step.
 */
(() => {
  const DATA = JSON.parse(document.getElementById('kqsim-data').textContent);
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const COLORS = { R: '#2b6fd6', I: '#f2b8a3', S: '#b9c0cc' };
  const INTR_RUN = '#d9552b';
  const DIVERGENCE = '#d62b4b';
  const GUTTER = 150; // px left of the plot: lane names and cpl labels
  const RIGHT = 10;
  const AXIS_H = 20; // the step axis
  const TICKS_H = 16; // the virtual clock's ticks
  const LEVEL_H = 11; // per labelled cpl level
  const LANE_H = 16;
  const NARRATION_BEFORE = 6;
  const NARRATION_AFTER = 8;
  const ZOOM_STEP = 1.5;
  const MIN_SPAN = 2; // steps: the narrowest view

  const isDiff = DATA.mode === 'diff';
  const sides = DATA.sides;
  const nrows = isDiff ? DATA.rows.length : sides[0].positions.length;
  const END = Math.max(...sides.map((s) => s.end), MIN_SPAN);
  const LEVELS = DATA.levels;
  const CPL_H = Math.max(2, LEVELS.length) * LEVEL_H + 6;
  const view = { x0: 0, x1: END };
  let cur = 0;
  let teaching = false;
  /** Teaching: the furthest position seen; nothing after it is shown. */
  let revealed = 0;
  let quizOpen = null;
  const answered = new Set();

  /** An HTML element with text (always as text). */
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** An SVG element with text (as a text node). */
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* ---- positions ---- */

  /** The position side i shows at row r, and whether row r has an event of its own there. */
  function sidePos(i, r) {
    if (!isDiff) return { pos: r, here: true };
    const key = i === 0 ? 'a' : 'b';
    for (let k = r; k >= 0; k--) {
      const p = DATA.rows[k][key];
      if (p !== null) return { pos: p, here: k === r };
    }
    return { pos: -1, here: false };
  }

  /** The row that first shows position p of side i. */
  function rowOf(i, p) {
    if (!isDiff) return p;
    const key = i === 0 ? 'a' : 'b';
    const r = DATA.rows.findIndex((row) => row[key] !== null && row[key] >= p);
    return r < 0 ? nrows - 1 : r;
  }

  /** Positions with no counterpart on the other side (diff pages). */
  const onlyHere = sides.map((_, i) => {
    const mine = i === 0 ? 'a' : 'b';
    const theirs = i === 0 ? 'b' : 'a';
    return new Set(isDiff ? DATA.rows.filter((row) => row[theirs] === null && row[mine] !== null).map((row) => row[mine]) : []);
  });

  const divergencePos = (i) => (isDiff && DATA.divergence !== null ? sidePos(i, DATA.divergence).pos : null);

  /** The last position of side i at or before axis coordinate u, or -1. */
  function posAtX(i, u) {
    const ps = sides[i].positions;
    let lo = 0;
    let hi = ps.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ps[mid].x <= u) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The last position anything may show: in teaching mode, the furthest one revealed. */
  const shownUpTo = (i) => (teaching ? revealed : sides[i].positions.length - 1);

  /* ---- static layout ---- */
  document.title = DATA.title;
  const body = document.body;
  const header = el('header');
  header.appendChild(el('h1', {}, DATA.title));
  header.appendChild(el('p', { class: 'summary' }, DATA.summary));
  if (DATA.description) {
    const about = el('details', { class: 'about' });
    about.appendChild(el('summary', {}, 'about this scenario'));
    about.appendChild(el('p', { class: 'desc' }, DATA.description));
    header.appendChild(about);
  }
  body.appendChild(header);

  const controls = el('div', { id: 'controls' });
  const group = (cls) => controls.appendChild(el('span', { class: `group ${cls}` }));
  const stepping = group('stepping');
  const button = (parent, id, label, title, fn) => {
    const b = el('button', { id: `btn-${id}`, title, type: 'button' }, label);
    b.addEventListener('click', fn);
    parent.appendChild(b);
    return b;
  };
  button(stepping, 'first', '|<', 'first event (Home)', () => go(0));
  button(stepping, 'prev', '<', 'back one event (Left, k)', () => go(cur - 1));
  button(stepping, 'next', '>', 'forward one event (Right, j, Space)', () => forward());
  button(stepping, 'last', '>|', 'last event (End)', () => go(nrows - 1));
  const posText = el('span', { id: 'pos', 'aria-live': 'polite' });
  controls.appendChild(posText);
  const zooming = group('zooming');
  button(zooming, 'zoom-out', '\u2212', 'zoom out (-)', () => zoomBy(ZOOM_STEP));
  button(zooming, 'zoom-in', '+', 'zoom in (+)', () => zoomBy(1 / ZOOM_STEP));
  button(zooming, 'zoom-all', 'all', 'show the whole run (0)', () => setView(0, END));
  const viewText = el('span', { id: 'view' });
  zooming.appendChild(viewText);
  if (isDiff) {
    button(controls, 'divergence', 'first divergence', 'go to the first divergence (d)', () => DATA.divergence !== null && go(DATA.divergence));
  } else {
    const label = el('label', { title: 'ask what happens next before each interesting event, and hide what comes after (t)' });
    const box = el('input', { type: 'checkbox', id: 'teach' });
    box.addEventListener('change', () => setTeaching(box.checked));
    label.appendChild(box);
    label.appendChild(document.createTextNode(' teaching mode'));
    controls.appendChild(label);
  }
  const keys = el('details', { class: 'keys' });
  keys.appendChild(el('summary', {}, 'keys'));
  keys.appendChild(
    el(
      'p',
      {},
      `\u2190 \u2192 (or j k, Space) step one event; Home End; + \u2212 zoom, 0 all, Shift+\u2190 \u2192 pan; on the timeline: wheel zooms, Shift+wheel or drag pans, click goes there, hover explains${isDiff ? '; d divergence' : '; t teaching mode, 1-9 answer'}`,
    ),
  );
  controls.appendChild(keys);
  body.appendChild(controls);

  if (isDiff) {
    const info = el('section', { id: 'diffinfo', class: DATA.visible.length === 0 ? 'same' : 'differ' });
    if (DATA.divergence === null) info.appendChild(el('p', {}, 'The two traces are the same.'));
    else {
      const at = (i) => {
        const p = sidePos(i, DATA.divergence);
        const name = i === 0 ? 'A' : 'B';
        return p.here
          ? `${name} at step ${sides[i].positions[p.pos].step}`
          : `${name} has no event there (after its step ${p.pos < 0 ? 0 : sides[i].positions[p.pos].step})`;
      };
      info.appendChild(el('p', {}, `The traces first diverge: ${at(0)}, ${at(1)}. Marked in red on both timelines and in the narration.`));
    }
    info.appendChild(
      el('p', {}, DATA.visible.length === 0 ? 'User-visible results: the same.' : `User-visible results: ${DATA.visible.length} difference(s):`),
    );
    for (const v of DATA.visible) info.appendChild(el('p', { class: 'mono' }, v));
    // The account of A's decisions: its first line, and the decisions B could not take when asked.
    const [account, ...named] = DATA.decisions;
    if (account !== undefined && named.length === 0) info.appendChild(el('p', { class: 'mono muted' }, account));
    else if (account !== undefined) {
      const more = el('details', { class: 'decisions' });
      more.appendChild(el('summary', { class: 'mono muted' }, account));
      for (const d of named) more.appendChild(el('p', { class: 'mono muted' }, d));
      info.appendChild(more);
    }
    body.appendChild(info);
  }

  const quiz = el('section', { class: 'quiz', id: 'quiz-0', 'aria-live': 'polite' });
  quiz.hidden = true;

  const timelines = el('section', { class: 'timelines' });
  body.appendChild(timelines);
  const tip = el('div', { id: 'tip', role: 'tooltip' });
  tip.hidden = true;
  body.appendChild(tip);

  const views = sides.map((side, i) => {
    const box = el('div', { class: 'timeline-box', id: `side-${i}` });
    box.appendChild(el('h2', { title: side.header }, isDiff ? `${i === 0 ? 'A' : 'B'}: ${side.build}` : side.build));
    const svg = sv('svg', { class: 'timeline', id: `timeline-${i}`, role: 'img' });
    box.appendChild(svg);
    timelines.appendChild(box);
    return { side, svg, box };
  });
  const legend = el('p', { class: 'legend' });
  for (const [c, what] of [
    [COLORS.R, 'running'],
    [INTR_RUN, 'interrupt handler running'],
    [COLORS.I, 'interrupted'],
    [COLORS.S, 'asleep'],
    ['#7d5fd6', 'cpl (levels on the left)'],
  ]) {
    const sw = el('span', { class: 'swatch' });
    sw.style.background = c;
    legend.appendChild(sw);
    legend.appendChild(document.createTextNode(what));
  }
  legend.appendChild(document.createTextNode(' \u00b7 axis: simulator steps; under it the virtual clock\u2019s ticks'));
  timelines.appendChild(legend);

  body.appendChild(quiz);
  const lower = el('section', { class: `lower ${isDiff ? 'lower-diff' : 'lower-run'}` });
  body.appendChild(lower);
  const narrationBox = el('div', { class: 'narration-box' });
  narrationBox.appendChild(el('h2', {}, 'narration'));
  const narration = el('table', { class: 'narration', id: 'narration' });
  narrationBox.appendChild(narration);
  lower.appendChild(narrationBox);
  const stateBoxes = sides.map((side, i) => {
    const box = el('div', { class: 'state-box' });
    box.appendChild(el('h2', {}, isDiff ? `state ${i === 0 ? 'A' : 'B'}` : 'state after this event'));
    const state = el('div', { class: 'state', id: `state-${i}` });
    box.appendChild(state);
    const outcome = el('p', { class: 'mono muted outcome', id: `outcome-${i}` }, side.outcome);
    box.appendChild(outcome);
    box.appendChild(el('p', { class: 'mono muted' }, `schedule: ${side.schedule}`));
    box.appendChild(el('p', { class: 'mono muted' }, side.header));
    return { box, state, outcome };
  });
  const states = el('div', { class: `states states-${sides.length}` });
  for (const s of stateBoxes) states.appendChild(s.box);
  lower.appendChild(states);

  /* ---- the timeline ---- */

  const plotWidth = (svg) => Math.max(50, (svg.clientWidth || svg.parentNode.clientWidth || 800) - GUTTER - RIGHT);
  const toPx = (svg, u) => GUTTER + ((u - view.x0) / (view.x1 - view.x0)) * plotWidth(svg);
  const toU = (svg, px) => view.x0 + ((px - GUTTER) / plotWidth(svg)) * (view.x1 - view.x0);

  /** A round interval between axis labels, at least `minPx` apart. */
  function labelEvery(pxPerStep, minPx) {
    for (let k = 1; ; k *= 10) {
      for (const m of [1, 2, 5]) if (k * m * pxPerStep >= minPx) return k * m;
    }
  }

  /** A lane is shown once something happened on it (in teaching mode, up to what was revealed). */
  const laneShown = (i, lane) => !teaching || /[^.]/.test(lane.cells.slice(0, shownUpTo(i) + 1));

  function drawTimeline(i) {
    const { side, svg } = views[i];
    const lanes = side.lanes.filter((l) => laneShown(i, l));
    const W = GUTTER + plotWidth(svg) + RIGHT;
    const top = AXIS_H + TICKS_H;
    const H = top + CPL_H + lanes.length * LANE_H + 4;
    svg.replaceChildren();
    svg.setAttribute('width', String(W));
    svg.setAttribute('height', String(H));
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    const last = shownUpTo(i);
    const ps = side.positions;
    // Where the shown part of the run ends on the axis: after the last shown event's segment.
    const shownEnd = last + 1 < ps.length ? ps[last + 1].x : side.end;
    const x0 = Math.max(view.x0, 0);
    const x1 = Math.min(view.x1, teaching ? shownEnd : side.end);
    const px = (u) => toPx(svg, u);
    const clampPx = (u) => Math.min(Math.max(px(u), GUTTER), GUTTER + plotWidth(svg));
    const span = (a, b, y, h, fill, cls) => {
      if (b <= x0 || a >= x1) return;
      const l = clampPx(Math.max(a, x0));
      const r = clampPx(Math.min(b, x1));
      svg.appendChild(sv('rect', { x: l.toFixed(1), y, width: Math.max(r - l, 1).toFixed(1), height: h, fill, ...(cls ? { class: cls } : {}) }));
    };
    const segEnd = (p) => (p + 1 < ps.length ? ps[p + 1].x : side.end);

    // The step axis: round labels, a faint grid line under each.
    const perStep = plotWidth(svg) / (view.x1 - view.x0);
    const every = labelEvery(perStep, 56);
    const axis = sv('g', { class: 'axis' });
    axis.appendChild(sv('text', { x: 6, y: 14, class: 'gutter-label' }, 'step'));
    for (let s = Math.ceil(view.x0 / every) * every; s <= view.x1; s += every) {
      const x = px(s);
      if (x < GUTTER - 0.5 || x > GUTTER + plotWidth(svg) + 0.5) continue;
      axis.appendChild(sv('line', { x1: x, x2: x, y1: AXIS_H - 5, y2: H, class: 'grid' }));
      axis.appendChild(sv('text', { x: x + 2, y: 13, class: 'axis-label' }, String(s)));
    }
    // The virtual clock: a mark where the tick changes, labelled when there is room.
    axis.appendChild(sv('text', { x: 6, y: AXIS_H + 12, class: 'gutter-label' }, 'tick'));
    let lastLabelPx = Number.NEGATIVE_INFINITY;
    const atStart = posAtX(i, view.x0);
    if (atStart >= 0 && atStart <= last && ps[atStart].x < view.x0) {
      // The tick in effect where the view begins, when its mark is off to the left.
      axis.appendChild(sv('text', { x: GUTTER + 2, y: AXIS_H + 12, class: 'tick-label' }, `t${ps[atStart].tick}`));
      lastLabelPx = GUTTER;
    }
    for (let p = 0; p <= last; p++) {
      if (p > 0 && ps[p].tick === ps[p - 1].tick) continue;
      const u = ps[p].x;
      if (u < view.x0 || u > view.x1) continue;
      const x = px(u);
      axis.appendChild(sv('line', { x1: x, x2: x, y1: AXIS_H, y2: top + CPL_H, class: 'tickmark' }));
      if (x - lastLabelPx >= 28) {
        axis.appendChild(sv('text', { x: x + 2, y: AXIS_H + 12, class: 'tick-label' }, `t${ps[p].tick}`));
        lastLabelPx = x;
      }
    }
    svg.appendChild(axis);

    // The cpl as a step chart, on a scale of the levels the page reaches, each labelled.
    const levelY = (rank) => {
      const k = LEVELS.findIndex((l) => l.rank === rank);
      return top + CPL_H - 3 - (Math.max(k, 0) / Math.max(LEVELS.length - 1, 1)) * (CPL_H - 8);
    };
    for (const l of LEVELS) {
      const y = levelY(l.rank);
      svg.appendChild(sv('line', { x1: GUTTER, x2: GUTTER + plotWidth(svg), y1: y, y2: y, class: 'level' }));
      svg.appendChild(sv('text', { x: GUTTER - 4, y: y + 3, class: 'level-label' }, l.name));
    }
    svg.appendChild(sv('text', { x: 6, y: top + CPL_H / 2 + 3, class: 'gutter-label' }, 'cpl'));
    const base = levelY(0);
    for (let p = 0; p <= last; p++) {
      const rank = side.cpl[p];
      if (rank === 0) continue;
      const y = levelY(rank);
      span(ps[p].x, segEnd(p), y, Math.max(base - y, 1), '#7d5fd6', 'cpl');
    }

    // One lane per interrupt level and thread, as runs of equal cells.
    lanes.forEach((lane, r) => {
      const y = top + CPL_H + r * LANE_H;
      const name = sv(
        'text',
        { x: 6, y: y + LANE_H / 2 + 4, class: 'lane-label' },
        lane.name.length > 20 ? `${lane.name.slice(0, 19)}\u2026` : lane.name,
      );
      name.appendChild(sv('title', {}, lane.name));
      svg.appendChild(name);
      const isIntr = lane.name.startsWith('intr ');
      let start = 0;
      for (let p = 1; p <= last + 1; p++) {
        if (p <= last && lane.cells[p] === lane.cells[start]) continue;
        const c = lane.cells[start];
        if (c !== '.') span(ps[start].x, segEnd(p - 1), y + 3, LANE_H - 6, c === 'R' && isIntr ? INTR_RUN : COLORS[c]);
        start = p;
      }
    });

    // What teaching mode has not revealed yet.
    if (teaching && shownEnd < view.x1) {
      const l = clampPx(Math.max(shownEnd, view.x0));
      const r = GUTTER + plotWidth(svg);
      svg.appendChild(sv('rect', { x: l, y: AXIS_H, width: Math.max(r - l, 0), height: H - AXIS_H, class: 'future' }));
      if (r - l > 90) svg.appendChild(sv('text', { x: l + 8, y: top + CPL_H / 2 + 4, class: 'future-label' }, 'not revealed yet'));
    }

    const dp = divergencePos(i);
    if (dp !== null && dp >= 0 && ps[dp].x >= view.x0 && ps[dp].x <= view.x1) {
      const x = Math.round(px(ps[dp].x));
      svg.appendChild(
        sv('line', { x1: x, x2: x, y1: 0, y2: H, stroke: DIVERGENCE, 'stroke-width': 2, 'stroke-dasharray': '4 3', class: 'divergence' }),
      );
    }
    const { pos, here } = sidePos(i, cur);
    if (pos >= 0 && ps[pos].x <= view.x1 && segEnd(pos) >= view.x0) {
      const l = clampPx(ps[pos].x);
      const r = clampPx(segEnd(pos));
      svg.appendChild(sv('rect', { x: l, y: 0, width: Math.max(r - l, 2), height: H, class: here ? 'cursor' : 'cursor cursor-missing' }));
      svg.appendChild(sv('line', { x1: l + 0.5, x2: l + 0.5, y1: 0, y2: H, class: 'cursor-line' }));
    }
    svg.setAttribute('aria-label', `timeline of ${side.build}: steps ${fmt(view.x0)} to ${fmt(view.x1)} of ${side.steps}, ${lanes.length} lanes`);
    svg.dataset.view = `${fmt(view.x0)}-${fmt(view.x1)}`;
  }

  const fmt = (u) => (Math.round(u * 10) / 10).toString();

  /* ---- zoom, pan, hover, click ---- */

  function setView(a, b) {
    let span = Math.min(Math.max(b - a, MIN_SPAN), END);
    let x0 = a;
    if (b - a < MIN_SPAN) x0 = (a + b) / 2 - span / 2;
    x0 = Math.min(Math.max(x0, 0), END - span);
    if (!(span > 0)) span = END;
    view.x0 = x0;
    view.x1 = x0 + span;
    render();
  }

  /** Zoom by factor f (< 1 in) around axis coordinate u (default: the current event). */
  function zoomBy(f, u) {
    const at = u ?? currentX();
    setView(at - (at - view.x0) * f, at + (view.x1 - at) * f);
  }

  function panBy(du) {
    setView(view.x0 + du, view.x1 + du);
  }

  function currentX() {
    for (const [i] of sides.entries()) {
      const { pos } = sidePos(i, cur);
      if (pos >= 0) return sides[i].positions[pos].x;
    }
    return 0;
  }

  /** Keep the current event in view when stepping moves it out. */
  function follow() {
    const u = currentX();
    const w = view.x1 - view.x0;
    if (u < view.x0 || u > view.x1 - w * 0.05) {
      const x0 = Math.min(Math.max(u - w * 0.3, 0), END - w);
      view.x0 = x0;
      view.x1 = x0 + w;
    }
  }

  let drag = null;
  views.forEach(({ svg }, i) => {
    svg.addEventListener(
      'wheel',
      (e) => {
        const rect = svg.getBoundingClientRect();
        const px = e.clientX - rect.left;
        if (px < GUTTER) return;
        e.preventDefault();
        const horizontal = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
        const delta = horizontal ? e.deltaX || e.deltaY : e.deltaY;
        if (horizontal) panBy((delta / plotWidth(svg)) * (view.x1 - view.x0));
        else zoomBy(Math.exp(delta * 0.002), toU(svg, px));
      },
      { passive: false },
    );
    svg.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      drag = { i, startX: e.clientX, x0: view.x0, x1: view.x1, moved: false };
      e.preventDefault();
    });
    svg.addEventListener('mousemove', (e) => hover(i, e));
    svg.addEventListener('mouseleave', () => {
      tip.hidden = true;
    });
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const svg = views[drag.i].svg;
    const dx = e.clientX - drag.startX;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved) return;
    const du = (dx / plotWidth(svg)) * (drag.x1 - drag.x0);
    setView(drag.x0 - du, drag.x1 - du);
  });
  window.addEventListener('mouseup', (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.moved) return;
    // A click: go to the event at that point of this side's timeline.
    const svg = views[d.i].svg;
    const rect = svg.getBoundingClientRect();
    const p = posAtX(d.i, toU(svg, e.clientX - rect.left));
    if (e.clientX - rect.left >= GUTTER && p >= 0) go(rowOf(d.i, Math.min(p, shownUpTo(d.i) + (teaching ? 1 : 0))));
  });

  /** The tooltip: the event under the pointer (and the lane's state there). */
  function hover(i, e) {
    if (drag?.moved) return;
    const { svg, side } = views[i];
    const rect = svg.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const p = posAtX(i, toU(svg, x));
    if (x < GUTTER || p < 0 || p > shownUpTo(i)) {
      tip.hidden = true;
      return;
    }
    const ev = side.positions[p];
    tip.replaceChildren();
    tip.appendChild(el('div', { class: 'tip-head' }, `event ${p + 1} \u00b7 step ${ev.step} \u00b7 tick ${ev.tick}`));
    tip.appendChild(el('div', { class: 'tip-where' }, ev.where));
    tip.appendChild(el('div', {}, ev.text));
    const lanes = side.lanes.filter((l) => laneShown(i, l));
    const r = Math.floor((y - AXIS_H - TICKS_H - CPL_H) / LANE_H);
    const lane = lanes[r];
    if (lane) {
      const what = { R: 'running', I: 'interrupted', S: 'asleep', '.': 'not running' }[lane.cells[p]];
      tip.appendChild(el('div', { class: 'tip-lane' }, `${lane.name}: ${what}`));
    }
    tip.hidden = false;
    const left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const topPx = e.clientY + 16 + tip.offsetHeight > window.innerHeight ? e.clientY - tip.offsetHeight - 10 : e.clientY + 16;
    tip.style.left = `${Math.max(4, left)}px`;
    tip.style.top = `${Math.max(4, topPx)}px`;
  }

  /* ---- narration and state ---- */

  /** One side's cells of a narration row: step, tick, context @cpl and what happened (one cell on a diff page). */
  function narrationRow(i, p, cls) {
    const ev = sides[i].positions[p];
    const cells = [el('td', { class: 'num' }, String(ev.step)), el('td', { class: 'num' }, `t${ev.tick}`)];
    if (isDiff) {
      const text = el('td', { class: 'text' });
      text.appendChild(el('span', { class: 'where' }, ev.where));
      text.appendChild(document.createTextNode(ev.text));
      cells.push(text);
    } else cells.push(el('td', { class: 'where' }, ev.where), el('td', { class: 'text' }, ev.text));
    if (cls) for (const td of cells) td.classList.add(cls);
    return cells;
  }

  function showNarration() {
    narration.replaceChildren();
    const head = el('tr');
    const cols = isDiff
      ? ['step', 'tick', `A: ${sides[0].build}`, 'step', 'tick', `B: ${sides[1].build}`]
      : ['step', 'tick', 'context @cpl', 'what happened'];
    for (const c of cols) head.appendChild(el('th', { class: `col-${c.split(' ')[0].replace(/[^a-z]/g, '') || 'build'}` }, c));
    narration.appendChild(head);
    const limitRow = teaching ? revealed : nrows - 1;
    const from = Math.max(0, cur - NARRATION_BEFORE);
    const to = Math.min(limitRow, cur + NARRATION_AFTER);
    for (let r = from; r <= to; r++) {
      const tr = el('tr', { 'data-row': String(r) });
      if (r === cur) tr.classList.add('cur');
      if (isDiff && r === DATA.divergence) tr.classList.add('div');
      tr.addEventListener('click', () => go(r));
      if (!isDiff) {
        for (const td of narrationRow(0, r)) tr.appendChild(td);
      } else {
        for (const [i, key] of [
          [0, 'a'],
          [1, 'b'],
        ]) {
          const p = DATA.rows[r][key];
          if (p === null) {
            const gap = el('td', { class: 'gap', colspan: '3' }, '\u2014 no event here in this build');
            tr.appendChild(gap);
          } else for (const td of narrationRow(i, p, onlyHere[i].has(p) ? 'only' : '')) tr.appendChild(td);
        }
      }
      narration.appendChild(tr);
    }
    if (teaching && quizOpen) {
      const tr = el('tr', { class: 'pending' });
      tr.appendChild(el('td', { class: 'num' }, '?'));
      tr.appendChild(el('td', { class: 'num' }, ''));
      tr.appendChild(el('td', { class: 'text', colspan: '2' }, 'what happens next? answer the question above'));
      narration.appendChild(tr);
    }
  }

  function showState(i) {
    const { state, outcome } = stateBoxes[i];
    const side = sides[i];
    const { pos } = sidePos(i, cur);
    const now = pos >= 0 ? side.states[side.positions[pos].state] || {} : {};
    const before = pos > 0 ? side.states[side.positions[pos - 1].state] || {} : {};
    state.replaceChildren();
    for (const [name, lines] of Object.entries(now)) {
      state.appendChild(el('h3', {}, name));
      const pre = el('pre');
      const old = new Set(before[name] || []);
      for (const line of lines) pre.appendChild(el('div', old.has(line) ? {} : { class: 'changed' }, line));
      state.appendChild(pre);
    }
    // The outcome is the end of the story: teaching mode keeps it until the end is reached.
    outcome.hidden = teaching && revealed < side.positions.length - 1;
  }

  function render() {
    if (isDiff) {
      const at = (i) => {
        const { pos, here } = sidePos(i, cur);
        return pos < 0 ? 'no event yet' : `${here ? '' : 'after '}step ${sides[i].positions[pos].step} of ${sides[i].steps}`;
      };
      posText.textContent = `A: ${at(0)} \u00b7 B: ${at(1)} \u00b7 aligned row ${cur + 1} of ${nrows}`;
    } else {
      const p = sides[0].positions[cur];
      posText.textContent = `event ${cur + 1} of ${nrows} \u00b7 step ${p.step} of ${sides[0].steps} \u00b7 tick ${p.tick}`;
    }
    viewText.textContent = view.x0 <= 0 && view.x1 >= END ? 'all steps' : `steps ${fmt(view.x0)}\u2013${fmt(view.x1)}`;
    views.forEach((_, i) => {
      drawTimeline(i);
      showState(i);
    });
    showNarration();
  }

  /* ---- stepping and teaching ---- */

  const teachAt = (pos) => sides[0].teach.find((t) => t.pos === pos);

  function go(r) {
    closeQuiz();
    const target = Math.max(0, Math.min(nrows - 1, r));
    if (teaching && target > revealed) {
      // Jumping ahead still meets every question on the way.
      for (let p = revealed + 1; p <= target; p++) {
        const t = teachAt(p);
        if (t && !answered.has(p)) {
          cur = p - 1;
          revealed = Math.max(revealed, cur);
          follow();
          ask(t);
          return;
        }
      }
    }
    cur = target;
    if (teaching) revealed = Math.max(revealed, cur);
    follow();
    render();
  }

  /** Step forward; in teaching mode, ask first when the next event is an interesting one. */
  function forward() {
    if (quizOpen) return reveal(null);
    if (cur + 1 >= nrows) return;
    go(cur + 1);
  }

  function ask(t) {
    quizOpen = t;
    quiz.replaceChildren();
    quiz.appendChild(el('p', { class: 'question' }, t.question));
    t.options.forEach((o, k) => {
      const b = el('button', { 'data-option': String(k), type: 'button' }, `${k + 1}. ${o}`);
      b.addEventListener('click', () => reveal(k));
      quiz.appendChild(b);
    });
    const skip = el('button', { 'data-option': 'reveal', type: 'button' }, 'just show me');
    skip.addEventListener('click', () => reveal(null));
    quiz.appendChild(skip);
    quiz.hidden = false;
    render();
  }

  function reveal(k) {
    const t = quizOpen;
    if (!t) return;
    answered.add(t.pos);
    quizOpen = null;
    quiz.replaceChildren();
    const verdict = k === null ? 'Answer' : k === t.answer ? 'Right' : 'Not quite';
    quiz.appendChild(el('p', { class: k === t.answer ? 'right' : k === null ? '' : 'wrong' }, `${verdict}: ${t.options[t.answer]}.`));
    quiz.appendChild(el('p', {}, t.explain));
    cur = t.pos;
    revealed = Math.max(revealed, cur);
    follow();
    render();
    quiz.hidden = false;
  }

  function closeQuiz() {
    quizOpen = null;
    quiz.hidden = true;
  }

  function setTeaching(on) {
    teaching = on;
    const box = document.getElementById('teach');
    if (box) box.checked = on;
    // From here on nothing after the current event is shown; earlier questions count as seen.
    revealed = cur;
    for (const t of sides[0].teach) if (t.pos <= cur) answered.add(t.pos);
    if (!on) closeQuiz();
    render();
  }

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    // A focused control handles its own Space and Enter (a button would otherwise step twice).
    const tag = e.target?.tagName;
    if ((tag === 'BUTTON' || tag === 'INPUT' || tag === 'SUMMARY') && (e.key === ' ' || e.key === 'Enter')) return;
    const k = e.key;
    const width = view.x1 - view.x0;
    if (e.shiftKey && k === 'ArrowRight') panBy(width * 0.25);
    else if (e.shiftKey && k === 'ArrowLeft') panBy(-width * 0.25);
    else if (k === 'ArrowRight' || k === 'j' || k === ' ') forward();
    else if (k === 'ArrowLeft' || k === 'k') go(cur - 1);
    else if (k === 'Home') go(0);
    else if (k === 'End') go(nrows - 1);
    else if (k === '+' || k === '=') zoomBy(1 / ZOOM_STEP);
    else if (k === '-' || k === '_') zoomBy(ZOOM_STEP);
    else if (k === '0') setView(0, END);
    else if (k === 'd' && isDiff && DATA.divergence !== null) go(DATA.divergence);
    else if (k === 't' && !isDiff) setTeaching(!teaching);
    else if (quizOpen && /^[1-9]$/.test(k) && Number(k) <= quizOpen.options.length) reveal(Number(k) - 1);
    else return;
    e.preventDefault();
  });
  /* ---- the coverage map of the search this run came from (kqsim explore --html) ---- */

  function coverageSection(cov) {
    const sec = el('section', { class: 'coverage', id: 'coverage' });
    sec.appendChild(el('h2', {}, cov.title));
    const hit = cov.pairs.filter((p) => p.exercised).length;
    sec.appendChild(
      el('p', { class: 'meta' }, `${hit} of ${cov.pairs.length} (preemption point, interrupt source) pairs seen reachable were exercised`),
    );
    sec.appendChild(el('p', { class: 'meta' }, `points that never saw an interrupt: ${cov.neverInterrupted.join(', ') || 'none'}`));
    const table = el('table');
    const head = el('tr');
    for (const h of ['preemption point', 'source', 'could interrupt', 'did']) head.appendChild(el('th', {}, h));
    table.appendChild(head);
    for (const p of cov.pairs) {
      const row = el('tr', { class: p.exercised ? 'hit' : 'miss' });
      for (const v of [p.point, p.source, String(p.offered), String(p.taken)]) row.appendChild(el('td', {}, v));
      table.appendChild(row);
    }
    sec.appendChild(table);
    return sec;
  }
  if (DATA.coverage) body.appendChild(coverageSection(DATA.coverage));

  window.addEventListener('resize', render);
  if (isDiff && DATA.divergence !== null) cur = Math.max(0, DATA.divergence - 2);
  render();
})();
