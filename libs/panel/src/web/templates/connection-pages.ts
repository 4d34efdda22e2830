import type { ConnectionView, SessionView } from '../../queries/customer-view.service';
import { DEVICE_PASSWORD_MIN } from '../../credentials/password-rules';
import { flash, Flash } from './auth-pages';
import { html, SafeHtml } from './html';
import { csrfField, layout, PageContext } from './layout';

/** A connection as the panel shows it, with whether this browser may change it (allowlist). */
export interface ConnectionCard {
  c: ConnectionView;
  sessions: SessionView[];
  manageable: boolean;
}

const STATE_CLASS: Record<ConnectionView['state'], string> = {
  active: 'badge',
  restricted: 'badge warn',
  expired: 'badge warn',
  quota_exceeded: 'badge warn',
  disabled: 'badge bad',
  banned: 'badge bad',
};

function usage(ctx: PageContext, c: ConnectionView): SafeHtml {
  const { m, f } = ctx;
  if (c.quotaBytes === null) return html`${m.connections.unlimited(f.bytes(c.usedBytes))}`;
  const used = Math.min(c.usedBytes, c.quotaBytes);
  return html`${m.connections.usageOf(f.bytes(c.usedBytes), f.bytes(c.quotaBytes), f.percent(c.usedBytes, c.quotaBytes))}
    <meter
      min="0"
      max="${c.quotaBytes}"
      low="${Math.round(c.quotaBytes * 0.75)}"
      high="${Math.round(c.quotaBytes * 0.9)}"
      optimum="0"
      value="${used}"
    >
      ${f.percent(c.usedBytes, c.quotaBytes)}
    </meter>`;
}

function facts(ctx: PageContext, c: ConnectionView): SafeHtml {
  const { m, f } = ctx;
  const speed = c.speed
    ? html`${c.speed.name}: ${m.connections.speedValue(f.rate(c.speed.downloadKbps), f.rate(c.speed.uploadKbps))}`
    : '—';
  return html`<dl class="facts">
    <dt>${m.connections.username}</dt>
    <dd>${c.username}</dd>
    <dt>${m.connections.kind}</dt>
    <dd>${m.connections.kinds[c.kind]}</dd>
    <dt>${m.connections.staticIp}</dt>
    <dd class="static-ip">${c.staticIp ?? '—'}</dd>
    <dt>${m.connections.speed}</dt>
    <dd>${speed}</dd>
    <dt>${m.connections.expires}</dt>
    <dd>${c.expiresAt ? f.dateTime(c.expiresAt) : m.connections.never}</dd>
    <dt>${m.connections.usage}</dt>
    <dd class="usage">${usage(ctx, c)}</dd>
    <dt>${m.connections.allowlist}</dt>
    <dd>${c.panelAllowlist?.length ? c.panelAllowlist.join(', ') : m.connections.allowlistNone}</dd>
  </dl>`;
}

export function openSessionsTable(ctx: PageContext, sessions: SessionView[], manageable: boolean): SafeHtml {
  const { m, f } = ctx;
  if (!sessions.length) return html`<p class="muted">${m.sessions.none}</p>`;
  const rows = sessions.map(
    (s) =>
      html`<tr>
        <td>${s.router ?? '—'}</td>
        <td class="nowrap">${s.mac ?? '—'}</td>
        <td class="nowrap">${s.ip ?? '—'}</td>
        <td class="num">${f.dateTime(s.startedAt)}</td>
        <td class="num">${m.sessions.dataValue(f.bytes(s.outputOctets), f.bytes(s.inputOctets))}</td>
        <td>
          ${
            manageable
              ? html`<form class="inline" method="post" action="/panel/sessions/${s.id}/disconnect">
                  ${csrfField(ctx)}<button class="small danger" type="submit" aria-label="${m.sessions.disconnect} ${s.mac ?? s.ip ?? ''}">
                    ${m.sessions.disconnect}
                  </button>
                </form>`
              : ''
          }
        </td>
      </tr>`,
  );
  return html`<div class="table">
    <table>
      <thead>
        <tr>
          <th scope="col">${m.sessions.router}</th>
          <th scope="col">${m.sessions.device}</th>
          <th scope="col">${m.sessions.address}</th>
          <th scope="col">${m.sessions.started}</th>
          <th scope="col">${m.sessions.data}</th>
          <th scope="col"><span class="muted"></span></th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function card(ctx: PageContext, { c, sessions, manageable }: ConnectionCard, withManageLink: boolean): SafeHtml {
  const { m } = ctx;
  return html`<section class="card connection" aria-labelledby="c-${c.id}" data-username="${c.username}">
    <div class="card-head">
      <h2 id="c-${c.id}">${c.username}</h2>
      <span class="${STATE_CLASS[c.state]}">${m.connections.states[c.state]}</span>
    </div>
    ${facts(ctx, c)}
    <h3>${m.sessions.open}</h3>
    ${openSessionsTable(ctx, sessions, manageable)}
    ${withManageLink ? html`<a class="button" href="/panel/connections/${c.id}">${m.connections.manage}</a>` : ''}
  </section>`;
}

export function overviewPage(ctx: PageContext, view: { cards: ConnectionCard[]; flash?: Flash }): SafeHtml {
  const { m } = ctx;
  return layout(
    ctx,
    html`<h1>${m.connections.heading}</h1>
      ${flash(view.flash)}
      ${view.cards.length ? view.cards.map((c) => card(ctx, c, true)) : html`<p class="card">${m.connections.none}</p>`}`,
    { plain: true },
  );
}

export function connectionPage(ctx: PageContext, view: { card: ConnectionCard; flash?: Flash }): SafeHtml {
  const { m } = ctx;
  const { c, manageable } = view.card;
  const change = manageable
    ? html`<section class="card" aria-labelledby="change-heading">
        <h2 id="change-heading">${m.device.changeHeading}</h2>
        <p class="muted">${m.device.changeHint(DEVICE_PASSWORD_MIN)}</p>
        <form method="post" action="/panel/connections/${c.id}/password">
          ${csrfField(ctx)}
          <input type="text" name="username" value="${c.username}" autocomplete="username" hidden />
          <label for="password">${m.password.new}</label>
          <input
            type="password"
            id="password"
            name="password"
            autocomplete="new-password"
            minlength="${DEVICE_PASSWORD_MIN}"
            maxlength="128"
            required
          />
          <label for="confirm">${m.password.confirm}</label>
          <input
            type="password"
            id="confirm"
            name="confirm"
            autocomplete="new-password"
            minlength="${DEVICE_PASSWORD_MIN}"
            maxlength="128"
            required
          />
          <button type="submit">${m.device.submit}</button>
        </form>
      </section>`
    : html`<p class="alert note" role="note">${m.connections.outsideAllowlist((c.panelAllowlist ?? []).join(', '))}</p>`;
  return layout(ctx, html`${flash(view.flash)} ${card(ctx, view.card, false)} ${change}`, { plain: true });
}
