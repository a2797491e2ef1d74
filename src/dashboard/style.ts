/** The dashboard's one stylesheet, inlined in every page under the CSP nonce. */
export const DASHBOARD_STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#667085;--bg:#fff;--panel:#f6f7f9;--line:#d9dde3;--accent:#4f46e5;
--ok:#15803d;--bad:#b91c1c;--warn:#b45309;--run:#2563eb;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#98a2b3;--bg:#0f1115;--panel:#171a21;--line:#2a2f3a}}
body{margin:0;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1.2rem;align-items:center;padding:.6rem 1.2rem;border-bottom:1px solid var(--line);background:var(--panel)}
header nav{display:flex;gap:.9rem}header a{color:var(--fg);text-decoration:none}header nav a[aria-current=page]{font-weight:600;border-bottom:2px solid var(--accent)}
.brand{font-weight:700}.mode{margin-left:auto;color:var(--warn);font-size:.85em}
main{padding:1rem 1.2rem;max-width:1400px}h1{font-size:1.3rem;margin:.2rem 0 1rem}h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:.85em}td.mono,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
a{color:var(--accent)}pre{background:var(--panel);border:1px solid var(--line);padding:.6rem;overflow:auto;max-height:24rem;margin:.3rem 0;white-space:pre-wrap;word-break:break-word}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin-bottom:1rem}label{display:flex;flex-direction:column;font-size:.85em;color:var(--muted);gap:.2rem}
input,select,textarea,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:.3rem .5rem}
button{cursor:pointer;background:var(--accent);color:#fff;border-color:var(--accent)}button.danger{background:var(--bad);border-color:var(--bad)}
button.link{background:none;border:none;color:var(--accent);padding:0}form.inline{display:inline}
textarea{width:100%;min-height:14rem;font-family:ui-monospace,Menlo,monospace}
.status{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.8em;font-weight:600;border:1px solid currentColor}
.s-Running,.s-Scheduled{color:var(--run)}.s-Completed{color:var(--ok)}.s-Failed{color:var(--bad)}.s-Cancelled,.s-Skipped,.s-Unknown{color:var(--muted)}
.error{color:var(--bad);border:1px solid var(--bad);padding:.5rem;border-radius:4px}.notice{color:var(--ok);border:1px solid var(--ok);padding:.5rem;border-radius:4px}
.muted{color:var(--muted)}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
.panel{border:1px solid var(--line);border-radius:6px;padding:.8rem;background:var(--panel)}.actions{display:flex;gap:.6rem;flex-wrap:wrap;margin:.6rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}dt{color:var(--muted)}dd{margin:0}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}svg .node rect{fill:var(--bg);stroke:var(--line);stroke-width:1.5}
svg .node.current rect{fill:var(--accent);stroke:var(--accent)}svg .node.current text{fill:#fff;font-weight:700}svg .node.visited rect{stroke:var(--accent)}
svg .edge{stroke:var(--muted);fill:none;stroke-width:1.2}svg .edge.taken{stroke:var(--accent);stroke-width:2}
svg .bar-completed{fill:var(--ok)}svg .bar-failed{fill:var(--bad)}svg .bar-retrying{fill:var(--warn)}svg .bar-sleeping,svg .bar-waiting{fill:var(--run)}
svg .gap{fill:none;stroke:var(--muted);stroke-dasharray:3 3}svg .axis{stroke:var(--line)}
tr.fresh{animation:fresh 2s}@keyframes fresh{from{background:color-mix(in srgb,var(--accent) 25%,transparent)}}
.pager{display:flex;gap:1rem;margin-top:.8rem}details summary{cursor:pointer}
`
