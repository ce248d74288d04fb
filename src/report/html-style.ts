/**
 * The dashboard's stylesheet: light and dark themes (from `prefers-color-scheme`), system
 * fonts, a grid of cards as wide as the window allows. The charts read their colours from
 * the custom properties here. Static text (no data).
 */
export const DASHBOARD_STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--bg:#f6f8fa;--card:#fff;--red:#cf222e;--orange:#bc4c00;
--yellow:#9a6700;--green:#1a7f37;--blue:#0969da;--gray:#818b98;--grid:#eaeef2;--line:#afb8c1;--band:rgba(45,164,78,.13);
--band-line:#2da44e;--cur:#8250df;--tip:#fff;--select:rgba(9,105,218,.12);--soft-red:#ffebe9;--soft-green:#dafbe1;--soft-yellow:#fff8c5;
--soft-blue:#ddf4ff;--soft-gray:#eff2f5;--fill-base:rgba(9,105,218,.22);--fill-cur:rgba(130,80,223,.3);
--p50:#7cc7b9;--p90:#3aa39a;--p95:#147a80;--p99:#0b4d68;--max:#8c959f}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--bg:#0d1117;--card:#151b23;--red:#f85149;
--orange:#f0883e;--yellow:#d29922;--green:#3fb950;--blue:#4493f8;--gray:#656c76;--grid:#262c36;--line:#4d5561;--band:rgba(63,185,80,.14);
--band-line:#3fb950;--cur:#ab7df8;--tip:#1f2630;--select:rgba(68,147,248,.18);--soft-red:rgba(248,81,73,.16);--soft-green:rgba(63,185,80,.16);
--soft-yellow:rgba(210,153,34,.16);--soft-blue:rgba(68,147,248,.16);--soft-gray:#212830;--fill-base:rgba(68,147,248,.25);
--fill-cur:rgba(171,125,248,.35);--p50:#2b8a8a;--p90:#2f9c96;--p95:#4fc7bb;--p99:#a2ecdf;--max:#7d8590}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--blue)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
header{background:var(--card);border-bottom:1px solid var(--border);padding:14px 24px}
h1{font-size:20px;margin:0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.status{font-size:12px;font-weight:600;padding:2px 10px;border-radius:999px}
.status.fail{background:var(--soft-red);color:var(--red)}
.status.pass{background:var(--soft-green);color:var(--green)}
.status.establish{background:var(--soft-blue);color:var(--blue)}
dl.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:2px 22px;margin:10px 0 0;color:var(--muted);font-size:13px}
dl.meta div{display:flex;gap:6px;min-width:0}
dl.meta dt{font-weight:600;color:var(--fg);flex:none}
dl.meta dd{margin:0;overflow-wrap:anywhere;min-width:0}
dl.meta [data-meta=env],dl.meta [data-meta=store],dl.meta [data-meta=baseline-commits],dl.meta [data-meta=mode]{grid-column:span 2}
.warnings{margin:10px 24px 0;padding:8px 12px 8px 28px;background:var(--soft-yellow);border:1px solid var(--yellow);border-radius:6px;font-size:13px}
header .warnings{margin:10px 0 0}
.summary{display:flex;flex-wrap:wrap;gap:8px;padding:14px 24px 6px}
.tile{font:inherit;color:inherit;text-align:left;cursor:pointer;background:var(--card);border:1px solid var(--border);
border-top:3px solid var(--gray);border-radius:8px;padding:6px 12px;min-width:104px}
.tile:hover{border-color:var(--blue)}
.tile .n{display:block;font-size:22px;font-weight:700;line-height:1.2}
.tile .l{font-size:12px;color:var(--muted)}
.tile.zero{opacity:.55}
.tile.k-regression.s-critical{border-top-color:var(--red)}
.tile.k-regression.s-moderate{border-top-color:var(--orange)}
.tile.k-regression.s-minor{border-top-color:var(--yellow)}
.tile.k-improvement,.tile.k-unchanged{border-top-color:var(--green)}
.tile.k-inconclusive{border-top-color:var(--yellow)}
.controls{position:sticky;top:0;z-index:3;display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;padding:8px 24px;
background:var(--bg);border-bottom:1px solid var(--border)}
.controls label{font-size:12px;color:var(--muted);display:flex;gap:6px;align-items:center}
.chart-controls{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center}
input,select,button{font:inherit;font-size:13px;color:inherit;padding:4px 8px;border:1px solid var(--border);border-radius:6px;background:var(--card)}
button{cursor:pointer}
input[type=checkbox]{padding:0;margin:0}
#q{flex:1 1 200px;max-width:320px}
#shown{margin-left:auto;font-size:12px;color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;padding:8px 24px 0;font-size:12px;color:var(--muted);align-items:center}
.key{display:inline-flex;gap:6px;align-items:center}
.sw{display:inline-block;flex:none;width:10px;height:10px;border-radius:50%}
.sw-baseline{background:var(--blue)}
.sw-compare{background:var(--card);border:2px solid var(--orange)}
.sw-current{background:var(--cur)}
.sw-ring{border:2px solid var(--red)}
.sw-band{border-radius:2px;width:16px;background:var(--band);border:1px solid var(--band-line)}
.chart-key{display:flex;flex-wrap:wrap;gap:2px 10px;margin-top:2px;font-size:11px;color:var(--muted)}
.sw-line{border-radius:1px;width:16px;height:3px}
.sw-p50{background:var(--p50)}.sw-p90{background:var(--p90)}.sw-p95{background:var(--p95)}.sw-p99{background:var(--p99)}
.sw-max{background:repeating-linear-gradient(90deg,var(--max) 0 4px,transparent 4px 7px)}
.sw-cur-line{background:var(--cur)}.sw-base-line{background:var(--blue)}
.sw-cur-dash{background:repeating-linear-gradient(90deg,var(--cur) 0 5px,transparent 5px 9px)}
.sw-base-dash{background:repeating-linear-gradient(90deg,var(--blue) 0 5px,transparent 5px 9px)}
.sw-p95-base{height:0;border-top:2px dotted var(--p95);background:none}
.sw-this-run{border-radius:2px;width:10px;height:12px;background:var(--fill-cur)}
main{padding:12px 24px 32px}
#cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,400px),1fr));gap:12px;align-items:start}
.file-head{grid-column:1/-1;margin:8px 0 0;font-size:13px;font-weight:600;color:var(--muted);overflow-wrap:anywhere}
.card{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--gray);border-radius:8px;
padding:10px 12px;min-width:0}
.card.v-regression.s-critical{border-left-color:var(--red)}
.card.v-regression.s-moderate{border-left-color:var(--orange)}
.card.v-regression.s-minor{border-left-color:var(--yellow)}
.card.v-improvement,.card.v-unchanged{border-left-color:var(--green)}
.card.v-inconclusive{border-left-color:var(--yellow)}
.card-top{display:flex;gap:8px;align-items:center;justify-content:space-between;min-width:0}
.card .file{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.card h3{font-size:14px;margin:4px 0 2px;overflow-wrap:anywhere;display:-webkit-box;-webkit-line-clamp:3;
-webkit-box-orient:vertical;overflow:hidden}
.tag{display:inline-block;font-size:11px;color:var(--muted);border:1px solid var(--border);border-radius:4px;padding:0 4px;
margin-right:4px;overflow-wrap:anywhere}
.badge{flex:none;font-size:11px;font-weight:600;padding:1px 8px;border-radius:999px;background:var(--soft-gray);color:var(--muted)}
.badge.v-regression{background:var(--soft-red);color:var(--red)}
.badge.v-regression.s-minor,.badge.v-inconclusive{background:var(--soft-yellow);color:var(--yellow)}
.badge.v-improvement,.badge.v-unchanged{background:var(--soft-green);color:var(--green)}
.nums{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-top:4px}
.ratio{font-size:20px;font-weight:700}
.chg,.ival,.vals{font-size:12px;color:var(--muted)}
figure{margin:8px 0 0;min-width:0}
figcaption{font-size:11px;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.plot{position:relative;width:100%;min-height:40px}
.f-wall .plot{min-height:180px}
.minis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:4px 10px}
.minis .plot{min-height:110px}
.f-dist .plot,.f-ab .plot{min-height:130px}
.f-lat .plot{min-height:170px}
.f-scale .plot{min-height:160px}
.plot .uplot{width:100%}
.plot .u-select{background:var(--select)}
.plot .u-over{cursor:crosshair}
.sel{margin:6px 0 0;font-size:12px;padding:4px 8px;border-radius:6px;background:var(--soft-gray);overflow-wrap:anywhere}
.reason{margin:6px 0 0;font-size:12px;color:var(--muted);overflow-wrap:anywhere}
.finding.f-worse{color:var(--red)}
.empty{color:var(--muted);padding:24px 0}
#tip{position:fixed;z-index:5;pointer-events:none;max-width:320px;background:var(--tip);color:var(--fg);border:1px solid var(--border);
border-radius:6px;padding:6px 9px;font-size:12px;box-shadow:0 4px 14px rgba(0,0,0,.18)}
#tip div{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#tip .tv{font-weight:700;font-size:13px}
#tip .tk{color:var(--muted)}
@media (max-width:600px){.controls{position:static}header,.summary,.controls,.legend,main{padding-left:12px;padding-right:12px}
dl.meta{grid-template-columns:1fr}dl.meta [data-meta]{grid-column:auto}.tile{min-width:0;flex:1 1 30%}#shown{margin-left:0}}
`
