import { Injectable } from '@nestjs/common';
import { mayManage } from '../allowlist/allowlist';
import { DEVICE_PASSWORD_MIN, passwordProblem } from '../credentials/password-rules';
import { ActionResult, DeviceActions } from '../devices/device-actions.service';
import { CustomerView } from '../queries/customer-view.service';
import { PanelGate, Visit } from './panel-gate.service';
import { Flash, messagePage } from './templates/auth-pages';
import { ConnectionCard, connectionPage, overviewPage } from './templates/connection-pages';
import { historyPage } from './templates/history-page';
import { usageChart } from './usage-chart';
import { field, page, redirect, uuidOrUndefined, WebRequest, WebResponse } from './web-types';

const DONE = ['password', 'disconnected', 'already_ended'] as const;
type Done = (typeof DONE)[number];

/** The signed-in pages: connections, one connection with its actions, history. */
@Injectable()
export class AccountWeb {
  constructor(
    private readonly gate: PanelGate,
    private readonly view: CustomerView,
    private readonly actions: DeviceActions,
  ) {}

  /** GET /panel */
  async overview(req: WebRequest): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if ('status' in visit) return visit;
    const open = await this.view.openSessions(visit.customer.id);
    const cards: ConnectionCard[] = visit.connections.map((c) => ({
      c,
      sessions: open.filter((s) => s.accountId === c.id),
      manageable: mayManage(visit.clientIp, c),
    }));
    return page(200, overviewPage({ ...visit.ctx, current: 'connections' }, { cards }), visit.cookies);
  }

  /** GET /panel/connections/:id */
  async connection(req: WebRequest, id: string): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if ('status' in visit) return visit;
    const done = field(req.query, 'done', 20);
    const flash = (DONE as readonly string[]).includes(done ?? '') ? this.doneFlash(visit, done as Done) : undefined;
    return this.connectionResponse(visit, id, 200, flash);
  }

  /** POST /panel/connections/:id/password */
  async changePassword(req: WebRequest, id: string): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if ('status' in visit) return visit;
    if (!this.gate.sessionFormOk(req, visit)) return this.connectionResponse(visit, id, 403, alert(visit.ctx.m.signIn.formExpired));
    const accountId = uuidOrUndefined(id);
    const password = field(req.body, 'password', 1024);
    const problem = passwordProblem(password, field(req.body, 'confirm', 1024) ?? '', DEVICE_PASSWORD_MIN);
    if (accountId && problem) {
      return this.connectionResponse(visit, accountId, 400, alert(visit.ctx.m.password.problems[problem](DEVICE_PASSWORD_MIN)));
    }
    const result = accountId ? await this.actions.changePassword(visit.customer.id, accountId, password!, visit.clientIp) : 'not_found';
    return this.afterAction(visit, accountId, result, 'password');
  }

  /** POST /panel/sessions/:id/disconnect */
  async disconnect(req: WebRequest, id: string): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if ('status' in visit) return visit;
    const sessionId = uuidOrUndefined(id);
    const session = sessionId ? await this.view.session(visit.customer.id, sessionId) : null;
    if (!session) return this.notFound(visit);
    if (!this.gate.sessionFormOk(req, visit)) {
      return this.connectionResponse(visit, session.accountId, 403, alert(visit.ctx.m.signIn.formExpired));
    }
    const result = await this.actions.disconnect(visit.customer.id, session.id, visit.clientIp);
    return this.afterAction(visit, session.accountId, result, 'disconnected');
  }

  /** GET /panel/history?page=&connection= */
  async history(req: WebRequest): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if ('status' in visit) return visit;
    const wanted = field(req.query, 'connection', 36);
    const selected = wanted ? visit.connections.find((c) => c.id === uuidOrUndefined(wanted))?.id : undefined;
    if (wanted && !selected) return this.notFound(visit);
    const pageNo = Math.min(1_000_000, Math.max(1, Number.parseInt(field(req.query, 'page', 7) ?? '1', 10) || 1));
    const [days, history] = await Promise.all([
      this.view.dailyUsage(visit.customer.id, selected),
      this.view.history(visit.customer.id, pageNo, selected),
    ]);
    const { m, f } = visit.ctx;
    const chart = usageChart(days, f, { title: m.history.chartTitle, description: m.history.chartDesc, empty: m.history.chartEmpty });
    return page(
      200,
      historyPage({ ...visit.ctx, current: 'history' }, { chart, page: history, connections: visit.connections, selected }),
      visit.cookies,
    );
  }

  /** A path the panel does not have: 404, in the customer's language, with the navigation if signed in. */
  async unknownPath(req: WebRequest): Promise<WebResponse> {
    const visit = await this.gate.visit(req);
    if (!('status' in visit)) return this.notFound(visit);
    const visitor = this.gate.visitor(req);
    const { m } = visitor.ctx;
    return page(
      404,
      messagePage(visitor.ctx, m.errors.notFoundHeading, m.errors.notFoundText, { href: '/panel', label: m.errors.back }),
      visitor.cookies,
    );
  }

  private async afterAction(
    visit: Visit,
    accountId: string | undefined,
    result: ActionResult,
    done: 'password' | 'disconnected',
  ): Promise<WebResponse> {
    const { m } = visit.ctx;
    switch (result) {
      case 'done':
        return redirect(`/panel/connections/${accountId}?done=${done}`, visit.cookies);
      case 'already_ended':
        return redirect(`/panel/connections/${accountId}?done=already_ended`, visit.cookies);
      case 'not_found':
        return this.notFound(visit);
      case 'not_allowed':
        return this.connectionResponse(visit, accountId!, 403, alert(m.device.problems.not_allowed));
      case 'router_unreachable':
        return this.connectionResponse(visit, accountId!, 503, alert(m.device.problems.router_unreachable));
      case 'router_refused':
        return this.connectionResponse(visit, accountId!, 502, alert(m.device.problems.router_refused));
    }
  }

  private async connectionResponse(visit: Visit, id: string, status: number, flash?: Flash): Promise<WebResponse> {
    const c = visit.connections.find((x) => x.id === uuidOrUndefined(id));
    if (!c) return this.notFound(visit);
    const sessions = await this.view.openSessions(visit.customer.id, c.id);
    const card = { c, sessions, manageable: mayManage(visit.clientIp, c) };
    return page(status, connectionPage({ ...visit.ctx, current: 'connections' }, { card, flash }), visit.cookies);
  }

  /** Another customer's id and an id that does not exist look the same. */
  private notFound(visit: Visit): WebResponse {
    const { m } = visit.ctx;
    return page(
      404,
      messagePage(visit.ctx, m.errors.notFoundHeading, m.errors.notFoundText, { href: '/panel', label: m.errors.back }),
      visit.cookies,
    );
  }

  private doneFlash(visit: Visit, done: Done): Flash {
    return { kind: 'ok', text: visit.ctx.m.device.done[done] };
  }
}

const alert = (text: string): Flash => ({ kind: 'error', text });
