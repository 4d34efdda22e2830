import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { orNotFound, pgCode, rethrowDbError } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { AAA_EVENTS, AuthorizationChangedEvent } from '../events';
import { AnswerCacheControl } from '../radius/answer-cache/answer-cache-control.service';
import { SpeedProfile } from '../speed-profiles/speed-profile.entity';
import { CreatePlanDto, UpdatePlanDto } from './plan.dto';
import { Plan } from './plan.entity';

@Injectable()
export class PlansService {
  constructor(
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
    @InjectRepository(SpeedProfile) private readonly profiles: Repository<SpeedProfile>,
    private readonly events: EventEmitter2,
    private readonly radius: AnswerCacheControl,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreatePlanDto): Promise<Plan> {
    const plan = this.plans.create({
      name: dto.name,
      speedProfileId: dto.speedProfileId ?? null,
      price: dto.price ?? null,
      currency: dto.currency ?? null,
      validitySeconds: dto.validitySeconds ?? null,
      validFrom: dto.validFrom ?? 'creation',
      dataBytes: dto.dataBytes ?? null,
      timeSeconds: dto.timeSeconds ?? null,
      period: dto.period ?? 'none',
      timezone: dto.timezone ?? 'UTC',
      onLimit: dto.onLimit ?? 'restrict',
      throttleProfileId: dto.throttleProfileId ?? null,
    });
    await this.check(plan);
    const saved = await this.plans.save(plan).catch((e) => rethrowDbError(e, 'speedProfileId does not name an existing speed profile'));
    this.audit.describe({ targetType: 'plan', targetId: saved.id, after: saved });
    return saved;
  }

  async list(q: PageQuery): Promise<Page<Plan>> {
    const [items, total] = await this.plans.findAndCount({ order: { name: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(items, total, q);
  }

  async get(id: string): Promise<Plan> {
    return orNotFound(await this.plans.findOneBy({ id }), 'Plan');
  }

  async update(id: string, dto: UpdatePlanDto): Promise<Plan> {
    const plan = await this.get(id);
    const before = { ...plan };
    Object.assign(plan, dto);
    await this.check(plan);
    const saved = await this.plans.save(plan).catch((e) => rethrowDbError(e, 'speedProfileId does not name an existing speed profile'));
    this.audit.describe({ targetType: 'plan', targetId: id, before, after: saved });
    await this.changed(id);
    return saved;
  }

  /** A plan still assigned to accounts stays: deleting it would silently lift their limits. */
  async remove(id: string): Promise<void> {
    const before = await this.get(id);
    try {
      await this.plans.delete({ id });
    } catch (err) {
      if (pgCode(err) === '23001' || pgCode(err) === '23503') {
        throw new ConflictException('Plan is assigned to accounts; move them to another plan first');
      }
      throw err;
    }
    this.audit.describe({ targetType: 'plan', targetId: id, before, after: null });
    await this.changed(id);
  }

  /** Rules across fields, which the DTO cannot state alone. */
  private async check(plan: Plan): Promise<void> {
    if (plan.onLimit === 'throttle' && !plan.throttleProfileId) {
      throw new BadRequestException('onLimit "throttle" needs a throttleProfileId: the speed once the data is used up');
    }
    if ((plan.price === null) !== (plan.currency === null)) throw new BadRequestException('price and currency go together');
    for (const field of ['speedProfileId', 'throttleProfileId'] as const) {
      const id = plan[field];
      if (id && !(await this.profiles.existsBy({ id }))) throw new BadRequestException(`${field} does not name an existing speed profile`);
    }
    // Usage is booked by PostgreSQL in this zone: it must know the name too.
    const known: unknown[] = await this.plans.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [plan.timezone]);
    if (!known.length) throw new BadRequestException(`timezone ${plan.timezone} is not known to the database`);
  }

  /**
   * Accounts on the plan answer with its new limits from their next login; their open
   * sessions get the new speed by CoA (router-rpc).
   */
  private async changed(id: string): Promise<void> {
    this.events.emit(AAA_EVENTS.profileChanged, { planId: id });
    await this.radius.bumpNow();
    const live: AuthorizationChangedEvent = { changeId: randomUUID(), planId: id, reason: 'account', restriction: null };
    this.events.emit(AAA_EVENTS.authorizationChanged, live);
  }
}
