/*
 * kqsim HTML stepper: inlined into every exported page (sim/view/html.ts). Reads the page data
 * from the JSON script element and shows it; runs no simulation. All text goes in through
 * textContent, never as markup.
 *
 * Keys: Right / j / Space next, Left / k back, Home / End, d divergence (diff pages),
 * t teaching mode, 1-9 answer a question. On a diff page, lines only one build has are
 * tinted and the first divergence has a red bar.
 */
(() => {
  const DATA = JSON.parse(document.getElementById('kqsim-data').textContent);
  const COLORS = { R: '#2b6fd6', I: '#f2b8a3', S: '#b9c0cc' };
  const INTR_RUN = '#d9552b';
  const LABEL_W = 130;
  const ROW_H = 16;
  const CPL_H = 34;
  const IPL_MAX = 12;

  /** Create an element with text (always as text) and children. */
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const isDiff = DATA.mode === 'diff';
  const nrows = isDiff ? DATA.rows.length : DATA.sides[0].positions.length;
  let cur = 0;
  let teaching = false;
  let quizOpen = null;
  const answered = new Set();

  /* ---- static layout ---- */
  document.title = DATA.title;
  const body = document.body;
  body.appendChild(el('h1', {}, DATA.title));
  body.appendChild(el('p', { class: 'desc' }, DATA.description || ''));

  const controls = el('div', { id: 'controls' });
  const buttons = [
    ['first', '|<', 'first step (Home)', () => go(0)],
    ['prev', '<', 'back one step (Left, k)', () => go(cur - 1)],
    ['next', '>', 'forward one step (Right, j, Space)', () => forward()],
    ['last', '>|', 'last step (End)', () => go(nrows - 1)],
  ];
  for (const [id, label, title, fn] of buttons) {
    const b = el('button', { id: `btn-${id}`, title }, label);
    b.addEventListener('click', fn);
    controls.appendChild(b);
  }
  const posText = el('span', { id: 'pos' });
  controls.appendChild(posText);
  if (isDiff) {
    const b = el('button', { id: 'btn-divergence', title: 'jump to the first divergence (d)' }, 'first divergence');
    b.addEventListener('click', () => DATA.divergence !== null && go(DATA.divergence));
    controls.appendChild(b);
  } else {
    const label = el('label', { title: 'ask what happens next before each interesting step (t)' });
    const box = el('input', { type: 'checkbox', id: 'teach' });
    box.addEventListener('change', () => setTeaching(box.checked));
    label.appendChild(box);
    label.appendChild(document.createTextNode(' teaching mode: predict, then check'));
    controls.appendChild(label);
  }
  controls.appendChild(el('span', { class: 'keys' }, `keys: \u2190 \u2192 step, Home/End, ${isDiff ? 'd divergence' : 't teaching, 1-9 answer'}`));
  body.appendChild(controls);

  if (isDiff) {
    const info = el('div', { id: 'diffinfo', class: DATA.visible.length === 0 ? 'same' : 'differ' });
    info.appendChild(
      el(
        'p',
        {},
        DATA.divergence === null
          ? 'The two traces are the same.'
          : `The traces first diverge at row ${DATA.divergence + 1} of ${nrows} (marked in red).`,
      ),
    );
    info.appendChild(
      el('p', {}, DATA.visible.length === 0 ? 'User-visible results: the same.' : `User-visible results: ${DATA.visible.length} difference(s):`),
    );
    for (const v of DATA.visible) info.appendChild(el('p', { class: 'meta' }, v));
    body.appendChild(info);
  }

  const sidesBox = el('div', { class: `sides sides-${DATA.sides.length}` });
  body.appendChild(sidesBox);
  const views = DATA.sides.map((side, i) => {
    const sec = el('section', { class: 'side', id: `side-${i}` });
    sec.appendChild(el('h2', {}, isDiff ? `${i === 0 ? 'A' : 'B'}: ${side.build}` : side.build));
    sec.appendChild(el('p', { class: 'meta' }, side.header));
    const canvas = el('canvas', { class: 'timeline', id: `timeline-${i}`, height: String(CPL_H + side.lanes.length * ROW_H + 4) });
    canvas.addEventListener('click', (e) => clickTimeline(i, canvas, e));
    sec.appendChild(canvas);
    const legend = el('p', { class: 'legend' });
    for (const [c, what] of [
      [COLORS.R, 'running'],
      [INTR_RUN, 'interrupt handler running'],
      [COLORS.I, 'interrupted'],
      [COLORS.S, 'asleep'],
    ]) {
      const sw = el('span');
      sw.style.background = c;
      legend.appendChild(sw);
      legend.appendChild(document.createTextNode(what));
    }
    legend.appendChild(document.createTextNode('  (top: the cpl; x: steps of this page)'));
    sec.appendChild(legend);
    const quiz = el('div', { class: 'quiz', id: `quiz-${i}` });
    quiz.hidden = true;
    sec.appendChild(quiz);
    const narration = el('div', { class: 'narration', id: `narration-${i}` });
    sec.appendChild(narration);
    sec.appendChild(el('h2', {}, 'state'));
    const state = el('div', { class: 'state', id: `state-${i}` });
    sec.appendChild(state);
    sec.appendChild(el('p', { class: 'meta' }, side.outcome));
    sec.appendChild(el('p', { class: 'meta' }, `schedule: ${side.schedule}`));
    sidesBox.appendChild(sec);
    return { side, canvas, narration, state, quiz };
  });

  /* ---- positions ---- */

  /** The position a side shows at row `r`, and whether the row has an event on that side. */
  function sidePos(i, r) {
    if (!isDiff) return { pos: r, here: true };
    const key = i === 0 ? 'a' : 'b';
    for (let k = r; k >= 0; k--) {
      const p = DATA.rows[k][key];
      if (p !== null) return { pos: p, here: k === r };
    }
    return { pos: 0, here: false };
  }

  /** Per side, the positions that have no counterpart on the other side (diff pages). */
  const onlyHere = DATA.sides.map((_, i) => {
    const mine = i === 0 ? 'a' : 'b';
    const theirs = i === 0 ? 'b' : 'a';
    return new Set(isDiff ? DATA.rows.filter((row) => row[theirs] === null && row[mine] !== null).map((row) => row[mine]) : []);
  });

  /** Row index in this side's own positions of the divergence, for marking. */
  function divergencePos(i) {
    if (!isDiff || DATA.divergence === null) return null;
    return sidePos(i, DATA.divergence).pos;
  }

  /* ---- drawing ---- */

  function drawTimeline(i) {
    const { side, canvas } = views[i];
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || 600;
    const cssH = CPL_H + side.lanes.length * ROW_H + 4;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.height = `${cssH}px`;
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, cssW, cssH);
    const n = Math.max(1, side.positions.length);
    const w = (cssW - LABEL_W) / n;
    const x = (p) => LABEL_W + p * w;
    g.font = '11px ui-monospace, monospace';
    g.textBaseline = 'middle';
    // The cpl as a step chart.
    g.fillStyle = '#5d6677';
    g.fillText('cpl', 4, CPL_H / 2);
    g.fillStyle = '#7d5fd6';
    side.cpl.forEach((rank, p) => {
      const h = ((CPL_H - 6) * rank) / IPL_MAX;
      g.fillRect(x(p), CPL_H - 3 - h, Math.max(w, 1), h);
    });
    // One lane per interrupt level and thread, as runs of equal cells.
    side.lanes.forEach((lane, r) => {
      const y = CPL_H + r * ROW_H;
      g.fillStyle = '#1d2330';
      g.fillText(lane.name.slice(0, 18), 4, y + ROW_H / 2);
      const isIntr = lane.name.startsWith('intr ');
      let start = 0;
      for (let p = 1; p <= lane.cells.length; p++) {
        if (p < lane.cells.length && lane.cells[p] === lane.cells[start]) continue;
        const c = lane.cells[start];
        if (c !== '.') {
          g.fillStyle = c === 'R' && isIntr ? INTR_RUN : COLORS[c];
          g.fillRect(x(start), y + 2, Math.max((p - start) * w, 1), ROW_H - 4);
        }
        start = p;
      }
    });
    const dp = divergencePos(i);
    if (dp !== null) {
      // Whole pixels, so the mark keeps its exact colour (the browser test looks for it).
      g.fillStyle = '#d62b4b';
      for (let y = 0; y < cssH; y += 7) g.fillRect(Math.round(x(dp)), y, 2, 4);
    }
    const { pos } = sidePos(i, cur);
    g.fillStyle = 'rgba(255, 213, 0, 0.35)';
    g.fillRect(x(pos), 0, Math.max(w, 2), cssH);
    g.strokeStyle = '#1d2330';
    g.beginPath();
    g.moveTo(x(pos) + 0.5, 0);
    g.lineTo(x(pos) + 0.5, cssH);
    g.stroke();
  }

  function clickTimeline(i, canvas, e) {
    const rect = canvas.getBoundingClientRect();
    const n = views[i].side.positions.length;
    const p = Math.floor(((e.clientX - rect.left - LABEL_W) / (rect.width - LABEL_W)) * n);
    if (p < 0 || p >= n) return;
    if (!isDiff) return go(p);
    const key = i === 0 ? 'a' : 'b';
    const r = DATA.rows.findIndex((row) => row[key] !== null && row[key] >= p);
    if (r >= 0) go(r);
  }

  function showNarration(i) {
    const { side, narration } = views[i];
    const { pos, here } = sidePos(i, cur);
    const dp = divergencePos(i);
    narration.replaceChildren();
    const from = Math.max(0, pos - 5);
    const to = Math.min(side.positions.length, pos + 6);
    for (let p = from; p < to; p++) {
      const cls = [p === pos && here ? 'cur' : '', p === dp ? 'div' : '', onlyHere[i].has(p) ? 'only' : ''].join(' ').trim();
      narration.appendChild(el('div', cls ? { class: cls } : {}, side.positions[p].line));
      if (p === pos && !here) narration.appendChild(el('div', { class: 'missing cur' }, '        (no event here in this build)'));
    }
  }

  function showState(i) {
    const { side, state } = views[i];
    const { pos } = sidePos(i, cur);
    const now = side.states[side.positions[pos] ? side.positions[pos].state : 0] || {};
    const before = pos > 0 ? side.states[side.positions[pos - 1].state] || {} : {};
    state.replaceChildren();
    for (const [name, lines] of Object.entries(now)) {
      state.appendChild(el('h3', {}, name));
      const pre = el('pre');
      const old = new Set(before[name] || []);
      for (const line of lines) {
        const span = el('div', old.has(line) ? {} : { class: 'changed' }, line);
        pre.appendChild(span);
      }
      state.appendChild(pre);
    }
  }

  function render() {
    posText.textContent = `step ${cur + 1} of ${nrows}`;
    views.forEach((_, i) => {
      drawTimeline(i);
      showNarration(i);
      showState(i);
    });
  }

  /* ---- stepping and teaching ---- */

  function go(r) {
    closeQuiz();
    cur = Math.max(0, Math.min(nrows - 1, r));
    render();
  }

  function teachAt(pos) {
    return views[0].side.teach.find((t) => t.pos === pos);
  }

  /** Step forward; in teaching mode, ask first when the next step is an interesting one. */
  function forward() {
    if (quizOpen) return reveal(null);
    const next = cur + 1;
    if (next >= nrows) return;
    const t = teaching && !isDiff ? teachAt(next) : undefined;
    if (t && !answered.has(next)) return ask(t);
    go(next);
  }

  function ask(t) {
    const { quiz } = views[0];
    quizOpen = t;
    quiz.replaceChildren();
    quiz.appendChild(el('p', {}, t.question));
    t.options.forEach((o, k) => {
      const b = el('button', { 'data-option': String(k) }, `${k + 1}. ${o}`);
      b.addEventListener('click', () => reveal(k));
      quiz.appendChild(b);
    });
    const skip = el('button', { 'data-option': 'reveal' }, 'just show me');
    skip.addEventListener('click', () => reveal(null));
    quiz.appendChild(skip);
    quiz.hidden = false;
  }

  function reveal(k) {
    const t = quizOpen;
    if (!t) return;
    const { quiz } = views[0];
    answered.add(t.pos);
    quizOpen = null;
    quiz.replaceChildren();
    const verdict = k === null ? 'Answer' : k === t.answer ? 'Right' : 'Not quite';
    quiz.appendChild(el('p', { class: k === t.answer ? 'right' : k === null ? '' : 'wrong' }, `${verdict}: ${t.options[t.answer]}.`));
    quiz.appendChild(el('p', {}, t.explain));
    cur = t.pos;
    render();
    quiz.hidden = false;
  }

  function closeQuiz() {
    quizOpen = null;
    if (!isDiff) views[0].quiz.hidden = true;
  }

  function setTeaching(on) {
    teaching = on;
    const box = document.getElementById('teach');
    if (box) box.checked = on;
    if (!on) closeQuiz();
  }

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    // A focused control handles its own Space and Enter (a button would otherwise step twice).
    const tag = e.target?.tagName;
    if ((tag === 'BUTTON' || tag === 'INPUT') && (e.key === ' ' || e.key === 'Enter')) return;
    const k = e.key;
    if (k === 'ArrowRight' || k === 'j' || k === ' ') forward();
    else if (k === 'ArrowLeft' || k === 'k') go(cur - 1);
    else if (k === 'Home') go(0);
    else if (k === 'End') go(nrows - 1);
    else if (k === 'd' && isDiff && DATA.divergence !== null) go(DATA.divergence);
    else if (k === 't' && !isDiff) setTeaching(!teaching);
    else if (quizOpen && /^[1-9]$/.test(k) && Number(k) <= quizOpen.options.length) reveal(Number(k) - 1);
    else return;
    e.preventDefault();
  });
  window.addEventListener('resize', render);
  if (isDiff && DATA.divergence !== null) cur = Math.max(0, DATA.divergence - 2);
  render();
})();
