// The console's stylesheet, served from /ui/assets (no inline styles: the CSP forbids them).
// Kept as a module so `tsc` ships it with the code and `npm start` needs no copy step.
export const STYLES = `
:root { --fg: #1b1f24; --muted: #505a66; --bg: #fff; --line: #c9d1d9; --accent: #0b57d0;
  --ok: #116329; --warn: #7a4d00; --bad: #a40e26; --ok-bg: #dafbe1; --warn-bg: #fff1c2; --bad-bg: #ffe2e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.skip-link { position: absolute; left: -9999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip-link:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .5rem 1rem;
  border-bottom: 1px solid var(--line); background: #f6f8fa; }
header.top .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
header.top .who { margin-left: auto; display: flex; gap: .75rem; align-items: center; color: var(--muted); }
nav.tenant ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem .75rem; margin: 0; padding: .5rem 1rem;
  border-bottom: 1px solid var(--line); }
nav.tenant a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { padding: 1rem; max-width: 1400px; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .75rem; border: 1px solid currentColor; font-size: .85rem; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.warn { color: var(--warn); background: var(--warn-bg); }
.badge.bad { color: var(--bad); background: var(--bad-bg); }
.badge.neutral { color: var(--muted); background: #f6f8fa; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; }
.card h2 { margin-top: 0; }
.card.wide { grid-column: 1 / -1; }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: flex-end; margin: .5rem 0 1rem; }
form.filters label, .field label { display: block; font-size: .9rem; color: var(--muted); }
input, select, textarea, button { font: inherit; }
input, select, textarea { border: 1px solid #6e7781; border-radius: .25rem; padding: .3rem .4rem; }
textarea { width: 100%; min-height: 16rem; font-family: ui-monospace, monospace; font-size: .9rem; }
button, .button { display: inline-block; border: 1px solid #1f2328; border-radius: .35rem; background: #f6f8fa; color: var(--fg);
  padding: .3rem .8rem; cursor: pointer; text-decoration: none; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; }
.tabs { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 .5rem; padding: 0; list-style: none; }
.tabs a { display: inline-block; padding: .3rem .7rem; border: 1px solid var(--line); border-radius: .35rem .35rem 0 0; }
.tabs a[aria-current="page"] { font-weight: 700; border-bottom: 3px solid var(--accent); }
.notice { border-left: 4px solid var(--accent); background: #eef4ff; padding: .5rem .75rem; margin: .5rem 0; }
.notice.bad { border-color: var(--bad); background: var(--bad-bg); }
.notice.ok { border-color: var(--ok); background: var(--ok-bg); }
.secret { font-family: ui-monospace, monospace; word-break: break-all; background: #fff; padding: .25rem; border: 1px dashed var(--line); }
.pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
.placeholder { border: 2px dashed var(--line); padding: .75rem 1rem; border-radius: .5rem; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
figure.chart { margin: 1rem 0 2rem; }
figure.chart svg { max-width: 100%; height: auto; border: 1px solid var(--line); }
figure.chart details { margin-top: .5rem; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: .25rem 0; font-size: .9rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem; vertical-align: -2px; border: 1px solid #000; }
.sw0 { background: #0b57d0; } .sw1 { background: #b3261e; } .sw2 { background: #1e8e3e; } .sw3 { background: #e37400; }
.sw4 { background: #6d28d9; } .sw5 { background: #00838f; } .sw6 { background: #5f6368; } .sw7 { background: #c2185b; }
@media (max-width: 640px) {
  header.top .who { margin-left: 0; }
  main { padding: .5rem; }
  th, td { padding: .3rem; }
}
`
