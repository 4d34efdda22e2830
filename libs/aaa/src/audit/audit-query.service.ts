import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page } from '../common/pagination';
import { AuditEntryView, AuditLogQuery } from './audit.dto';

const COLUMNS = `id::text, at, actor_type, operator_id, customer_id, actor_name, token_id, token_prefix, host(source_ip) AS source_ip, method, path,
                 action, target_type, target_id, changes, outcome, status, detail`;

/** The admin read side of the audit log: filtered, newest first, paged. */
@Injectable()
export class AuditQueryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(q: AuditLogQuery): Promise<Page<AuditEntryView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.operatorId) where.push(`operator_id = $${params.push(q.operatorId)}`);
    if (q.target) where.push(`target_id = $${params.push(q.target)}`);
    if (q.action) {
      // `accounts` means the area, `accounts.update` the action: never `accountsX`.
      const p = params.push(q.action);
      where.push(`(action = $${p} OR left(action, length($${p}) + 1) = ($${p} || '.'))`);
    }
    if (q.outcome) where.push(`outcome = $${params.push(q.outcome)}`);
    if (q.from) where.push(`at >= $${params.push(q.from)}`);
    if (q.to) where.push(`at < $${params.push(q.to)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ n }] = await this.db.query(`SELECT count(*) AS n FROM audit_log ${filter}`, params);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${COLUMNS} FROM audit_log ${filter} ORDER BY at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.limit, q.offset],
    );
    return Page.of(rows.map(toView), Number(n), q);
  }
}

function toView(r: Record<string, unknown>): AuditEntryView {
  return {
    id: r.id as string,
    at: r.at as Date,
    actorType: r.actor_type as AuditEntryView['actorType'],
    operatorId: r.operator_id as string | null,
    customerId: r.customer_id as string | null,
    actorName: r.actor_name as string | null,
    tokenId: r.token_id as string | null,
    tokenPrefix: r.token_prefix as string | null,
    sourceIp: r.source_ip as string | null,
    method: r.method as string | null,
    path: r.path as string | null,
    action: r.action as string,
    targetType: r.target_type as string | null,
    targetId: r.target_id as string | null,
    changes: r.changes as AuditEntryView['changes'],
    outcome: r.outcome as AuditEntryView['outcome'],
    status: r.status as number | null,
    detail: r.detail as string | null,
  };
}
