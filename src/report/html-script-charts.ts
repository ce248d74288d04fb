/**
 * The dashboard script's charts, drawn with uPlot: a test's history of one metric
 * (its own scale, the baseline band, the current run, a ring only where that metric has
 * a finding), the distribution of the current run's iterations against the baseline's,
 * and the per-process ratios of an A/B run. Runs inside the script's function after
 * SCRIPT_BASE; static text, never containing `</` followed by `script`.
 *
 * Every chart element gets `data-xmin`/`data-xmax` (its x-scale) and `data-ylog`, which
 * the browser test reads.
 */
export const SCRIPT_CHARTS = `
  var state = { xmode: 'time', log: false };
  var HEIGHT = { wall: 180, cpu: 100, heap: 100, rss: 100, dist: 130, ab: 130 };
  var LABEL = { wall: 'Wall time', cpu: 'CPU time', heap: 'Heap', rss: 'RSS' };

  function xValues(t) {
    return state.xmode === 'time' ? t.r.map(function (ri) { return runs[ri].t / 1000; }) : t.r.map(function (_, i) { return i; });
  }
  /** A y-range that spans at least 20% of its middle, so that a few percent of noise stays a few percent of the height. */
  function yRange(extra) {
    return function (u, min, max) {
      (extra || []).forEach(function (v) { if (v != null && isFinite(v)) { min = min == null ? v : Math.min(min, v); max = max == null ? v : Math.max(max, v); } });
      if (min == null || max == null) return [0, 1];
      var mid = (min + max) / 2, need = Math.abs(mid) * 0.2 || 1;
      if (max - min < need) { min = mid - need / 2; max = mid + need / 2; }
      var pad = (max - min) * 0.08, lo = min - pad, hi = max + pad;
      if (state.log) { if (lo <= 0) lo = min > 0 ? min / 1.25 : 1; }
      else if (lo < 0 && min >= 0) lo = 0;
      return [lo, hi];
    };
  }
  function xRange(u, min, max) {
    if (min == null || max == null) return [0, 1];
    // One run: uPlot widens a time scale by 86400 / ms, which is years for timestamps in seconds.
    var xs = u.data && u.data[0];
    if (xs && xs.length && xs[0] === xs[xs.length - 1]) min = max = xs[0];
    var time = state.xmode === 'time';
    if (!(max > min)) return time ? [min - 3600, max + 3600] : [min - 1, max + 1];
    var pad = Math.max((max - min) * 0.04, time ? 5 : 0.4);
    return [min - pad, max + pad];
  }
  function axis(th, fmt, size) {
    return { stroke: th.muted, size: size, grid: { stroke: th.grid, width: 1 }, ticks: { stroke: th.grid, width: 1, size: 4 },
      font: '11px system-ui, sans-serif', values: fmt ? function (u, splits) { return splits.map(fmt); } : undefined };
  }
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** Time ticks in UTC: hours and minutes (and seconds, under a minute apart) with the date below where it changes; dates a day or more apart. */
  function timeValues(u, splits, ax, space, incr) {
    var prev = null;
    return splits.map(function (s) {
      var d = new Date(s * 1000);
      var day = MONTHS[d.getUTCMonth()] + ' ' + d.getUTCDate();
      var year = String(d.getUTCFullYear());
      var text;
      var hm = pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + (incr < 60 ? ':' + pad2(d.getUTCSeconds()) : '');
      if (incr < 86400) text = hm + (day !== prev ? '\\n' + day : '');
      else text = day + (prev === null || year !== prev.slice(-4) ? '\\n' + year : '');
      prev = incr < 86400 ? day : day + ' ' + year;
      return text;
    });
  }
  function xAxis(th, t) {
    var a = axis(th, null, 40);
    a.space = 64;
    if (state.xmode === 'time') a.values = timeValues;
    if (state.xmode === 'run') {
      a.incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500];
      a.values = function (u, splits) {
        return splits.map(function (s) { var run = runs[t.r[s]]; return Number.isInteger(s) && run ? (run.c ? shortCommit(run.c).slice(0, 7) : '#' + (s + 1)) : ''; });
      };
    }
    return a;
  }
  function marks(el, u) {
    el.setAttribute('data-xmin', String(Math.round(u.scales.x.min)));
    el.setAttribute('data-xmax', String(Math.round(u.scales.x.max)));
    el.setAttribute('data-ylog', state.log ? '1' : '0');
  }
  function noPath() { return null; }
  function dots(stroke, fill, size, width) {
    return { stroke: stroke, width: width, paths: noPath, points: { show: true, size: size, stroke: stroke, fill: fill, width: width } };
  }
  function base(el, kind, th) {
    return {
      width: Math.max(120, el.clientWidth), height: HEIGHT[kind], legend: { show: false }, padding: [8, 16, 0, 2],
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      cursor: { drag: { x: true, y: false, setScale: true, dist: 5 }, points: { size: 8, fill: th.card, width: 2 } },
      hooks: { setScale: [function (u, key) { if (key === 'x') marks(el, u); }], ready: [function (u) { marks(el, u); }] },
    };
  }
  /** Adds a tooltip to a chart's options: \`lines(idx)\` gives its text for the point under the cursor. */
  function onHover(opts, lines) {
    opts.hooks.setCursor = [function (self) {
      var idx = self.cursor.idx;
      if (idx == null || self.cursor.left == null || self.cursor.left < 0) { hideTip(); return; }
      var text = lines(idx);
      if (!text) { hideTip(); return; }
      var rect = self.over.getBoundingClientRect();
      showTip(text, rect.left + self.cursor.left, rect.top + self.cursor.top);
    }];
    opts.hooks.ready.push(function (self) { self.over.addEventListener('mouseleave', hideTip); });
  }

  /** One metric over the test's runs. */
  function historyChart(el, t, kind, card) {
    var th = theme();
    var ys = t[kind];
    var fmt = kind === 'heap' || kind === 'rss' ? fmtBytes : fmtNs;
    var last = ys.length - 1;
    var isCur = function (j) { return j === last && t.r[j] === currentRun; };
    var pick = function (want) { return ys.map(function (y, j) { var m = runs[t.r[j]].m; return !isCur(j) && m === want ? y : null; }); };
    var cur = ys.map(function (y, j) { return isCur(j) ? y : null; });
    var b = kind === 'wall' ? t.band : null;
    var opts = base(el, kind, th);
    opts.scales = { x: { time: state.xmode === 'time', range: xRange }, y: { distr: state.log ? 3 : 1, log: 10, range: yRange(b ? [b.line, b.lo, b.hi] : []) } };
    opts.axes = [xAxis(th, t), axis(th, fmt, kind === 'wall' ? 58 : 54)];
    opts.axes[1].space = kind === 'wall' ? 30 : 20;
    opts.series = [{}, { stroke: th.line, width: 1.2, spanGaps: true, points: { show: false } },
      dots(th.blue, th.blue, 6, 1), dots(th.orange, th.card, 7, 1.6), dots(th.cur, th.cur, 9, 1.5)];
    opts.hooks.drawClear = [function (u) {
      if (!b) return;
      var ctx = u.ctx, bb = u.bbox;
      ctx.save();
      ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
      if (b.lo != null && b.hi != null) {
        var y0 = u.valToPos(b.lo, 'y', true), y1 = u.valToPos(b.hi, 'y', true);
        ctx.fillStyle = th.band;
        ctx.fillRect(bb.left, Math.min(y0, y1), bb.width, Math.abs(y0 - y1));
      }
      var yl = u.valToPos(b.line, 'y', true);
      ctx.strokeStyle = th['band-line']; ctx.lineWidth = uPlot.pxRatio; ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
      ctx.beginPath(); ctx.moveTo(bb.left, yl); ctx.lineTo(bb.left + bb.width, yl); ctx.stroke();
      ctx.restore();
    }];
    var ring = t.rings[kind];
    if (ring) el.setAttribute('data-ring', ring); else el.removeAttribute('data-ring');
    opts.hooks.draw = [function (u) {
      if (!ring || cur[last] == null) return;
      var x = u.valToPos(u.data[0][last], 'x', true), y = u.valToPos(cur[last], 'y', true);
      var ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = ring === 'fail' ? th.red : th.yellow; ctx.lineWidth = 2 * uPlot.pxRatio;
      ctx.beginPath(); ctx.arc(x, y, 8 * uPlot.pxRatio, 0, 2 * Math.PI); ctx.stroke();
      ctx.restore();
    }];
    onHover(opts, function (j) {
      var run = runs[t.r[j]];
      if (!run || ys[j] == null) return null;
      return [LABEL[kind] + ' ' + fmt(ys[j]), runWords(t, j), commitWords(run), fmtTime(run.t)];
    });
    var u = new uPlot(opts, [xValues(t), ys, pick('b'), pick('c'), cur], el);
    // A click is a press and release in one place (uPlot turns presses that move into a zoom).
    var down = null;
    u.over.addEventListener('mousedown', function (e) { down = [e.clientX, e.clientY]; });
    u.over.addEventListener('mouseup', function (e) {
      var j = u.cursor.idx;
      if (down && Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) < 4 && j != null) select(card, t, j, kind, ys[j] == null ? '' : LABEL[kind] + ' ' + fmt(ys[j]));
      down = null;
    });
    return u;
  }

  /** The selected run under a card: its value, kind, commit (a link when the repository is known), branch and time. */
  function select(card, t, j, kind, value) {
    var sel = card.querySelector('.sel');
    var run = runs[t.r[j]];
    if (!sel || !run) return;
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    var add = function (text) { sel.appendChild(document.createTextNode(text)); };
    add((value ? value + ' · ' : '') + runWords(t, j) + ' · ' + fmtTime(run.t));
    if (run.c) {
      add(' · commit ');
      var href = commitHref(run.c);
      var node = document.createElement(href ? 'a' : 'code');
      if (href) { node.setAttribute('href', href); node.setAttribute('rel', 'noreferrer'); }
      node.textContent = shortCommit(run.c);
      sel.appendChild(node);
    }
    if (run.br) add(' · branch ' + run.br);
    add(' · run ' + String(run.id).slice(0, 8));
    sel.hidden = false;
  }

  function quantile(sorted, q) { return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]; }
  /** Shares of iterations (%) in bins between the 0.5% and 99.5% quantiles of both sides (outliers in the end bins). */
  function histogram(cur, baseline, n) {
    var all = cur.concat(baseline).sort(function (a, b) { return a - b; });
    var lo = quantile(all, 0.005), hi = quantile(all, 0.995);
    if (!(hi > lo)) { lo = lo * 0.99; hi = hi * 1.01 + 1; }
    var logBins = state.log && lo > 0;
    var edge = function (i) { return logBins ? lo * Math.pow(hi / lo, i / n) : lo + ((hi - lo) * i) / n; };
    var xs = [];
    for (var i = 0; i <= n; i++) xs.push(edge(i));
    var share = function (values) {
      var c = xs.map(function () { return 0; });
      values.forEach(function (v) {
        var k = logBins ? Math.floor((Math.log(v / lo) / Math.log(hi / lo)) * n) : Math.floor(((v - lo) / (hi - lo)) * n);
        c[Math.max(0, Math.min(n - 1, isFinite(k) ? k : 0))]++;
      });
      // The last edge repeats the last bin, so that the step reaches the end of the axis.
      if (!values.length) return c.map(function () { return null; });
      c[n] = c[n - 1];
      return c.map(function (x) { return (100 * x) / values.length; });
    };
    return [xs, share(baseline), share(cur)];
  }
  function distChart(el, t, ab) {
    var th = theme();
    var h = histogram(t.raw.cur, t.raw.base, 28);
    var opts = base(el, 'dist', th);
    opts.padding = [8, 22, 0, 2];
    opts.scales = { x: { time: false, distr: state.log && h[0][0] > 0 ? 3 : 1, log: 10 }, y: { range: function (u, min, max) { return [0, Math.max(1, (max || 0) * 1.12)]; } } };
    opts.axes = [axis(th, fmtNs, 30), axis(th, function (v) { return v.toFixed(0) + '%'; }, 40)];
    opts.axes[0].space = 70;
    var steps = uPlot.paths.stepped({ align: 1 });
    opts.series = [{}, { stroke: th.blue, fill: th['fill-base'], width: 1.2, paths: steps, points: { show: false } },
      { stroke: th.cur, fill: th['fill-cur'], width: 1.5, paths: steps, points: { show: false } }];
    var baseName = ab ? 'base' : 'baseline';
    var curName = ab ? 'head' : 'this run';
    onHover(opts, function (i) {
      if (i >= h[0].length - 1) return null;
      return [fmtNs(h[0][i]) + ' – ' + fmtNs(h[0][i + 1]), curName + ': ' + (h[2][i] == null ? '—' : h[2][i].toFixed(1) + '% of ' + t.raw.cur.length + ' iterations'),
        baseName + ': ' + (h[1][i] == null ? '—' : h[1][i].toFixed(1) + '% of ' + t.raw.base.length + ' iterations')];
    });
    return new uPlot(opts, h, el);
  }
  function abChart(el, t) {
    var th = theme();
    var per = t.ab.per;
    var xs = per.map(function (_, i) { return i + 1; });
    var opts = base(el, 'ab', th);
    opts.scales = { x: { time: false, range: function (u, min, max) { return [min - 0.6, max + 0.6]; } }, y: { range: yRange([1, t.ab.lo, t.ab.hi]) } };
    opts.axes = [axis(th, function (v) { return Number.isInteger(v) ? '#' + v : ''; }, 30), axis(th, fmtRatio, 48)];
    opts.axes[0].incrs = [1, 2, 5, 10, 20, 50];
    opts.series = [{}, dots(th.cur, th.cur, 7, 1)];
    opts.hooks.drawClear = [function (u) {
      var ctx = u.ctx, bb = u.bbox;
      var y0 = u.valToPos(t.ab.lo, 'y', true), y1 = u.valToPos(t.ab.hi, 'y', true), y = u.valToPos(1, 'y', true);
      ctx.save();
      ctx.fillStyle = th['fill-cur']; ctx.fillRect(bb.left, Math.min(y0, y1), bb.width, Math.abs(y0 - y1));
      ctx.strokeStyle = th.muted; ctx.lineWidth = uPlot.pxRatio; ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
      ctx.beginPath(); ctx.moveTo(bb.left, y); ctx.lineTo(bb.left + bb.width, y); ctx.stroke();
      ctx.restore();
    }];
    onHover(opts, function (i) { return ['process ' + (i + 1) + ': head/base ' + fmtRatio(per[i]), 'estimate ' + fmtRatio(t.ab.ratio) + ', interval ' + fmtRatio(t.ab.lo) + '–' + fmtRatio(t.ab.hi)]; });
    return new uPlot(opts, [xs, per], el);
  }

  /** The x-range of a history chart for the range control: the last N runs or days, or everything. */
  function rangeOf(u, xs, t, range) {
    var n = xs.length;
    if (range === 'all' || n === 0) return null;
    var parts = range.split(':'), k = Number(parts[1]);
    var first = 0;
    if (parts[0] === 'runs') first = Math.max(0, n - k);
    else {
      var since = runs[t.r[n - 1]].t - k * 86400000;
      while (first < n - 1 && runs[t.r[first]].t < since) first++;
    }
    var r = xRange(u, xs[first], xs[n - 1]);
    return { min: r[0], max: r[1] };
  }
`
