/** The dashboard's stylesheet: light theme, system fonts, a grid of small cards. Static text (no data). */
export const DASHBOARD_STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--bg:#f6f8fa;--card:#fff;--red:#cf222e;--orange:#bc4c00;
--yellow:#9a6700;--green:#1a7f37;--blue:#0969da;--gray:#818b98}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
header{background:var(--card);border-bottom:1px solid var(--border);padding:16px 24px}
h1{font-size:20px;margin:0;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
.status{font-size:12px;font-weight:600;padding:2px 10px;border-radius:999px;border:1px solid transparent}
.status.fail{background:#ffebe9;color:var(--red);border-color:#ffcecb}
.status.pass{background:#dafbe1;color:var(--green);border-color:#aceebb}
.status.establish{background:#ddf4ff;color:var(--blue);border-color:#b6e3ff}
dl.meta{display:flex;flex-wrap:wrap;gap:4px 22px;margin:10px 0 0;color:var(--muted);font-size:13px}
dl.meta div{display:flex;gap:6px;min-width:0}
dl.meta dt{font-weight:600;color:var(--fg)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.warnings{margin:10px 0 0;padding:8px 12px 8px 28px;background:#fff8c5;border:1px solid #eed888;border-radius:6px;font-size:13px}
.summary{display:flex;flex-wrap:wrap;gap:8px;padding:16px 24px 8px}
.tile{font:inherit;color:inherit;text-align:left;cursor:pointer;background:var(--card);border:1px solid var(--border);
border-top:3px solid var(--gray);border-radius:8px;padding:6px 12px;min-width:112px}
.tile:hover{border-color:var(--blue)}
.tile .n{display:block;font-size:22px;font-weight:700;line-height:1.2}
.tile .l{font-size:12px;color:var(--muted)}
.tile.zero{opacity:.55}
.tile.k-regression.s-critical{border-top-color:var(--red)}
.tile.k-regression.s-moderate{border-top-color:var(--orange)}
.tile.k-regression.s-minor{border-top-color:#d4a72c}
.tile.k-improvement,.tile.k-unchanged{border-top-color:var(--green)}
.tile.k-inconclusive{border-top-color:var(--yellow)}
.controls{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:10px 24px;
background:var(--bg);border-bottom:1px solid var(--border)}
.controls label{font-size:12px;color:var(--muted);display:flex;gap:6px;align-items:center}
input,select{font:inherit;color:inherit;padding:5px 8px;border:1px solid var(--border);border-radius:6px;background:var(--card)}
#q{flex:1 1 220px;max-width:340px}
#shown{margin-left:auto;font-size:12px;color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;padding:10px 24px 0;font-size:12px;color:var(--muted);align-items:center}
.legend svg{vertical-align:middle}
main{padding:12px 24px 32px}
#cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px;align-items:start}
.file-head{grid-column:1/-1;margin:10px 0 0;font-size:13px;font-weight:600;color:var(--muted);overflow-wrap:anywhere}
.card{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--gray);border-radius:8px;
padding:10px 12px;min-width:0}
.card.v-regression.s-critical{border-left-color:var(--red)}
.card.v-regression.s-moderate{border-left-color:var(--orange)}
.card.v-regression.s-minor{border-left-color:#d4a72c}
.card.v-improvement,.card.v-unchanged{border-left-color:var(--green)}
.card.v-inconclusive{border-left-color:var(--yellow)}
.card-top{display:flex;gap:8px;align-items:center;justify-content:space-between;min-width:0}
.card .file{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.card h3{font-size:14px;margin:4px 0 2px;overflow-wrap:anywhere;display:-webkit-box;-webkit-line-clamp:3;
-webkit-box-orient:vertical;overflow:hidden}
.tag{display:inline-block;font-size:11px;color:var(--muted);border:1px solid var(--border);border-radius:4px;padding:0 4px;
margin-right:4px;overflow-wrap:anywhere}
.badge{flex:none;font-size:11px;font-weight:600;padding:1px 8px;border-radius:999px;background:#eff2f5;color:var(--muted)}
.badge.v-regression{background:#ffebe9;color:var(--red)}
.badge.v-regression.s-minor{background:#fff8c5;color:var(--yellow)}
.badge.v-improvement,.badge.v-unchanged{background:#dafbe1;color:var(--green)}
.badge.v-inconclusive{background:#fff8c5;color:var(--yellow)}
.nums{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-top:4px}
.ratio{font-size:20px;font-weight:700}
.chg,.ival,.vals{font-size:12px;color:var(--muted)}
figure{margin:6px 0 0}
figcaption{font-size:11px;color:var(--muted)}
svg.chart{display:block;width:100%;height:auto;overflow:visible}
.minis{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:8px;margin-top:4px}
.mini figcaption{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.reason{margin:6px 0 0;font-size:12px;color:var(--muted);overflow-wrap:anywhere}
.finding.f-worse{color:var(--red)}
.empty{color:var(--muted);padding:24px 0}
.band{fill:#2da44e;fill-opacity:.13;stroke:#2da44e;stroke-opacity:.35;stroke-width:.5}
.base-line{stroke:#2da44e;stroke-width:1;stroke-dasharray:4 3}
.grid{stroke:#eaeef2;stroke-width:1}
.trend{fill:none;stroke:#afb8c1;stroke-width:1.2}
.axis{font-size:9px;fill:var(--muted)}
.pt-baseline{fill:var(--blue)}
.pt-compare{fill:#fff;stroke:var(--orange);stroke-width:1.6}
.pt.current{stroke:var(--fg);stroke-width:1.6}
.pt.flagged{fill:var(--red);stroke:#fff;stroke-width:1.2}
.flag-ring{fill:none;stroke:var(--red);stroke-width:1.4}
`
