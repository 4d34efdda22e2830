import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { orNotFound } from '../common/db-errors';
import { Page } from '../common/pagination';
import { Session } from './session.entity';
import { SessionQuery } from './session.dto';

/**
 * Read side of sessions for the admin API: the hot table and its monthly history
 * (`sessions_history`, see session-archiver.ts) read as one list, newest first.
 */
@Injectable()
export class SessionsQueryService {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async list(q: SessionQuery): Promise<Page<Session>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => where.push(sql.replace('?', `$${params.push(value)}`));
    if (q.active === true) where.push('stopped_at IS NULL');
    if (q.active === false) where.push('stopped_at IS NOT NULL');
    if (q.accountId) add('account_id = ?', q.accountId);
    if (q.routerId) add('router_id = ?', q.routerId);
    if (q.customerId) add('account_id IN (SELECT id FROM accounts WHERE customer_id = ?)', q.customerId);
    // inet && inet: either contains the other, so an address finds the prefix it lies in and
    // a network finds everything inside it; each column has a GiST index in history.
    if (q.ip) {
      const p = `$${params.push(q.ip)}::inet`;
      where.push(`(framed_ip && ${p} OR framed_ipv6_address && ${p} OR framed_ipv6_prefix && ${p} OR delegated_ipv6_prefix && ${p})`);
    }
    if (q.at) {
      // A session still open then; stopped_at >= at also prunes older history partitions.
      add('started_at <= ?', q.at);
      add('(stopped_at IS NULL OR stopped_at >= ?)', q.at);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // Open sessions are never in history.
    const union = q.active === true ? `SELECT * FROM sessions ${filter}` : this.both(filter);
    const total = Number((await this.sessions.query(`SELECT count(*) AS n FROM (${union}) s`, params))[0].n);
    const page = params.length;
    const rows: Record<string, unknown>[] = await this.sessions.query(
      `SELECT ${this.select()} FROM (${union}) s ORDER BY started_at DESC, id LIMIT $${page + 1} OFFSET $${page + 2}`,
      [...params, q.limit, q.offset],
    );
    return Page.of(await this.withLastCoa(rows.map((r) => this.toEntity(r))), total, q);
  }

  async get(id: string): Promise<Session> {
    const rows: Record<string, unknown>[] = await this.sessions.query(
      `SELECT ${this.select()} FROM (${this.both('WHERE id = $1')}) s LIMIT 1`,
      [id],
    );
    const session = orNotFound(rows.length ? this.toEntity(rows[0]) : null, 'Session');
    return (await this.withLastCoa([session]))[0];
  }

  /** One statement per page: the newest finished CoA of each session (router-rpc writes them). */
  private async withLastCoa(sessions: Session[]): Promise<Session[]> {
    if (!sessions.length) return sessions;
    const rows: {
      session_id: string;
      finished_at: Date;
      reason: string;
      outcome: string;
      error_cause: string | null;
      detail: string | null;
    }[] = await this.sessions.query(
      `SELECT DISTINCT ON (session_id) session_id, finished_at, reason, outcome, error_cause, detail
           FROM coa_requests WHERE session_id = ANY ($1::uuid[]) AND finished_at IS NOT NULL
          ORDER BY session_id, id DESC`,
      [sessions.map((s) => s.id)],
    );
    const last = new Map(rows.map((r) => [r.session_id, r]));
    for (const s of sessions) {
      const r = last.get(s.id);
      s.lastCoa = r ? { at: r.finished_at, reason: r.reason, result: r.outcome, errorCause: r.error_cause, detail: r.detail } : null;
    }
    return sessions;
  }

  private both(filter: string): string {
    const cols = this.sessions.metadata.columns.map((c) => c.databaseName).join(', ');
    return `SELECT ${cols} FROM sessions ${filter} UNION ALL SELECT ${cols} FROM sessions_history ${filter}`;
  }

  private select(): string {
    return this.sessions.metadata.columns.map((c) => `s.${c.databaseName} AS "${c.propertyName}"`).join(', ');
  }

  private toEntity(row: Record<string, unknown>): Session {
    const session = new Session();
    for (const c of this.sessions.metadata.columns) {
      const value = row[c.propertyName];
      const transformer = Array.isArray(c.transformer) ? undefined : c.transformer;
      (session as unknown as Record<string, unknown>)[c.propertyName] = transformer ? transformer.from(value) : value;
    }
    return session;
  }
}
