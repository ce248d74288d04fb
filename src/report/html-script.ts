import { SCRIPT_BASE } from './html-script-base.js'
import { SCRIPT_CHARTS } from './html-script-charts.js'
import { SCRIPT_LOAD } from './html-script-load.js'

/**
 * The dashboard script's last part: search, filters and sorting of the cards, the chart
 * controls (x axis, range, log scale, reset), and building the charts of the cards in
 * view, a few at a time, again when the theme or the log scale changes, and resizing
 * them with the page. `body[data-charts]` is `ready` once every visible card has its charts.
 */
const SCRIPT_MAIN = `
  var q = document.getElementById('q');
  var fileSel = document.getElementById('f-file');
  var verdictSel = document.getElementById('f-verdict');
  var sortSel = document.getElementById('sort');
  var xSel = document.getElementById('x-axis');
  var rangeSel = document.getElementById('range');
  var logBox = document.getElementById('log');
  var resetBtn = document.getElementById('reset-zoom');
  var shown = document.getElementById('shown');
  var none = document.getElementById('none');
  var list = document.getElementById('cards');
  if (!q || !fileSel || !verdictSel || !sortSel || !list) return;
  var cards = [];
  var heads = [];
  list.querySelectorAll('.card').forEach(function (el) { cards[Number(el.getAttribute('data-i'))] = el; });
  list.querySelectorAll('.file-head').forEach(function (el) { heads[Number(el.getAttribute('data-f'))] = el; });

  var HAVE_CHARTS = typeof uPlot === 'function';
  /** Charts by card: { kind: [chart, element, test] }. */
  var built = [];
  var queue = [];
  var timer = null;

  function buildCard(i) {
    var t = tests[i], card = cards[i];
    if (!t || !card || built[i]) return;
    var made = {};
    card.querySelectorAll('.plot[data-chart]').forEach(function (el) {
      var kind = el.getAttribute('data-chart');
      while (el.firstChild) el.removeChild(el.firstChild);
      var u = null;
      if (kind === 'dist' && t.raw) u = distChart(el, t, !!t.ab);
      else if (kind === 'ab' && t.ab) u = abChart(el, t);
      else if (kind === 'lat' && t.load) u = latencyChart(el, t, card);
      else if (kind === 'scale' && t.load && t.load.scale) u = scalingChart(el, t);
      else if (t[kind]) u = historyChart(el, t, kind, card);
      if (u) made[kind] = { u: u, el: el, t: t };
    });
    built[i] = made;
    if (rangeSel && rangeSel.value !== 'all') applyRange(made);
  }
  function pump() {
    timer = null;
    var n = 0;
    while (queue.length && n < 8) {
      var i = queue.shift();
      if (cards[i] && !cards[i].hidden) { buildCard(i); n++; }
    }
    if (queue.length) timer = setTimeout(pump, 0);
    else document.body.setAttribute('data-charts', 'ready');
  }
  function buildVisible() {
    if (!HAVE_CHARTS) { document.body.setAttribute('data-charts', 'none'); return; }
    cards.forEach(function (card, i) { if (card && !card.hidden && !built[i] && queue.indexOf(i) === -1) queue.push(i); });
    if (queue.length) document.body.setAttribute('data-charts', 'building');
    if (!timer) timer = setTimeout(pump, 0);
  }
  function rebuildAll() {
    built.forEach(function (made) { if (made) Object.keys(made).forEach(function (k) { made[k].u.destroy(); }); });
    built = [];
    queue = [];
    buildVisible();
  }
  function applyRange(made) {
    Object.keys(made).forEach(function (k) {
      if (k === 'dist' || k === 'ab' || k === 'scale') return;
      var c = made[k];
      var xs = c.u.data[0];
      var r = rangeOf(c.u, xs, c.t, rangeSel ? rangeSel.value : 'all');
      // Everything: the chart's own automatic range, as a double click gives it.
      if (r) c.u.setScale('x', r);
      else c.u.setData(c.u.data, true);
    });
  }

  function verdictMatches(t, want) {
    if (want === 'all') return true;
    if (want === 'failing') return t.failing;
    var parts = want.split(':');
    return t.kind === parts[0] && (parts.length < 2 || t.severity === parts[1]);
  }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function order(mode) {
    var idx = tests.map(function (_, i) { return i; });
    if (mode === 'worst') idx.sort(function (a, b) { return tests[a].worst - tests[b].worst; });
    if (mode === 'ratio') {
      idx.sort(function (a, b) {
        var ra = tests[a].ratio == null ? -1 : tests[a].ratio;
        var rb = tests[b].ratio == null ? -1 : tests[b].ratio;
        return rb - ra || a - b;
      });
    }
    if (mode === 'name') {
      idx.sort(function (a, b) { return cmp(tests[a].name.toLowerCase(), tests[b].name.toLowerCase()) || a - b; });
    }
    return idx;
  }
  function apply() {
    var needle = q.value.trim().toLowerCase();
    var file = fileSel.value;
    var verdict = verdictSel.value;
    var mode = sortSel.value;
    var visible = 0;
    var perFile = {};
    var prev = -1;
    order(mode).forEach(function (i) {
      var t = tests[i];
      var card = cards[i];
      if (!t || !card) return;
      var ok = (file === 'all' || String(t.file) === file) && verdictMatches(t, verdict) &&
        (needle === '' || t.search.toLowerCase().indexOf(needle) !== -1);
      card.hidden = !ok;
      if (ok) { visible++; perFile[t.file] = (perFile[t.file] || 0) + 1; }
      if (mode === 'file' && t.file !== prev && heads[t.file]) { list.appendChild(heads[t.file]); prev = t.file; }
      list.appendChild(card);
    });
    heads.forEach(function (h, f) { if (h) h.hidden = mode !== 'file' || !perFile[f]; });
    if (shown) shown.textContent = visible + ' of ' + tests.length + ' tests shown';
    if (none) none.hidden = visible !== 0 || tests.length === 0;
    document.body.setAttribute('data-visible', String(visible));
    buildVisible();
  }
  q.addEventListener('input', apply);
  fileSel.addEventListener('change', apply);
  verdictSel.addEventListener('change', apply);
  sortSel.addEventListener('change', apply);
  document.querySelectorAll('.tile[data-filter]').forEach(function (tile) {
    tile.addEventListener('click', function () {
      verdictSel.value = tile.getAttribute('data-filter') || 'all';
      apply();
    });
  });
  if (xSel) xSel.addEventListener('change', function () { state.xmode = xSel.value === 'run' ? 'run' : 'time'; rebuildAll(); });
  if (logBox) logBox.addEventListener('change', function () { state.log = logBox.checked; document.body.setAttribute('data-log', state.log ? '1' : '0'); rebuildAll(); });
  if (rangeSel) rangeSel.addEventListener('change', function () { built.forEach(function (made) { if (made) applyRange(made); }); });
  if (resetBtn) resetBtn.addEventListener('click', function () { if (rangeSel) rangeSel.value = 'all'; built.forEach(function (made) { if (made) applyRange(made); }); });
  var dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  if (dark && dark.addEventListener) dark.addEventListener('change', rebuildAll);
  var resizing = false;
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(function () {
      if (resizing) return;
      resizing = true;
      requestAnimationFrame(function () {
        resizing = false;
        built.forEach(function (made) {
          if (!made) return;
          Object.keys(made).forEach(function (k) {
            var c = made[k];
            var w = Math.max(120, c.el.clientWidth);
            if (w !== c.u.width) c.u.setSize({ width: w, height: c.u.height });
          });
        });
      });
    }).observe(list);
  }
  apply();
`

/**
 * The dashboard's script. Static text: the data it works on is read from
 * `<script type="application/json" id="perf-data">` with JSON.parse, and it only moves
 * and hides existing elements, draws on canvases and sets textContent (never innerHTML),
 * so no string from the data can become markup.
 *
 * Must never contain the characters `</` followed by `script`.
 */
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
${SCRIPT_BASE}${SCRIPT_CHARTS}${SCRIPT_LOAD}${SCRIPT_MAIN}
})();
`
