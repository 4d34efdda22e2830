import { Lang, Messages } from '../i18n';
import { FormTarget } from '../vendor-profiles';
import { html, SafeHtml } from './html';
import { Branding, layout } from './layout';

export interface PageContext {
  lang: Lang;
  m: Messages;
  brand: Branding;
}

export interface LoginView {
  target: FormTarget;
  termsText?: string | null;
  error?: string;
  username?: string;
  /** Voucher mode: one field, the code (pre-filled from the card's QR code). */
  voucher?: { code?: string };
}

export function loginPage(ctx: PageContext, view: LoginView): SafeHtml {
  const { m } = ctx;
  const hidden = Object.entries(view.target.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" /> `);
  const terms = view.termsText
    ? html`<h2 id="terms-heading">${m.termsHeading}</h2>
        <div class="terms" id="terms-text" tabindex="0" aria-labelledby="terms-heading">${view.termsText}</div>
        <label class="check"
          ><input type="checkbox" name="terms" value="1" required aria-describedby="terms-text" /> <span>${m.acceptTerms}</span></label
        >`
    : '';
  return layout(
    ctx.lang,
    ctx.brand,
    html`<h1>${view.voucher ? m.voucherHeading : m.loginHeading}</h1>
      ${view.error ? html`<p class="alert" role="alert">${view.error}</p>` : ''}
      <form method="post" action="${view.target.action}">
        ${hidden}${view.voucher ? voucherField(ctx, view.voucher.code) : credentialFields(ctx, view.username)} ${terms}
        <button type="submit">${m.submit}</button>
      </form>`,
  );
}

/** One field: the code is both username and password (the uspot, Coova and MikroTik voucher convention). */
function voucherField(ctx: PageContext, code: string | undefined): SafeHtml {
  return html`<label for="code">${ctx.m.voucherCode}</label>
    <input
      type="text"
      id="code"
      name="code"
      value="${code ?? ''}"
      autocomplete="one-time-code"
      autocapitalize="characters"
      spellcheck="false"
      maxlength="80"
      required
    />`;
}

function credentialFields(ctx: PageContext, username: string | undefined): SafeHtml {
  const { m } = ctx;
  return html`<label for="username">${m.username}</label>
    <input
      type="text"
      id="username"
      name="username"
      value="${username ?? ''}"
      autocomplete="username"
      autocapitalize="none"
      spellcheck="false"
      maxlength="253"
      required
    />
    <label for="password">${m.password}</label>
    <input type="password" id="password" name="password" autocomplete="current-password" maxlength="128" />`;
}

/**
 * Voucher mode on a router that takes the plain password by form POST (MikroTik
 * http-pap, generic): the code in both fields, one button. No script may submit it.
 */
export function voucherHandoffPage(ctx: PageContext, target: FormTarget): SafeHtml {
  const hidden = Object.entries(target.hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" /> `);
  return layout(
    ctx.lang,
    ctx.brand,
    html`<h1>${ctx.m.voucherHeading}</h1>
      <form method="post" action="${target.action}">
        ${hidden}
        <button type="submit">${ctx.m.submit}</button>
      </form>`,
  );
}

export interface ConnectedView {
  userurl: string;
  logoffUrl: string;
  reply?: string;
  timeleft?: number;
}

export function connectedPage(ctx: PageContext, view: ConnectedView): SafeHtml {
  const { m } = ctx;
  return layout(
    ctx.lang,
    ctx.brand,
    html`<h1>${m.connectedHeading}</h1>
      <p class="alert ok" role="status">${m.connectedText}</p>
      ${view.reply ? html`<p>${view.reply}</p>` : ''} ${view.timeleft ? html`<p>${m.timeLeft(Math.ceil(view.timeleft / 60))}</p>` : ''}
      <p>${m.continueTo} <a href="${view.userurl}" rel="noreferrer">${view.userurl}</a></p>
      <a class="button" href="${view.logoffUrl}" rel="noreferrer">${m.logoff}</a>`,
  );
}

export function loggedOutPage(ctx: PageContext, loginAgainUrl: string): SafeHtml {
  const { m } = ctx;
  return layout(
    ctx.lang,
    ctx.brand,
    html`<h1>${m.loggedOutHeading}</h1>
      <p role="status">${m.loggedOutText}</p>
      <a class="button" href="${loginAgainUrl}" rel="noreferrer">${m.loginAgain}</a>`,
  );
}

/** Any page that explains a problem instead of showing a form. */
export function messagePage(ctx: PageContext, heading: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return layout(
    ctx.lang,
    ctx.brand,
    html`<h1>${heading}</h1>
      <p class="alert" role="alert">${text}</p>
      ${link ? html`<a class="button" href="${link.href}" rel="noreferrer">${link.label}</a>` : ''}`,
  );
}
