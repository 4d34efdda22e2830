import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsUUID, MaxLength } from 'class-validator';
import { Repository } from 'typeorm';
import { Page, PageQuery } from '../common/pagination';
import { rawQuery } from '../common/pg-fast';
import { toStorableText } from '../common/text';
import { Optional } from '../common/validation';
import { normalizeMac } from '../radius/radius-request';
import { AuthEvent, AuthResult } from './auth-event.entity';

export class AuthEventQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'User-Name as sent, any case' }) @Optional() @MaxLength(253) username?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID('all') routerId?: string;
  @ApiPropertyOptional({ description: 'Calling-Station-Id (MAC)' }) @Optional() @MaxLength(64) mac?: string;
}

export interface NewAuthEvent {
  username: string;
  routerId: string | null;
  mac: string | null;
  result: AuthResult;
  reason: string;
}

const FLUSH_MS = 50;
const MAX_BATCH = 500;

/**
 * Records post-auth decisions. Writes are batched off the RADIUS hot path:
 * an Access-Accept never waits for the log row (losing a few log rows on a crash
 * is acceptable; losing accounting is not, and that path is synchronous).
 */
@Injectable()
export class AuthEventsService implements OnApplicationShutdown {
  private readonly log = new Logger(AuthEventsService.name);
  private pending: NewAuthEvent[] = [];
  private timer?: NodeJS.Timeout;
  /** The write in progress: a read must wait for it, or it misses rows already taken off `pending`. */
  private writing: Promise<void> = Promise.resolve();

  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  record(event: NewAuthEvent): void {
    // Whatever a NAS sent: one unstorable string must not cost the whole batch.
    this.pending.push({
      ...event,
      username: toStorableText(event.username.slice(0, 253)),
      mac: event.mac === null ? null : toStorableText(event.mac),
      reason: toStorableText(event.reason.slice(0, 200)),
    });
    if (this.pending.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: NewAuthEvent[]): Promise<void> {
    try {
      // One array-parameter statement for the whole batch: building a multi-row INSERT
      // through the ORM cost more CPU than the logins it records.
      await rawQuery(
        this.events.manager.connection,
        `INSERT INTO auth_events (username, router_id, mac, result, reason)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[])`,
        [
          batch.map((e) => e.username),
          batch.map((e) => e.routerId),
          batch.map((e) => e.mac),
          batch.map((e) => e.result),
          batch.map((e) => e.reason),
        ],
      );
    } catch (err) {
      this.log.warn(`dropped ${batch.length} auth events: ${(err as Error).message}`);
    }
  }

  async list(q: AuthEventQuery): Promise<Page<AuthEvent>> {
    await this.flush();
    const qb = this.events.createQueryBuilder('e').orderBy('e.created_at', 'DESC').addOrderBy('e.id', 'DESC').take(q.limit).skip(q.offset);
    if (q.username) qb.andWhere('lower(e.username) = lower(:u)', { u: q.username });
    if (q.routerId) qb.andWhere('e.router_id = :r', { r: q.routerId });
    if (q.mac) qb.andWhere('e.mac = :m', { m: normalizeMac(q.mac) });
    const [items, total] = await qb.getManyAndCount();
    return Page.of(items, total, q);
  }

  /** The latest decision for a device or login, for portals whose router sends no reason. */
  async latest(where: { routerId?: string; mac?: string; username?: string }, since: Date): Promise<AuthEvent | null> {
    await this.flush();
    const qb = this.events
      .createQueryBuilder('e')
      .where('e.created_at >= :since', { since })
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(1);
    if (where.routerId) qb.andWhere('e.router_id = :r', { r: where.routerId });
    // Stored MACs are normalised (AA:BB:…); portals pass whatever the router sent.
    if (where.mac) qb.andWhere('e.mac = :m', { m: normalizeMac(where.mac) });
    if (where.username) qb.andWhere('lower(e.username) = lower(:u)', { u: where.username });
    return qb.getOne();
  }

  onApplicationShutdown(): Promise<void> {
    return this.flush();
  }
}
