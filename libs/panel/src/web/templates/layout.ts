import type { Formats } from '../format';
import { Lang, LANGS, Messages } from '../i18n';
import { html, SafeHtml } from './html';

export interface SignedInUser {
  name: string;
  /** The session's CSRF token: every form on the page carries it. */
  csrf: string;
}

export interface PageContext {
  lang: Lang;
  m: Messages;
  f: Formats;
  zone: string;
  /** This page's path, for the language links. */
  path: string;
  user?: SignedInUser;
  /** Which tab is open. */
  current?: 'connections' | 'history';
}

const LANG_NAMES: Record<Lang, string> = { en: 'English', de: 'Deutsch' };

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${ctx.user?.csrf ?? ''}" />`;
}

/** The whole document: no scripts, one same-origin stylesheet. */
export function layout(ctx: PageContext, body: SafeHtml, opts: { narrow?: boolean; plain?: boolean } = {}): SafeHtml {
  const { m, user } = ctx;
  const tab = (which: 'connections' | 'history', href: string, label: string) =>
    ctx.current === which ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`;
  const nav = user
    ? html`<nav aria-label="${m.title}">
        ${tab('connections', '/panel', m.nav.connections)} ${tab('history', '/panel/history', m.nav.history)}
        <span class="who">${m.nav.signedInAs(user.name)}</span>
        <form method="post" action="/panel/sign-out">${csrfField(ctx)}<button class="link" type="submit">${m.nav.signOut}</button></form>
      </nav>`
    : '';
  const languages = LANGS.map((l, i) => [
    i ? ' · ' : '',
    l === ctx.lang
      ? html`<span lang="${l}">${LANG_NAMES[l]}</span>`
      : html`<a href="${ctx.path}?lang=${l}" lang="${l}" hreflang="${l}">${LANG_NAMES[l]}</a>`,
  ]);
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${m.title}</title>
        <link rel="stylesheet" href="/panel/assets/panel.css" />
        <link rel="icon" href="/panel/assets/logo.svg" type="image/svg+xml" />
      </head>
      <body>
        <div class="page${opts.narrow ? ' narrow' : ''}">
          <header class="top">
            <a class="brand" href="/panel"><img src="/panel/assets/logo.svg" alt="" /> <span>${m.title}</span></a>
            ${nav}
          </header>
          <main class="${opts.plain ? 'plain' : ''}">${body}</main>
          <footer>
            <span>${m.nav.language}: ${languages}</span>
            ${user ? html`<span>${m.timesIn(ctx.zone)}</span>` : ''}
          </footer>
        </div>
      </body>
    </html> `;
}
