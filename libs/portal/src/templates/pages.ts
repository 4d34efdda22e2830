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
    html`<h1>${m.loginHeading}</h1>
      ${view.error ? html`<p class="alert" role="alert">${view.error}</p>` : ''}
      <form method="post" action="${view.target.action}">
        ${hidden}<label for="username">${m.username}</label>
        <input
          type="text"
          id="username"
          name="username"
          value="${view.username ?? ''}"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          maxlength="253"
          required
        />
        <label for="password">${m.password}</label>
        <input type="password" id="password" name="password" autocomplete="current-password" maxlength="128" />
        ${terms}
        <button type="submit">${m.submit}</button>
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
