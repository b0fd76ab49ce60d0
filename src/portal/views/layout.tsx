import type { Child } from 'hono/jsx';

const css = `
:root{color-scheme:light dark;--fg:#1a1a1a;--muted:#5c5c5c;--bg:#fff;--card:#f6f7f9;--accent:#2457d6;--line:#d9dce1}
@media (prefers-color-scheme:dark){:root{--fg:#eee;--muted:#aaa;--bg:#121417;--card:#1c1f24;--accent:#7aa2ff;--line:#333}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
section{background:var(--card);border-radius:.5rem;padding:1rem;margin:1rem 0}
table{width:100%;border-collapse:collapse;font-size:.95rem}th,td{text-align:left;padding:.4rem;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem}.card{background:var(--bg);border-radius:.4rem;padding:.75rem}
.card b,.card dd[data-balance]{display:block;font-size:1.3rem;font-weight:bold}dl.card,dl.card dd{margin:0}dl.card dt{color:var(--muted);font-size:.9rem}dl.card dd.muted{margin-top:.25rem}.muted{color:var(--muted);font-size:.9rem}
button,.button{font:inherit;padding:.35rem .8rem;border-radius:.3rem;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.link-row{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}input{font:inherit;padding:.35rem;border:1px solid var(--line);border-radius:.3rem;min-width:0;flex:1 1 14rem}.new-link{margin-top:1rem}
.tag{font-size:.8rem;padding:.1rem .5rem;border:1px solid var(--muted);border-radius:1rem;color:var(--muted)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
figure{margin:0}.key{margin-right:1rem}td:first-child,td.num{white-space:nowrap}
svg text{fill:var(--muted);font-size:11px}nav a,form.signout{margin-left:.75rem;color:var(--accent)}form.signout{display:inline}nav form.signout button{background:none;border:0;padding:0;color:inherit;text-decoration:underline}
@media (max-width:40rem){table{font-size:.85rem}th,td{padding:.3rem}}`;

export type ReferrerPolicy = 'same-origin' | 'no-referrer';

export function Layout(props: { title: string; nonce: string; referrer?: ReferrerPolicy; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* same-origin, not no-referrer: under no-referrer browsers send `Origin: null` on the
            portal's own form posts, which the CSRF check must refuse. Other sites still get no referrer.
            The sign-in page, whose URL holds the token, is no-referrer (its form accepts `Origin: null`). */}
        <meta name="referrer" content={props.referrer ?? 'same-origin'} />
        <title>{props.title}</title>
        {/* An empty icon: browsers then ask for no /favicon.ico (a 404 page on every portal visit). */}
        <link rel="icon" href="data:," />
        <style nonce={props.nonce}>{css}</style>
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** Strict CSP: only our nonce'd inline style and script run on portal pages. */
export function cspFor(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
}
