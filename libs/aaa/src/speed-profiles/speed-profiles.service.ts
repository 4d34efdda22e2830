import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { orNotFound, rethrowDbError } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { randomUUID } from 'node:crypto';
import { AAA_EVENTS, AuthorizationChangedEvent } from '../events';
import { AnswerCacheControl } from '../radius/answer-cache/answer-cache-control.service';
import { SpeedProfile } from './speed-profile.entity';
import { CreateSpeedProfileDto, UpdateSpeedProfileDto } from './speed-profile.dto';

@Injectable()
export class SpeedProfilesService {
  constructor(
    @InjectRepository(SpeedProfile) private readonly profiles: Repository<SpeedProfile>,
    private readonly events: EventEmitter2,
    private readonly radius: AnswerCacheControl,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateSpeedProfileDto): Promise<SpeedProfile> {
    const saved = await this.profiles.save(this.profiles.create(dto)).catch(rethrowDbError);
    this.audit.describe({ targetType: 'speed-profile', targetId: saved.id, after: saved });
    return saved;
  }

  async list(q: PageQuery): Promise<Page<SpeedProfile>> {
    const [items, total] = await this.profiles.findAndCount({ order: { name: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(items, total, q);
  }

  async get(id: string): Promise<SpeedProfile> {
    return orNotFound(await this.profiles.findOneBy({ id }), 'Speed profile');
  }

  async update(id: string, dto: UpdateSpeedProfileDto): Promise<SpeedProfile> {
    const profile = await this.get(id);
    const before = { ...profile };
    const saved = await this.profiles.save(Object.assign(profile, dto)).catch(rethrowDbError);
    this.audit.describe({ targetType: 'speed-profile', targetId: id, before, after: saved });
    this.events.emit(AAA_EVENTS.profileChanged, { profileId: id });
    // Every cached answer may carry the old rate: FreeRADIUS drops them before we answer.
    await this.radius.bumpNow();
    // Open sessions of accounts on this profile (or throttled to it) get the new rates by CoA.
    const live: AuthorizationChangedEvent = { changeId: randomUUID(), profileId: id, reason: 'speed-profile', restriction: null };
    this.events.emit(AAA_EVENTS.authorizationChanged, live);
    return saved;
  }

  async remove(id: string): Promise<void> {
    const before = await this.get(id);
    const { affected } = await this.profiles.delete({ id });
    orNotFound(affected || null, 'Speed profile');
    this.audit.describe({ targetType: 'speed-profile', targetId: id, before, after: null });
    this.events.emit(AAA_EVENTS.profileChanged, { profileId: id });
    await this.radius.bumpNow();
  }
}
