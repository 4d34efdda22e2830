import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Account, AccountsService } from '@app/aaa';
import { DisconnectService } from '@app/router-rpc';
import { mayManage } from '../allowlist/allowlist';
import { audit, PANEL_AUDIT, PanelAudit, PanelOutcome } from '../audit/panel-audit';

/** What a device action came to; the web layer turns each into a page. */
export type ActionResult = 'done' | 'not_found' | 'not_allowed' | 'already_ended' | 'router_unreachable' | 'router_refused';

/**
 * A customer's changes to their own connections. Every action is scoped by the customer
 * (another customer's id is not found), honours the connection's panel allowlist, goes
 * through the same service the admin API uses, and is audited with the customer as actor.
 */
@Injectable()
export class DeviceActions {
  private readonly log = new Logger('Panel');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly disconnects: DisconnectService,
    @Inject(PANEL_AUDIT) private readonly auditSink: PanelAudit,
  ) {}

  /**
   * The new password works for the very next RADIUS login: AccountsService.update seals it,
   * and answers only once every FreeRADIUS has evicted its cached answers for the user.
   */
  async changePassword(customerId: string, accountId: string, password: string, clientIp: string): Promise<ActionResult> {
    const account = await this.db.getRepository(Account).findOneBy({ id: accountId, customerId });
    const result: ActionResult = !account ? 'not_found' : !mayManage(clientIp, account) ? 'not_allowed' : 'done';
    if (result === 'done') await this.accounts.update(accountId, { password });
    await this.record('panel.device_password_changed', result, customerId, clientIp, 'account', accountId, account?.username);
    return result;
  }

  /** Through the router's own channel (router-rpc's DisconnectService: WebSocket or RFC 5176), as the admin API does. */
  async disconnect(customerId: string, sessionId: string, clientIp: string): Promise<ActionResult> {
    const [row] = await this.db.query(
      `SELECT s.stopped_at, a.panel_allowlist, a.username FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND a.customer_id = $2`,
      [sessionId, customerId],
    );
    let result: ActionResult;
    let detail: string | undefined;
    if (!row) result = 'not_found';
    else if (!mayManage(clientIp, { panelAllowlist: parseCidrArray(row.panel_allowlist) })) result = 'not_allowed';
    else if (row.stopped_at) result = 'already_ended';
    else {
      try {
        await this.disconnects.disconnect(sessionId);
        result = 'done';
      } catch (err) {
        if (!(err instanceof HttpException)) throw err;
        const status = err.getStatus();
        result = status === 409 || status === 404 ? 'already_ended' : status === 503 ? 'router_unreachable' : 'router_refused';
        detail = err.message;
      }
    }
    await this.record('panel.session_disconnected', result, customerId, clientIp, 'session', sessionId, detail ?? row?.username);
    return result;
  }

  private record(
    action: 'panel.device_password_changed' | 'panel.session_disconnected',
    result: ActionResult,
    customerId: string,
    clientIp: string,
    type: 'account' | 'session',
    id: string,
    detail?: string,
  ): Promise<void> {
    const outcomes: Record<ActionResult, PanelOutcome> = {
      done: 'success',
      not_found: 'not_found',
      not_allowed: 'refused_allowlist',
      already_ended: 'success',
      router_unreachable: 'refused_router',
      router_refused: 'refused_router',
    };
    return audit(this.auditSink, { action, outcome: outcomes[result], customerId, clientIp, target: { type, id }, detail }, this.log);
  }
}

/** A raw `cidr[]` as node-postgres returns it from a plain query (`{10.0.0.0/8,…}`), or already an array. */
export function parseCidrArray(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value as string[];
  const inner = String(value).replace(/^\{|\}$/g, '');
  return inner ? inner.split(',') : [];
}
