// The report webview: draws the ReportModel (src/core/view/reportModel.ts) the extension posts, as SVG
// built with DOM calls (no innerHTML of data, no inline style: the CSP allows neither), coloured by
// classes whose colours are the theme's --vscode-* variables (report.css).
// @ts-check
(function () {
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const main = /** @type {HTMLElement} */ (document.getElementById('report'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));

  /** @param {string} tag @param {Record<string, string|number>} attrs @param {string} [text] */
  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  /** @param {string} tag @param {string} [text] @param {string} [cls] */
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  const num = (/** @type {number|null|undefined} */ x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
  const colour = (/** @type {number} */ i) => `c${i % 6}`;

  /** A section with a heading, a one-line explanation and a figure. */
  function section(id, title, explain) {
    const s = el('section');
    s.id = id;
    s.append(el('h2', title));
    if (explain) s.append(el('p', explain, 'explain'));
    main.append(s);
    return s;
  }

  function legend(entries, title) {
    const ul = el('ul', undefined, 'legend');
    if (title) ul.append(el('li', title, 'legend-title'));
    entries.forEach((name, i) => {
      const li = el('li');
      const sw = el('span', undefined, `swatch ${colour(i)}`);
      li.append(sw, document.createTextNode(name));
      ul.append(li);
    });
    return ul;
  }

  /** The width the charts may take: the report's own width, read at every render (the panel may be 400 px or 1400 px). */
  const available = () => Math.max(240, Math.floor(main.clientWidth));
  const CHAR_W = 6.6; // an 11px label's widest average character width, to decide whether labels fit

  /**
   * An SVG of `width` x `height` user units that scales down with its container: viewBox plus CSS
   * `max-width: 100%; height: auto` (report.css), so it is never clipped even if the panel is narrower than
   * the width it was laid out for. `fit(svg)` then sets the viewBox to what was drawn.
   */
  function chartSvg(width, height, label) {
    return svgEl('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'xMinYMin meet', role: 'img', 'aria-label': label });
  }
  /** Sets the viewBox of a drawn (attached) SVG to what it drew: no label is cut off, no blank band is left below. */
  function fit(svg) {
    let box;
    try { box = svg.getBBox(); } catch { return; }
    if (!box.width || !box.height) return;
    const x = Math.min(0, Math.floor(box.x) - 1), y = Math.min(0, Math.floor(box.y) - 1);
    const w = Math.ceil(box.x + box.width) + 2 - x, h = Math.ceil(box.y + box.height) + 2 - y;
    svg.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
  }

  /**
   * Category labels under a chart, centred on `x`: horizontal when every one fits its `slot`, else
   * turned to read upwards (each then takes a line's height of width). Returns the height they take.
   */
  function categoryLabels(svg, items, y, slot) {
    const flat = items.every((it) => it.text.length * CHAR_W <= slot - 4);
    for (const it of items) {
      if (flat) svg.append(svgEl('text', { class: 'label', x: it.x, y: y + 12, 'text-anchor': 'middle' }, it.text));
      else svg.append(svgEl('text', { class: 'label', x: it.x + 4, y: y + 4, 'text-anchor': 'end', transform: `rotate(-90 ${it.x + 4} ${y + 4})` }, it.text));
    }
    return flat ? 18 : Math.ceil(Math.max(0, ...items.map((it) => it.text.length)) * CHAR_W) + 10;
  }

  /** Grouped vertical bars: one group per variant, one bar per model x outcome, height = share; laid out for the panel's width. */
  function actionsChart(m) {
    const s = section('actions', 'Actions per variant and model', 'Share of readable actions; the number above a bar is its count.');
    const series = [];
    // one colour per model and outcome; a single model needs only the outcome in the legend
    for (const model of m.models) for (const outcome of m.outcomes) series.push(m.models.length > 1 ? `${model} · ${outcome}` : outcome);
    const groups = m.variants.map((v) => m.actions.filter((b) => b.variant === v));
    const gap = 12, top = 20, h = 180, left = 36;
    const bars = groups.reduce((n, g) => n + Math.max(1, g.length), 0);
    // bars share what the panel leaves after the axis and the gaps, 18 px at most, 4 at least
    const barW = Math.max(4, Math.min(18, Math.floor((available() - left - gap * groups.length) / Math.max(1, bars))));
    const groupW = groups.map((g) => Math.max(1, g.length) * barW);
    const width = left + groupW.reduce((w, gw) => w + gw + gap, 0);
    const svg = chartSvg(width, top + h, 'actions per variant and model');
    axis(svg, left, top, h, width);
    const labels = [];
    let x = left + gap / 2;
    groups.forEach((g, gi) => {
      const x0 = x;
      for (const b of g) {
        const bh = b.share * h;
        const r = svgEl('rect', { class: `bar action ${colour(series.indexOf(m.models.length > 1 ? `${b.model} · ${b.outcome}` : b.outcome))}`, x, y: top + h - bh, width: barW - 2, height: Math.max(bh, 0.5), 'data-model': b.model, 'data-variant': b.variant, 'data-outcome': b.outcome });
        r.append(svgEl('title', {}, `${b.model} · ${b.variant} · ${b.outcome}: ${b.count} (${num(b.share * 100, 0)}%)`));
        svg.append(r, svgEl('text', { class: 'count', x: x + barW / 2 - 1, y: top + h - bh - 4, 'text-anchor': 'middle' }, String(b.count)));
        x += barW;
      }
      labels.push({ x: x0 + groupW[gi] / 2, text: m.variants[gi] });
      x = x0 + groupW[gi] + gap;
    });
    const below = categoryLabels(svg, labels, top + h + 4, Math.min(...groupW) + gap);
    svg.setAttribute('height', String(top + h + 4 + below));
    svg.setAttribute('viewBox', `0 0 ${width} ${top + h + 4 + below}`);
    s.append(svg, legend(series, m.models.length > 1 ? 'Model · action:' : 'Action:'));
    fit(svg);
  }

  /** The 0..1 axis of a vertical chart. */
  function axis(svg, left, top, h, width) {
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const y = top + h - t * h;
      svg.append(svgEl('line', { class: 'grid', x1: left, x2: width, y1: y, y2: y }), svgEl('text', { class: 'tick', x: left - 4, y: y + 4, 'text-anchor': 'end' }, t.toFixed(2)));
    }
  }

  /**
   * Horizontal rows with a point (or bar) and its interval on a shared scale: an HTML grid whose label and
   * note are text that wraps, and whose plot is an SVG strip in percent of its cell, so it takes any width.
   */
  function intervalRows(s, rows, { lo, hi, zero, cls }) {
    const pct = (v) => `${(((v - lo) / (hi - lo)) * 100).toFixed(2)}%`;
    const ticks = [lo, (lo + hi) / 2, hi];
    const grid = el('div', undefined, `interval-rows ${cls}`);
    for (const r of rows) {
      const plot = el('div', undefined, 'row-plot');
      if (r.value === null) {
        plot.append(el('div', r.note || 'no value', 'row-note none'));
      } else {
        const svg = svgEl('svg', { class: 'strip', width: '100%', height: 16, role: 'img', 'aria-label': `${r.label}: ${r.note}` });
        for (const t of ticks) svg.append(svgEl('line', { class: 'grid', x1: pct(t), x2: pct(t), y1: 0, y2: 16 }));
        if (zero !== undefined) svg.append(svgEl('line', { class: 'zero', x1: pct(zero), x2: pct(zero), y1: 0, y2: 16 }));
        if (cls === 'divergence') svg.append(svgEl('rect', { class: `bar ${cls} ${colour(r.series)}`, x: '0%', y: 2, width: pct(Math.max(lo, Math.min(hi, r.value))), height: 12 }));
        if (r.low !== null && r.high !== null) svg.append(svgEl('line', { class: `interval ${cls}`, x1: pct(Math.max(lo, r.low)), x2: pct(Math.min(hi, r.high)), y1: 8, y2: 8 }));
        const dot = svgEl('circle', { class: `point ${cls} ${colour(r.series)}`, cx: pct(Math.max(lo, Math.min(hi, r.value))), cy: 8, r: 4 });
        dot.append(svgEl('title', {}, r.note));
        svg.append(dot);
        plot.append(svg, el('div', r.note, 'row-note'));
      }
      grid.append(el('div', r.label, 'row-label'), plot);
    }
    const scale = svgEl('svg', { class: 'strip scale', width: '100%', height: 14, role: 'presentation' });
    ticks.forEach((t, i) => scale.append(svgEl('text', { class: 'tick', x: pct(t), y: 11, 'text-anchor': ['start', 'middle', 'end'][i] }, num(t))));
    const axisCell = el('div', undefined, 'row-plot');
    axisCell.append(scale);
    grid.append(el('div', undefined, 'row-label'), axisCell);
    s.append(grid);
  }

  function divergenceChart(m) {
    const s = section('divergence', 'Divergence rate per variant and model', 'Share of determined samples whose action contradicts the action their stated values imply, with the 95% Wilson interval.');
    const rows = m.divergence.map((d) => ({ label: `${d.variant} · ${d.model}`, value: d.rate, low: d.low, high: d.high, series: m.models.indexOf(d.model), note: d.rate === null ? 'no determined sample' : `${num(d.rate)} [${num(d.low)}, ${num(d.high)}] (${d.count}/${d.n})` }));
    for (const d of m.divergenceByModel) rows.push({ label: `all variants · ${d.model}`, value: d.rate, low: d.low, high: d.high, series: m.models.indexOf(d.model), note: d.rate === null ? 'no determined sample' : `${num(d.rate)} [${num(d.low)}, ${num(d.high)}] (${d.count}/${d.n})` });
    intervalRows(s, rows, { lo: 0, hi: 1, cls: 'divergence' });
  }

  /** One line per model x variant across the values, on the 0..1 normalised scale. */
  function profileChart(m) {
    const s = section('profiles', 'Stated-score profiles', 'Mean stated score of each value, normalised to 0..1 (0.5 is the scale midpoint: above it the value is held).');
    const left = 36, top = 14, h = 160, step = Math.max(24, Math.min(160, (available() - left - 20) / Math.max(1, m.values.length)));
    const width = Math.ceil(left + step * m.values.length + 20);
    const svg = chartSvg(width, top + h, 'stated-score profiles');
    axis(svg, left, top, h, width);
    const below = categoryLabels(svg, m.values.map((v, i) => ({ x: left + step * (i + 0.5), text: v })), top + h + 4, step);
    svg.setAttribute('height', String(top + h + 4 + below));
    svg.setAttribute('viewBox', `0 0 ${width} ${top + h + 4 + below}`);
    const names = [];
    m.profiles.forEach((p, k) => {
      names.push(`${p.variant} · ${p.model}`);
      const pts = p.points.map((q, i) => (q.mean === null ? null : [left + step * (i + 0.5), top + h - q.mean * h]));
      const drawn = pts.filter(Boolean);
      if (drawn.length > 1) svg.append(svgEl('polyline', { class: `profile ${colour(k)}`, points: drawn.map((xy) => xy.join(',')).join(' ') }));
      pts.forEach((xy, i) => {
        if (!xy) return;
        const c = svgEl('circle', { class: `point profile ${colour(k)}`, cx: xy[0], cy: xy[1], r: 3.5 });
        c.append(svgEl('title', {}, `${p.variant} · ${p.model} · ${p.points[i].value}: ${num(p.points[i].mean)} (n = ${p.points[i].n})`));
        svg.append(c);
      });
    });
    s.append(svg, legend(names));
    fit(svg);
  }

  function pathChart(m) {
    const s = section('paths', 'Path estimates (composite model)', 'Coefficient of each standardised stated value on the action, with its bootstrap 95% interval; the expected sign is in brackets.');
    if (m.paths.length) {
      const ext = Math.max(1, ...m.paths.flatMap((p) => [Math.abs(p.estimate), Math.abs(p.low ?? 0), Math.abs(p.high ?? 0)]));
      const rows = m.paths.map((p) => ({ label: `${p.value} (${p.expected > 0 ? '+' : '−'}) · ${p.model}`, value: p.estimate, low: p.low, high: p.high, series: m.models.indexOf(p.model), note: `${num(p.estimate)} [${num(p.low)}, ${num(p.high)}] p ${p.p < 0.001 ? '< 0.001' : `= ${num(p.p, 3)}`}` }));
      intervalRows(s, rows, { lo: -ext, hi: ext, zero: 0, cls: 'path' });
    }
    for (const f of m.pathFailures) s.append(el('p', `${f.model}: no path model: ${f.reason}`, 'note'));
    for (const f of m.pathFits ?? []) s.append(el('p', `${f.model}: ${f.estimator}; 95% bootstrap interval from ${f.bootstrap}`, 'note'));
    for (const pop of m.population ?? []) {
      s.append(el('p', `${pop.model}: stateless sessions, so no per-sample path model; per variant, the mean stated scores against the actions:`, 'note'));
      for (const line of pop.lines) s.append(el('p', line, 'note'));
    }
  }

  function vaarChart(m) {
    const s = section('vaar', 'VAAR per model', 'Value-Action Alignment Rate. confidence: mean bootstrap probability that each value-to-action path has its expected sign; sign: share of paths with the expected sign; strict: and p < 0.05. Chance p: probability that a respondent whose actions are unrelated to its values scores at least as high.');
    const pText = (p) => (p < 0.0001 ? '< 0.0001' : `= ${num(p, 3)}`);
    const detail = (v) => (v.form === 'confidence'
      ? `${num(v.vaar)} (${v.paths} paths, n = ${v.n}; chance p ${pText(v.chanceP)}${v.logLoss !== undefined ? `; log-loss ${num(v.logLoss, 3)}, chance p ${pText(v.logLossP)}` : ''})`
      : `${num(v.vaar)} (${v.agreeing}/${v.paths} paths, n = ${v.n}; chance p ${pText(v.chanceP)})`);
    const rows = m.vaar.map((v) => ({ label: `${v.model} · ${v.source} · ${v.form}`, value: v.vaar, low: null, high: null, series: m.models.indexOf(v.model), note: v.vaar === null ? `no value: ${v.failure}` : detail(v) }));
    intervalRows(s, rows, { lo: 0, hi: 1, cls: 'divergence' });
  }

  function semSection(m) {
    const s = section('sem', 'Latent model (MGSEM) fit');
    if (!m.sem.fit) {
      s.append(el('p', m.sem.fitted ? 'fitted elsewhere' : `not fitted: ${m.sem.reason || 'no reason given'}`, 'note'));
      return;
    }
    const f = m.sem.fit;
    const t = el('table');
    const rows = [['χ²', `${num(f.chisq)} (df ${f.df}, p ${num(f.pvalue, 3)})`], ['CFI', num(f.cfi, 3)], ['TLI', num(f.tli, 3)], ['RMSEA', `${num(f.rmsea, 3)} [${num(f.rmseaLow, 3)}, ${num(f.rmseaHigh, 3)}]`], ['SRMR', num(f.srmr, 3)], ['n', String(f.n)]];
    for (const [k, v] of rows) {
      const tr = el('tr');
      tr.append(el('th', k), el('td', v));
      t.append(tr);
    }
    if (m.sem.admissible === false) s.append(el('p', 'INADMISSIBLE: a check after the fit failed (below); the numbers are shown but not interpreted, and this fit gives no VAAR.', 'note inadmissible'));
    s.append(t);
    // The headline is the table above; the warnings and the paths follow as text (never markup).
    const lines = (m.sem.lines || []).slice(1);
    if (lines.length) {
      const ul = el('ul', undefined, 'sem-lines');
      for (const l of lines) ul.append(el('li', l));
      s.append(ul);
    }
  }

  function assertSection(m) {
    const s = section('asserts', 'Asserts');
    if (!m.asserts.length) {
      s.append(el('p', 'The scenario sets no assert thresholds.', 'note'));
      return;
    }
    const ul = el('ul', undefined, 'asserts');
    for (const a of m.asserts) ul.append(el('li', `${a.status.toUpperCase()} ${a.model}: ${a.message}${a.line ? ` (line ${a.line})` : ''}`, `assert ${a.status}`));
    s.append(ul);
  }

  /**
   * A table of text cells (never markup): a header row, then one row per entry, each row marked with
   * `rowClass`. A table of class `stack` turns each row into a block in a narrow panel (report.css).
   */
  function textTable(header, rows, cls, rowClass) {
    const t = el('table', undefined, `text-table ${cls}`);
    const head = el('tr');
    for (const h of header) head.append(el('th', h));
    t.append(head);
    for (const r of rows) {
      const tr = el('tr', undefined, rowClass);
      r.forEach((c, i) => {
        const td = el('td', c);
        td.dataset.label = header[i] ?? ''; // shown before the cell when a narrow panel stacks the row (report.css)
        tr.append(td);
      });
      t.append(tr);
    }
    return t;
  }

  /** The gap panel per model: the same rows as `dilemma analyze` (gapRows), then each value's distance beside its chance level. */
  function gapSection(m) {
    if (!m.gap || !m.gap.length) return;
    const s = section('gap', 'Gap panel: stated against enacted values', 'Per model: what was measured, on how many, what the same actions shuffled among the units give by chance, and how often chance does at least as well. The alignment rate is ValueActionLens\'s F1, not the VAAR of Chen et al.');
    for (const g of m.gap) {
      const div = el('div', undefined, 'gap-model');
      div.dataset.model = g.model;
      const word = g.unit === 'session' ? 'sessions' : 'variants (stateless sessions)';
      div.append(el('h3', `${g.model}: ${g.units} ${word}, ${g.pairs} value pairs`));
      if (g.failure) {
        div.append(el('p', `not computed: ${g.failure}`, 'note gap-failure'));
        s.append(div);
        continue;
      }
      div.append(textTable(['metric', 'value', 'n', 'chance', 'p (chance)'], g.rows.map((r) => [r.metric, r.value, r.n, r.chance, r.p]), 'gap stack', 'gap-row'));
      if (g.distances.length) {
        div.append(el('p', 'Alignment distance per value (lower is closer; the note gives the chance level):', 'note'));
        const hi = Math.max(1, ...g.distances.flatMap((d) => [d.distance, d.chance ?? 0]));
        intervalRows(div, g.distances.map((d) => ({ label: d.value, value: d.distance, low: null, high: null, series: m.models.indexOf(g.model),
          note: `${num(d.distance)} (n ${d.n}; chance ${num(d.chance)}, p ${d.p === null ? '–' : d.p < 0.001 ? '< 0.001' : num(d.p, 3)})` })), { lo: 0, hi, cls: 'divergence' });
      }
      s.append(div);
    }
  }

  /** The value hierarchies per model: the report's lines as text, and the declared, stated and revealed orders side by side. */
  function hierarchySection(m) {
    if (!m.hierarchy || !m.hierarchy.length) return;
    const s = section('hierarchy', 'Value hierarchy: declared, stated and revealed', 'Revealed: Bradley-Terry strengths from the decisions between values; declared: the arbitration rules\' rank; stated: the principle question\'s answers.');
    for (const h of m.hierarchy) {
      const div = el('div', undefined, 'hierarchy-model');
      div.dataset.model = h.model;
      div.append(el('h3', h.model));
      const orders = [];
      if (h.declared.length) orders.push(['declared', h.declared.join(' > ')]);
      if (h.stated.length) orders.push(['stated', h.stated.map((p) => p.value).join(' > ')]);
      orders.push(['revealed', h.revealed.length ? h.revealed.map((p) => p.value).join(' > ') : 'no fit (below)']);
      div.append(textTable(['order', 'strongest first'], orders, 'hierarchy-orders', 'hierarchy-order'));
      const ul = el('ul', undefined, 'hierarchy-lines');
      for (const line of h.lines) ul.append(el('li', line, 'hierarchy-line'));
      div.append(ul);
      s.append(div);
    }
  }

  /** The guard A/B per model (only when the run has guarded sessions): the report's table and its verdict. */
  function guardSection(m) {
    if (!m.guard || !m.guard.length) return;
    const s = section('guard', 'Guard A/B: without and with the arbitration rules as policy', 'Each session run twice, the second time with the arbitration rules stated to the model; paired tests.');
    for (const g of m.guard) {
      const div = el('div', undefined, 'guard-model');
      div.dataset.model = g.model;
      div.append(el('h3', g.model), textTable(g.header, g.rows, 'guard stack', 'guard-row'));
      div.append(el('p', `verdict: ${g.verdict}`, `guard-verdict ${g.verdict === 'no clear change' ? 'none' : g.verdict}`));
      div.append(el('p', g.summary, 'note guard-summary'));
      s.append(div);
    }
  }

  /** The model drawn last, and the width it was laid out for: a panel resized to another width redraws it. */
  let shown;
  let drawnWidth = 0;
  function render(m) {
    shown = m;
    drawnWidth = available();
    main.replaceChildren();
    /** @type {HTMLElement} */ (document.getElementById('title')).textContent = m.title;
    const runs = m.runs.map((r) => `${r.runId} (${r.sessions} sessions)`).join(', ');
    status.textContent = `${m.scenario} · ${m.models.length} model(s) · ${m.variants.length} variant(s) · run ${runs}`;
    actionsChart(m);
    divergenceChart(m);
    profileChart(m);
    pathChart(m);
    vaarChart(m);
    semSection(m);
    gapSection(m);
    hierarchySection(m);
    guardSection(m);
    assertSection(m);
    if (m.warnings.length) {
      const s = section('warnings', 'Warnings');
      for (const w of m.warnings) s.append(el('p', w, 'note'));
    }
    document.body.dataset.rendered = 'true';
    document.body.dataset.width = String(drawnWidth);
  }
  // Redraw at the new width once the panel has settled (one frame), not on every pixel of a drag.
  let pending = 0;
  new ResizeObserver(() => {
    if (!shown || pending) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      if (shown && available() !== drawnWidth) render(shown);
    });
  }).observe(main);

  window.addEventListener('message', (e) => {
    const msg = e.data;
    if (msg.type === 'report') {
      vscode.setState(msg.state);
      render(msg.model);
    } else if (msg.type === 'error') {
      status.textContent = msg.message;
      status.className = 'error';
    } else if (msg.type === 'exported') {
      status.textContent = `Exported ${msg.format} to ${msg.file}`;
    }
  });
  for (const format of ['markdown', 'json']) {
    /** @type {HTMLElement} */ (document.getElementById(`export-${format}`)).addEventListener('click', () => vscode.postMessage({ type: 'export', format }));
  }
  /** @type {HTMLElement} */ (document.getElementById('pick-run')).addEventListener('click', () => vscode.postMessage({ type: 'pickRun' }));
  vscode.postMessage({ type: 'ready' });
})();
