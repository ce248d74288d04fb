/**
 * The first part of the dashboard's script: the embedded data, number and time formats,
 * the theme's colours and the tooltip. Runs inside the script's function (see
 * html-script.ts); static text, never containing `</` followed by `script`.
 */
export const SCRIPT_BASE = `
  var data = JSON.parse(document.getElementById('perf-data').textContent || '{}');
  var tests = data.tests || [];
  var runs = data.runs || [];
  var REPO = typeof data.repo === 'string' && /^https:\\/\\/[A-Za-z0-9.-]+(?::\\d{1,5})?(?:\\/[A-Za-z0-9._~-]+)*$/.test(data.repo) ? data.repo : null;
  var currentRun = -1;
  runs.forEach(function (r, i) { if (r.id === data.run) currentRun = i; });

  function sig3(v) {
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  function scaled(v, units, step) {
    if (v == null || !isFinite(v)) return '—';
    var u = 0;
    while (u < units.length - 1 && Math.abs(Number(v.toPrecision(3))) >= step) { v /= step; u++; }
    return (u === 0 && step === 1024 ? String(Math.round(v)) : sig3(v)) + ' ' + units[u];
  }
  function fmtNs(v) { return scaled(v, ['ns', 'µs', 'ms', 's'], 1000); }
  function fmtBytes(v) { return scaled(v, ['B', 'KiB', 'MiB', 'GiB', 'TiB'], 1024); }
  function fmtRatio(v) { return v == null || !isFinite(v) ? '—' : v.toFixed(2) + '×'; }
  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function fmtTime(ms) {
    var d = new Date(ms);
    if (isNaN(d.getTime())) return '';
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + ' ' + pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ' UTC';
  }
  function shortCommit(c) { return c ? String(c).slice(0, 8) : ''; }
  function commitHref(c) { return REPO && typeof c === 'string' && /^[0-9a-f]{7,64}$/i.test(c) ? REPO + '/commit/' + c : null; }

  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  function theme() {
    var t = {};
    ['fg', 'muted', 'grid', 'line', 'blue', 'orange', 'red', 'yellow', 'green', 'cur', 'band', 'band-line', 'card', 'fill-base', 'fill-cur'].forEach(function (k) { t[k] = cssVar('--' + k); });
    return t;
  }

  var tip = document.createElement('div');
  tip.id = 'tip';
  tip.hidden = true;
  tip.setAttribute('role', 'tooltip');
  document.body.appendChild(tip);
  /** Shows lines of text (the first one bold) next to a point of the page; textContent only. */
  function showTip(lines, x, y) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    lines.forEach(function (text, i) {
      if (!text) return;
      var div = document.createElement('div');
      div.className = i === 0 ? 'tv' : 'tk';
      div.textContent = text;
      tip.appendChild(div);
    });
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = x + 14, top = y + 14;
    if (left + w > window.innerWidth - 4) left = Math.max(4, x - w - 14);
    if (top + h > window.innerHeight - 4) top = Math.max(4, y - h - 14);
    tip.style.left = left + 'px';
    tip.style.top = top + 'px';
  }
  function hideTip() { tip.hidden = true; }

  /** What a run is, for tooltips and the selected-run line. */
  function runWords(t, j) {
    var run = runs[t.r[j]];
    if (!run) return '';
    if (t.r[j] === currentRun) return 'this run: ' + t.verdict;
    return run.m === 'b' ? 'baseline run' : 'compare run';
  }
  function commitWords(run) {
    var parts = [];
    if (run.c) parts.push('commit ' + shortCommit(run.c));
    if (run.br) parts.push('branch ' + run.br);
    return parts.join(' · ');
  }
`
