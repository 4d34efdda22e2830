/**
 * The panel's only assets, kept as TypeScript strings so the tsc-only build ships them.
 * Served under /panel/assets/ (CSP `style-src 'self'`, `img-src 'self'`).
 */
const CSS = `*{box-sizing:border-box}
[hidden]{display:none!important}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1f24;background:#f3f5f7}
body{margin:0;padding:1rem}
.page{max-width:72rem;margin:0 auto}
.narrow{max-width:26rem}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between;margin-bottom:1rem}
.brand{display:flex;gap:.6rem;align-items:center;font-weight:700;font-size:1.1rem;color:inherit;text-decoration:none}
.brand img{height:2rem}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
nav a{color:#0b62d6;font-weight:600;text-decoration:none;padding:.25rem 0}
nav a[aria-current=page]{border-bottom:3px solid #0b62d6}
nav form{margin:0}
.who{color:#545d66;font-size:.9rem}
main,.card{background:#fff;border-radius:.75rem;padding:1.25rem 1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12);margin-bottom:1rem}
main.plain{background:none;box-shadow:none;padding:0}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:0 0 .75rem}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
label{display:block;font-weight:600;margin-top:1rem}
input[type=email],input[type=text],input[type=password],select{display:block;width:100%;font-size:1rem;padding:.6rem;margin-top:.25rem;border:1px solid #8a949e;border-radius:.4rem;background:#fff;color:inherit}
input:focus,button:focus,a:focus,select:focus{outline:3px solid #0b62d6;outline-offset:2px}
button,.button{display:inline-block;margin-top:1rem;padding:.6rem 1.1rem;font-size:1rem;font-weight:600;text-align:center;color:#fff;background:#0b62d6;border:0;border-radius:.4rem;text-decoration:none;cursor:pointer}
button.link{background:none;color:#0b62d6;padding:.25rem 0;margin:0;font-weight:600}
button.small{margin:0;padding:.3rem .7rem;font-size:.9rem}
button.danger{background:#b3261e}
form.inline{display:inline;margin:0}
.alert{border-left:4px solid #c62828;background:#fdecea;padding:.6rem .8rem;margin:0 0 1rem;border-radius:.25rem}
.ok{border-left-color:#2e7d32;background:#e8f5e9}
.note{border-left-color:#8a6d00;background:#fff8e1}
.muted{color:#545d66;font-size:.9rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.facts dt{color:#545d66}
dl.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.card-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline;justify-content:space-between;margin-bottom:.75rem}
.card-head h2{margin:0}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:1rem;font-size:.85rem;font-weight:700;background:#e8f5e9;color:#1b5e20}
.badge.warn{background:#fff8e1;color:#7a5b00}
.badge.bad{background:#fdecea;color:#8e1c16}
meter{width:100%;height:1.1rem;margin-top:.35rem}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e1e5ea;vertical-align:middle}
th{font-size:.85rem;color:#545d66;font-weight:600}
td.num,td.nowrap{font-variant-numeric:tabular-nums;white-space:nowrap}
.pager{display:flex;gap:1rem;align-items:center;margin-top:1rem}
.chart{display:block;max-width:100%;height:auto}
footer{margin:1rem 0;color:#545d66;font-size:.85rem;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem}
footer a{color:inherit}
.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
.filter label{margin:0}
.filter button{margin:0}
@media (prefers-color-scheme:dark){html{background:#111;color:#eee}main,.card{background:#1d1f22}main.plain{background:none}
input[type=email],input[type=text],input[type=password],select{background:#111;color:#eee}
.alert{background:#3a1d1d}.ok{background:#1d3a22}.note{background:#3a321d}.muted,.who,th,dl.facts dt,footer{color:#b0b8c0}
th,td{border-color:#33373c}nav a,button.link{color:#7fb0ff}nav a[aria-current=page]{border-color:#7fb0ff}
.chart .grid{stroke:#33373c}.chart .axis{fill:#b0b8c0}.chart .bar{fill:#5a9bff}.chart .bar-empty{fill:#33373c}}
`;

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="64" viewBox="0 0 96 64" role="img" aria-label="">
<g fill="none" stroke="#0b62d6" stroke-width="6" stroke-linecap="round"><path d="M18 28a42 42 0 0 1 60 0"/><path d="M28 38a28 28 0 0 1 40 0"/><path d="M38 48a14 14 0 0 1 20 0"/></g>
<circle cx="48" cy="56" r="5" fill="#0b62d6"/></svg>
`;

export const PANEL_ASSETS: Record<string, { type: string; body: string }> = {
  'panel.css': { type: 'text/css; charset=utf-8', body: CSS },
  'logo.svg': { type: 'image/svg+xml', body: LOGO },
};

/**
 * Sent on every panel response: the captive portal's headers, tightened where the panel
 * can be stricter (forms and images only to and from itself). No scripts at all.
 */
export const PANEL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};
