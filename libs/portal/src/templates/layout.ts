import { DEFAULT_LOGO } from '../assets/assets';
import { Lang } from '../i18n';
import { html, SafeHtml } from './html';

export interface Branding {
  title: string;
  logoUrl?: string | null;
}

/** Only https URLs or same-origin paths, matching the CSP's img-src. */
export function safeLogo(url: string | null | undefined): string {
  if (url && (/^https:\/\/[^\s"'<>]+$/.test(url) || /^\/(?!\/)[A-Za-z0-9._/-]+$/.test(url))) return url;
  return DEFAULT_LOGO;
}

/** The whole document: small, no scripts, one same-origin stylesheet. */
export function layout(lang: Lang, brand: Branding, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${brand.title}</title>
        <link rel="stylesheet" href="/portal/assets/portal.css" />
        <link rel="icon" href="/portal/assets/logo.svg" type="image/svg+xml" />
      </head>
      <body>
        <main>
          <header>
            <img src="${safeLogo(brand.logoUrl)}" alt="" />
            <p class="muted">${brand.title}</p>
          </header>
          ${body}
        </main>
      </body>
    </html> `;
}
