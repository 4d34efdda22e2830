import type { ConnectionView, HistoryPage } from '../../queries/customer-view.service';
import { html, SafeHtml } from './html';
import { layout, PageContext } from './layout';

export interface HistoryView {
  chart: SafeHtml;
  page: HistoryPage;
  connections: ConnectionView[];
  /** The connection filtered on, if any. */
  selected?: string;
}

export function historyPage(ctx: PageContext, view: HistoryView): SafeHtml {
  const { m, f } = ctx;
  const { page } = view;
  const link = (n: number) => `/panel/history?page=${n}${view.selected ? `&connection=${view.selected}` : ''}`;
  const options = view.connections.map((c) =>
    c.id === view.selected
      ? html`<option value="${c.id}" selected>${c.username}</option>`
      : html`<option value="${c.id}">${c.username}</option>`,
  );
  const rows = page.items.map(
    (s) =>
      html`<tr>
        <td>${s.username}</td>
        <td>${s.router ?? '—'}</td>
        <td class="nowrap">${s.mac ?? '—'}</td>
        <td class="nowrap">${s.ip ?? '—'}</td>
        <td class="num">${f.dateTime(s.startedAt)}</td>
        <td class="num">${s.stoppedAt ? f.dateTime(s.stoppedAt) : '—'}</td>
        <td class="num">${m.sessions.dataValue(f.bytes(s.outputOctets), f.bytes(s.inputOctets))}</td>
        <td>${s.terminateCause ? (m.sessions.causes[s.terminateCause] ?? s.terminateCause) : '—'}</td>
      </tr>`,
  );
  const table = page.items.length
    ? html`<div class="table">
        <table>
          <thead>
            <tr>
              <th scope="col">${m.history.connection}</th>
              <th scope="col">${m.sessions.router}</th>
              <th scope="col">${m.sessions.device}</th>
              <th scope="col">${m.sessions.address}</th>
              <th scope="col">${m.sessions.started}</th>
              <th scope="col">${m.sessions.ended}</th>
              <th scope="col">${m.sessions.data}</th>
              <th scope="col">${m.sessions.cause}</th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
      </div>`
    : html`<p class="muted">${m.history.none}</p>`;
  const pager =
    page.pages > 1
      ? html`<nav class="pager" aria-label="${m.history.closed}">
          ${page.page > 1 ? html`<a href="${link(page.page - 1)}" rel="prev">${m.history.newer}</a>` : ''}
          <span>${m.history.page(page.page, page.pages)}</span>
          ${page.page < page.pages ? html`<a href="${link(page.page + 1)}" rel="next">${m.history.older}</a>` : ''}
        </nav>`
      : '';
  return layout(
    ctx,
    html`<section class="card">
        <h1>${m.history.heading}</h1>
        <form class="filter" method="get" action="/panel/history">
          <label for="connection">${m.history.connection}</label>
          <select id="connection" name="connection">
            <option value="">${m.history.all}</option>
            ${options}
          </select>
          <button type="submit">${m.history.show}</button>
        </form>
      </section>
      <section class="card" aria-labelledby="chart-heading">
        <h2 id="chart-heading">${m.history.chartTitle}</h2>
        ${view.chart}
      </section>
      <section class="card" aria-labelledby="closed-heading">
        <h2 id="closed-heading">${m.history.closed}</h2>
        ${table} ${pager}
      </section>`,
    { plain: true },
  );
}
