import { html, SafeHtml } from './html';
import { layout, PageContext } from './layout';

export interface Flash {
  kind: 'ok' | 'error' | 'note';
  text: string;
}

export function flash(f: Flash | undefined): SafeHtml | string {
  if (!f) return '';
  return f.kind === 'error'
    ? html`<p class="alert" role="alert">${f.text}</p>`
    : html`<p class="alert ${f.kind}" role="status">${f.text}</p>`;
}

export function signInPage(ctx: PageContext, view: { csrf: string; email?: string; flash?: Flash }): SafeHtml {
  const { m } = ctx;
  return layout(
    ctx,
    html`<h1>${m.signIn.heading}</h1>
      ${flash(view.flash)}
      <form method="post" action="/panel/sign-in">
        <input type="hidden" name="csrf" value="${view.csrf}" />
        <label for="email">${m.signIn.email}</label>
        <input type="email" id="email" name="email" value="${view.email ?? ''}" autocomplete="username" maxlength="254" required />
        <label for="password">${m.signIn.password}</label>
        <input type="password" id="password" name="password" autocomplete="current-password" maxlength="128" required />
        <button type="submit">${m.signIn.submit}</button>
      </form>`,
    { narrow: true },
  );
}

export function invitePage(ctx: PageContext, view: { csrf: string; token: string; min: number; flash?: Flash }): SafeHtml {
  const { m } = ctx;
  return layout(
    ctx,
    html`<h1>${m.invite.heading}</h1>
      ${flash(view.flash)}
      <p>${m.invite.text(view.min)}</p>
      <form method="post" action="/panel/invite">
        <input type="hidden" name="csrf" value="${view.csrf}" />
        <input type="hidden" name="token" value="${view.token}" />
        <label for="password">${m.password.new}</label>
        <input type="password" id="password" name="password" autocomplete="new-password" minlength="${view.min}" maxlength="128" required />
        <label for="confirm">${m.password.confirm}</label>
        <input type="password" id="confirm" name="confirm" autocomplete="new-password" minlength="${view.min}" maxlength="128" required />
        <button type="submit">${m.invite.submit}</button>
      </form>`,
    { narrow: true },
  );
}

/** A page that explains instead of showing a form. */
export function messagePage(ctx: PageContext, heading: string, text: string, link?: { href: string; label: string }): SafeHtml {
  return layout(
    ctx,
    html`<h1>${heading}</h1>
      <p class="alert" role="alert">${text}</p>
      ${link ? html`<a class="button" href="${link.href}">${link.label}</a>` : ''}`,
    { narrow: !ctx.user },
  );
}
