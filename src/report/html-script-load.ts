/**
 * The dashboard script's charts of a load test, drawn with uPlot like the others (same
 * x-axis, range, zoom, log scale and tooltip): its latency percentiles over the runs, with
 * baseline runs as filled points, compare runs hollow and this run large, ringed in the
 * current run's colour on a line of its own; and, with several levels, this run's throughput
 * per level against the baseline's medians, with the efficiency of each level on a second axis.
 * Runs inside the script's function after SCRIPT_CHARTS; static text, never containing `</`
 * followed by `script`.
 */
export const SCRIPT_LOAD = `
  HEIGHT.lat = 170;
  HEIGHT.scale = 160;
  var PCT = { p50: 'p50', p90: 'p90', p95: 'p95', p99: 'p99', max: 'max' };
  function fmtRate(v) {
    if (v == null || !isFinite(v)) return '—';
    var a = Math.abs(v);
    return a >= 999500 ? sig3(v / 1e6) + 'M/s' : a >= 999.5 ? sig3(v / 1e3) + 'k/s' : sig3(v) + '/s';
  }
  function fmtPct(v) { return v == null || !isFinite(v) ? '—' : Math.round(v * 100) + '%'; }
  /** A press and release in one place selects the run under the cursor (a press that moves zooms). */
  function clickable(u, card, t, value) {
    var down = null;
    u.over.addEventListener('mousedown', function (e) { down = [e.clientX, e.clientY]; });
    u.over.addEventListener('mouseup', function (e) {
      var j = u.cursor.idx;
      if (down && Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) < 4 && j != null) select(card, t, j, 'lat', value(j));
      down = null;
    });
  }
  function circle(ctx, x, y, r) { ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); }

  /** The latency percentiles of a load test over its runs. */
  function latencyChart(el, t, card) {
    var th = theme();
    var lat = t.load.lat;
    var last = t.r.length - 1;
    var isCur = function (j) { return j === last && t.r[j] === currentRun; };
    var colours = {};
    lat.forEach(function (s) { colours[s.k] = cssVar('--' + s.k) || th.line; });
    var opts = base(el, 'lat', th);
    var all = [];
    lat.forEach(function (s) { s.v.forEach(function (y) { if (y != null) all.push(y); }); });
    opts.scales = { x: { time: state.xmode === 'time', range: xRange }, y: { distr: state.log ? 3 : 1, log: 10, range: yRange(t.load.p95 != null ? [t.load.p95] : []) } };
    opts.axes = [xAxis(th, t), axis(th, fmtNs, 58)];
    opts.axes[1].space = 30;
    opts.series = [{}].concat(lat.map(function (s) {
      return { label: PCT[s.k], stroke: colours[s.k], width: s.k === 'p95' ? 2 : 1.3, dash: s.k === 'max' ? [4, 3] : undefined, spanGaps: true, points: { show: false } };
    }));
    opts.hooks.drawClear = [function (u) {
      var ctx = u.ctx, bb = u.bbox;
      ctx.save();
      ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
      if (isCur(last)) {
        // This run: a band down the chart at its place on the x-axis.
        var x = u.valToPos(u.data[0][last], 'x', true), w = 10 * uPlot.pxRatio;
        ctx.fillStyle = th['fill-cur']; ctx.fillRect(x - w / 2, bb.top, w, bb.height);
      }
      if (t.load.p95 != null) {
        var y = u.valToPos(t.load.p95, 'y', true);
        ctx.strokeStyle = colours.p95 || th['band-line']; ctx.lineWidth = uPlot.pxRatio; ctx.setLineDash([2 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
        ctx.beginPath(); ctx.moveTo(bb.left, y); ctx.lineTo(bb.left + bb.width, y); ctx.stroke();
      }
      ctx.restore();
    }];
    opts.hooks.draw = [function (u) {
      var ctx = u.ctx, px = uPlot.pxRatio;
      ctx.save();
      lat.forEach(function (s) {
        var c = colours[s.k];
        s.v.forEach(function (y, j) {
          if (y == null) return;
          var x = u.valToPos(u.data[0][j], 'x', true), yy = u.valToPos(y, 'y', true);
          if (isCur(j)) {
            circle(ctx, x, yy, 4.5 * px); ctx.fillStyle = c; ctx.fill();
            ctx.lineWidth = 2 * px; ctx.strokeStyle = th.cur; ctx.stroke();
          } else if (runs[t.r[j]].m === 'b') {
            circle(ctx, x, yy, 2.5 * px); ctx.fillStyle = c; ctx.fill();
          } else {
            circle(ctx, x, yy, 3 * px); ctx.fillStyle = th.card; ctx.fill();
            ctx.lineWidth = 1.4 * px; ctx.strokeStyle = c; ctx.stroke();
          }
        });
      });
      ctx.restore();
    }];
    var values = function (j) {
      return lat.filter(function (s) { return s.v[j] != null; }).map(function (s) { return PCT[s.k] + ' ' + fmtNs(s.v[j]); });
    };
    onHover(opts, function (j) {
      var run = runs[t.r[j]];
      var parts = values(j);
      if (!run || parts.length === 0) return null;
      var lines = [parts[0]].concat([parts.slice(1).join(' · ')]);
      if (t.load.p95 != null) lines.push('baseline p95 ' + fmtNs(t.load.p95) + ' (median)');
      return lines.concat([runWords(t, j), commitWords(run), fmtTime(run.t)]);
    });
    var u = new uPlot(opts, [xValues(t)].concat(lat.map(function (s) { return s.v; })), el);
    clickable(u, card, t, function (j) { return values(j).join(' · '); });
    return u;
  }

  /** Throughput per level of this run against the baseline's medians, and the efficiency of each level. */
  function scalingChart(el, t) {
    var th = theme();
    var sc = t.load.scale;
    var xs = sc.x;
    var spread = xs.length > 1 && xs[0] > 0 && xs[xs.length - 1] / xs[0] >= 4;
    var opts = base(el, 'scale', th);
    opts.padding = [8, 4, 0, 2];
    opts.cursor.drag = { x: false, y: false };
    var ys = sc.cur.concat(sc.base || []);
    opts.scales = {
      x: { time: false, distr: spread ? 3 : 1, log: 2, range: function (u, min, max) { return spread ? [min / 1.3, max * 1.3] : [min - (max - min) * 0.06 - 0.5, max + (max - min) * 0.06 + 0.5]; } },
      y: { range: function () { var hi = Math.max.apply(null, ys.concat([1])); return [0, hi * 1.12]; } },
      eff: { range: function () { var e = (sc.eff || []).concat(sc.baseEff || []).filter(function (v) { return v != null; }); return [0, Math.max(1.1, Math.max.apply(null, e.concat([0])) * 1.1)]; } },
    };
    opts.axes = [axis(th, function (v) { return xs.indexOf(v) !== -1 || !spread ? String(Number(v.toPrecision(3))) : ''; }, 30), axis(th, fmtRate, 56),
      { scale: 'eff', side: 1, stroke: th.muted, size: 40, grid: { show: false }, ticks: { stroke: th.grid, width: 1, size: 4 }, font: '11px system-ui, sans-serif', values: function (u, splits) { return splits.map(fmtPct); } }];
    opts.axes[0].splits = function () { return xs.slice(); };
    var line = function (stroke, width, dash, scale) {
      return { stroke: stroke, width: width, dash: dash, scale: scale, spanGaps: true, points: { show: true, size: dash ? 5 : 7, stroke: stroke, fill: dash ? th.card : stroke, width: 1.5 } };
    };
    // The baseline's lines first, so that this run's are drawn over them.
    opts.series = [{}, line(th.blue, 1.5, undefined, 'y'), line(th.cur, 2, undefined, 'y'), line(th.blue, 1.2, [5, 4], 'eff'), line(th.cur, 1.2, [5, 4], 'eff')];
    var none = xs.map(function () { return null; });
    onHover(opts, function (i) {
      var lines = [xs[i] + ' ' + sc.unit, 'this run: ' + fmtRate(sc.cur[i]) + (i > 0 ? ' · efficiency ' + fmtPct(sc.eff[i]) : '')];
      lines.push(sc.base ? 'baseline: ' + fmtRate(sc.base[i]) + (i > 0 ? ' · efficiency ' + fmtPct(sc.baseEff[i]) : '') : 'no baseline run measured these levels');
      return lines;
    });
    return new uPlot(opts, [xs, sc.base || none, sc.cur, sc.baseEff || none, sc.eff], el);
  }
`
