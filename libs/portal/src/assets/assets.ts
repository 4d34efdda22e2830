/**
 * Static assets kept as TypeScript strings so the tsc-only build ships them
 * without a copy step. Served under /portal/assets/ (CSP `style-src 'self'`).
 */

const CSS = `*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;color:#1b1f24;background:#f3f5f7}
body{margin:0;padding:1rem}
main{max-width:26rem;margin:0 auto;background:#fff;border-radius:.75rem;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
header{text-align:center;margin-bottom:1rem}
header img{max-width:8rem;max-height:4rem}
h1{font-size:1.4rem;margin:.5rem 0}
h2{font-size:1rem;margin:1rem 0 .25rem}
label{display:block;font-weight:600;margin-top:1rem}
input[type=text],input[type=password]{display:block;width:100%;font-size:1rem;padding:.65rem;margin-top:.25rem;border:1px solid #8a949e;border-radius:.4rem}
input:focus,button:focus,a:focus{outline:3px solid #0b62d6;outline-offset:2px}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.check input{width:1.25rem;height:1.25rem;margin-top:.15rem}
.terms{max-height:10rem;overflow:auto;white-space:pre-wrap;font-size:.9rem;background:#f3f5f7;padding:.5rem;border-radius:.4rem}
button,.button{display:block;width:100%;margin-top:1.25rem;padding:.75rem;font-size:1.05rem;font-weight:600;text-align:center;color:#fff;background:#0b62d6;border:0;border-radius:.4rem;text-decoration:none;cursor:pointer}
.alert{border-left:4px solid #c62828;background:#fdecea;padding:.6rem .8rem;margin:1rem 0;border-radius:.25rem}
.ok{border-left-color:#2e7d32;background:#e8f5e9}
.muted{color:#545d66;font-size:.9rem;word-break:break-all}
@media (prefers-color-scheme:dark){html{background:#111;color:#eee}main{background:#1d1f22}.terms{background:#2a2d31}.alert{background:#3a1d1d}.ok{background:#1d3a22}.muted{color:#b0b8c0}}
`;

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="64" viewBox="0 0 96 64" role="img" aria-label="WiFi">
<g fill="none" stroke="#0b62d6" stroke-width="6" stroke-linecap="round"><path d="M18 28a42 42 0 0 1 60 0"/><path d="M28 38a28 28 0 0 1 40 0"/><path d="M38 48a14 14 0 0 1 20 0"/></g>
<circle cx="48" cy="56" r="5" fill="#0b62d6"/></svg>
`;

export const PORTAL_ASSETS: Record<string, { type: string; body: string }> = {
  'portal.css': { type: 'text/css; charset=utf-8', body: CSS },
  'logo.svg': { type: 'image/svg+xml', body: LOGO },
};

export const DEFAULT_LOGO = '/portal/assets/logo.svg';
