import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { orNotFound } from '../common/db-errors';
import { Page } from '../common/pagination';
import { Session } from './session.entity';
import { SessionQuery } from './session.dto';

/** Read side of sessions for the admin API. */
@Injectable()
export class SessionsQueryService {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async list(q: SessionQuery): Promise<Page<Session>> {
    const qb = this.sessions.createQueryBuilder('s').orderBy('s.started_at', 'DESC').addOrderBy('s.id').take(q.limit).skip(q.offset);
    if (q.active === true) qb.andWhere('s.stopped_at IS NULL');
    if (q.active === false) qb.andWhere('s.stopped_at IS NOT NULL');
    if (q.accountId) qb.andWhere('s.account_id = :accountId', { accountId: q.accountId });
    if (q.routerId) qb.andWhere('s.router_id = :routerId', { routerId: q.routerId });
    if (q.customerId) {
      qb.andWhere('s.account_id IN (SELECT id FROM accounts WHERE customer_id = :customerId)', { customerId: q.customerId });
    }
    const [items, total] = await qb.getManyAndCount();
    return Page.of(items, total, q);
  }

  async get(id: string): Promise<Session> {
    return orNotFound(await this.sessions.findOneBy({ id }), 'Session');
  }
}
