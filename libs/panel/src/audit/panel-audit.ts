import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '@app/aaa';

/**
 * The hook through which every panel action reaches the audit log, with the customer as
 * actor (`AuditLogPanelAudit`, provided in PanelModule; `LogPanelAudit` writes log lines
 * instead, for tests or another sink). Entries never carry a password, token or cookie.
 */
export type PanelAction =
  'panel.sign_in' | 'panel.sign_out' | 'panel.invite_accepted' | 'panel.device_password_changed' | 'panel.session_disconnected';

export type PanelOutcome = 'success' | 'failed' | 'locked' | 'rate_limited' | 'refused_allowlist' | 'refused_router' | 'not_found';

export interface PanelAuditEntry {
  action: PanelAction;
  outcome: PanelOutcome;
  /** The customer acting; null when a sign-in named no customer (unknown email). */
  customerId: string | null;
  /** The browser's address (socket, or X-Forwarded-For through TRUSTED_PROXIES). */
  clientIp: string;
  target?: { type: 'account' | 'session'; id: string };
  /** Short, secret-free detail (a router's answer, the account's username). */
  detail?: string;
}

export interface PanelAudit {
  record(entry: PanelAuditEntry): Promise<void> | void;
}

export const PANEL_AUDIT = Symbol('PANEL_AUDIT');

@Injectable()
export class LogPanelAudit implements PanelAudit {
  private readonly log = new Logger('PanelAudit');

  record(entry: PanelAuditEntry): void {
    this.log.log({ msg: `${entry.action} ${entry.outcome}`, ...entry });
  }
}

/** Writes an entry without ever failing the action it describes. */
export async function audit(sink: PanelAudit, entry: PanelAuditEntry, log: Logger): Promise<void> {
  try {
    await sink.record(entry);
  } catch (err) {
    log.error(`audit entry ${entry.action} could not be written: ${(err as Error)?.message ?? err}`);
  }
}

/**
 * The panel's entries in the append-only audit log, with the customer as actor
 * (`AuditLog.record`). A success is `ok`; a refusal (wrong password, lockout, allowlist,
 * not found) is `denied`; a router that could not do it is `failed`. The panel's own
 * outcome stays in the detail.
 */
@Injectable()
export class AuditLogPanelAudit implements PanelAudit {
  constructor(private readonly auditLog: AuditLog) {}

  record(e: PanelAuditEntry): Promise<void> {
    const outcome = e.outcome === 'success' ? 'ok' : e.outcome === 'refused_router' || e.outcome === 'failed' ? 'failed' : 'denied';
    return this.auditLog.record(
      { type: 'customer', operatorId: null, customerId: e.customerId, name: null, tokenId: null, tokenPrefix: null },
      { action: e.action, targetType: e.target?.type, targetId: e.target?.id ?? e.customerId },
      outcome,
      { sourceIp: e.clientIp, detail: [e.outcome, e.detail].filter(Boolean).join(': ') },
    );
  }
}
