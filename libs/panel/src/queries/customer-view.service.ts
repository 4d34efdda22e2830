import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Account, AppConfig, Clock, Customer } from '@app/aaa';
import { connectionState, ConnectionState } from './connection-state';

/**
 * Everything the panel reads, each query scoped by the signed-in customer: an id that
 * belongs to another customer finds nothing, exactly like an id that does not exist.
 */
export interface ConnectionView {
  id: string;
  username: string;
  kind: Account['kind'];
  state: ConnectionState;
  staticIp: string | null;
  expiresAt: Date | null;
  quotaBytes: number | null;
  usedBytes: number;
  speed: { name: string; downloadKbps: number; uploadKbps: number } | null;
  panelAllowlist: string[] | null;
}

export interface SessionView {
  id: string;
  accountId: string;
  username: string;
  router: string | null;
  mac: string | null;
  ip: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
  inputOctets: number;
  outputOctets: number;
  terminateCause: string | null;
}

export interface HistoryPage {
  items: SessionView[];
  total: number;
  page: number;
  pages: number;
}

export interface DayUsage {
  /** YYYY-MM-DD in PANEL_TIME_ZONE. */
  day: string;
  bytes: number;
}

export const HISTORY_PAGE_SIZE = 20;
export const CHART_DAYS = 30;
const OPEN_SESSIONS_SHOWN = 100;
const COLUMNS =
  'id, account_id, router_id, framed_ip, calling_station_id, started_at, last_seen_at, stopped_at, input_octets, output_octets, terminate_cause';

