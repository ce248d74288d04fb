/**
 * The dashboard's script: search, filters and sorting. Static text: the data it
 * works on is read from `<script type="application/json" id="perf-data">` with
 * JSON.parse, and it only moves and hides existing elements and sets textContent
 * (never innerHTML), so no string from the data can become markup.
 *
 * Must never contain the characters `</` followed by `script`.
 */
export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('perf-data').textContent || '{}');
  var tests = data.tests || [];
  var q = document.getElementById('q');
  var fileSel = document.getElementById('f-file');
  var verdictSel = document.getElementById('f-verdict');
  var sortSel = document.getElementById('sort');
  var shown = document.getElementById('shown');
  var none = document.getElementById('none');
  var list = document.getElementById('cards');
  if (!q || !fileSel || !verdictSel || !sortSel || !list) return;
  var cards = [];
  var heads = [];
  list.querySelectorAll('.card').forEach(function (el) { cards[Number(el.getAttribute('data-i'))] = el; });
  list.querySelectorAll('.file-head').forEach(function (el) { heads[Number(el.getAttribute('data-f'))] = el; });

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
    var idx = order(mode);
    var prev = -1;
    idx.forEach(function (i) {
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
  apply();
})();
`