@Injectable()
export class CustomerView implements OnModuleInit {
  private readonly log = new Logger('Panel');
  private timeZone: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.timeZone = config.panelTimeZone;
  }

  /** PostgreSQL counts the days; a zone Intl knows but its tz database does not falls back to UTC, once, loudly. */
  async onModuleInit(): Promise<void> {
    try {
      await this.db.query('SELECT now() AT TIME ZONE $1', [this.timeZone]);
    } catch (err) {
      if ((err as { driverError?: { code?: string } })?.driverError?.code !== '22023') return;
      this.log.warn(
        `PostgreSQL does not know the time zone ${JSON.stringify(this.timeZone)} (PANEL_TIME_ZONE): the panel counts days in UTC`,
      );
      this.timeZone = 'UTC';
    }
  }

  get zone(): string {
    return this.timeZone;
  }

  async customer(customerId: string): Promise<Customer | null> {
    return this.db.getRepository(Customer).findOneBy({ id: customerId });
  }

  async connections(customerId: string): Promise<ConnectionView[]> {
    const accounts = await this.db
      .getRepository(Account)
      .find({ where: { customerId }, relations: { speedProfile: true }, order: { username: 'ASC' } });
    const now = this.clock.now();
    return accounts.map((a) => ({
      id: a.id,
      username: a.username,
      kind: a.kind,
      state: connectionState(a, now),
      staticIp: a.staticIp,
      expiresAt: a.expiresAt,
      quotaBytes: a.quotaBytes,
      usedBytes: a.usedBytes,
      speed: a.speedProfile
        ? { name: a.speedProfile.name, downloadKbps: a.speedProfile.downloadKbps, uploadKbps: a.speedProfile.uploadKbps }
        : null,
      panelAllowlist: a.panelAllowlist,
    }));
  }

  /** Open sessions of the customer's connections (one connection's with `accountId`), newest first. */
  async openSessions(customerId: string, accountId?: string): Promise<SessionView[]> {
    const rows = await this.db.query(
      `SELECT s.*, a.username, r.name AS router FROM sessions s
         JOIN accounts a ON a.id = s.account_id LEFT JOIN routers r ON r.id = s.router_id
        WHERE a.customer_id = $1 AND ($2::uuid IS NULL OR a.id = $2) AND s.stopped_at IS NULL
        ORDER BY s.started_at DESC LIMIT ${OPEN_SESSIONS_SHOWN}`,
      [customerId, accountId ?? null],
    );
    return rows.map(toSession);
  }

  /** One open or closed session of the customer's, or null (another customer's, or none). */
  async session(customerId: string, sessionId: string): Promise<SessionView | null> {
    const rows = await this.db.query(
      `SELECT s.*, a.username, NULL AS router FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND a.customer_id = $2`,
      [sessionId, customerId],
    );
    return rows.length ? toSession(rows[0]) : null;
  }

  /** Closed sessions, from the hot table and the monthly history, newest first. */
  async history(customerId: string, page: number, accountId?: string): Promise<HistoryPage> {
    const scope = `account_id IN (SELECT id FROM accounts WHERE customer_id = $1 AND ($2::uuid IS NULL OR id = $2))`;
    const closed = `SELECT ${COLUMNS} FROM sessions WHERE stopped_at IS NOT NULL AND ${scope}
                    UNION ALL SELECT ${COLUMNS} FROM sessions_history WHERE ${scope}`;
    const params = [customerId, accountId ?? null];
    const total = Number((await this.db.query(`SELECT count(*) AS n FROM (${closed}) c`, params))[0].n);
    const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
    const current = Math.min(Math.max(1, page), pages);
    const rows = await this.db.query(
      `SELECT c.*, a.username, r.name AS router FROM (${closed}) c
         JOIN accounts a ON a.id = c.account_id LEFT JOIN routers r ON r.id = c.router_id
        ORDER BY c.stopped_at DESC, c.id LIMIT ${HISTORY_PAGE_SIZE} OFFSET $3`,
      [...params, (current - 1) * HISTORY_PAGE_SIZE],
    );
    return { items: rows.map(toSession), total, page: current, pages };
  }

  /**
   * Bytes per day over the last CHART_DAYS days (today included) in PANEL_TIME_ZONE.
   * Sessions report totals, not a time series, so each session's bytes are spread evenly
   * over its duration (start to stop, or to its last update while open): a VPN session
   * that ran three days counts a third on each.
   */
  async dailyUsage(customerId: string, accountId?: string): Promise<DayUsage[]> {
    const scope = `account_id IN (SELECT id FROM accounts WHERE customer_id = $1 AND ($2::uuid IS NULL OR id = $2))`;
    const rows: { day: string; bytes: string }[] = await this.db.query(
      `WITH days AS (
         SELECT d::date AS day, (d::date::timestamp AT TIME ZONE $3) AS day_start, ((d::date + 1)::timestamp AT TIME ZONE $3) AS day_end
           FROM generate_series(($4::timestamptz AT TIME ZONE $3)::date - ${CHART_DAYS - 1}, ($4::timestamptz AT TIME ZONE $3)::date, interval '1 day') d
       ), win AS (SELECT min(day_start) AS since FROM days),
       s AS (
         SELECT started_at, greatest(coalesce(stopped_at, last_seen_at), started_at) AS ended, (input_octets + output_octets)::numeric AS bytes
           FROM sessions WHERE ${scope} AND coalesce(stopped_at, last_seen_at) >= (SELECT since FROM win)
         UNION ALL
         SELECT started_at, greatest(stopped_at, started_at), (input_octets + output_octets)::numeric
           FROM sessions_history WHERE ${scope} AND stopped_at >= (SELECT since FROM win)
       )
       SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(sum(
                CASE WHEN s.ended > s.started_at
                     THEN s.bytes * extract(epoch FROM least(s.ended, d.day_end) - greatest(s.started_at, d.day_start))
                                  / extract(epoch FROM s.ended - s.started_at)
                     ELSE s.bytes END), 0)::text AS bytes
         FROM days d LEFT JOIN s
           ON s.started_at < d.day_end AND (s.ended > d.day_start OR (s.ended = s.started_at AND s.started_at >= d.day_start))
        GROUP BY d.day ORDER BY d.day`,
      [customerId, accountId ?? null, this.timeZone, this.clock.now()],
    );
    return rows.map((r) => ({ day: r.day, bytes: Math.round(Number(r.bytes)) }));
  }
}

function toSession(r: Record<string, unknown>): SessionView {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    username: r.username as string,
    router: (r.router as string | null) ?? null,
    mac: (r.calling_station_id as string | null) ?? null,
    ip: (r.framed_ip as string | null) ?? null,
    startedAt: new Date(r.started_at as string),
    stoppedAt: r.stopped_at ? new Date(r.stopped_at as string) : null,
    inputOctets: Number(r.input_octets),
    outputOctets: Number(r.output_octets),
    terminateCause: (r.terminate_cause as string | null) ?? null,
  };
}
