import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { CredentialVault } from '../common/credential-vault';
import { canonicalUsername } from '../common/username';
import { orNotFound, rethrowDbError } from '../common/db-errors';
import { Page } from '../common/pagination';
import { Customer } from '../customers/customer.entity';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { AAA_EVENTS, AccountChangedEvent, AccountStatusChangedEvent, AuthorizationChangedEvent } from '../events';
import { isRestricted } from '../radius/policy';
import { IpPoolsService } from '../ip-pools/ip-pools.service';
import { Ip6PoolsService } from '../ip6-pools/ip6-pools.service';
import { AnswerCacheControl } from '../radius/answer-cache/answer-cache-control.service';
import { Plan } from '../plans/plan.entity';
import { SpeedProfile } from '../speed-profiles/speed-profile.entity';
import { Account } from './account.entity';
import { AccountQuery, AccountView, CreateAccountDto, UpdateAccountDto } from './account.dto';
import { toAccountView } from './account.view';

@Injectable()
export class AccountsService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly pools: IpPoolsService,
    private readonly ip6Pools: Ip6PoolsService,
    private readonly vault: CredentialVault,
    private readonly events: EventEmitter2,
    private readonly radius: AnswerCacheControl,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async create(customerId: string, dto: CreateAccountDto): Promise<AccountView> {
    if (dto.ipPoolId && dto.staticIp) throw new BadRequestException('Give either ipPoolId or staticIp, not both');
    if (dto.ip6PoolId && dto.delegatedPrefix) throw new BadRequestException('Give either ip6PoolId or delegatedPrefix, not both');
    if (dto.framedIp6PoolId && dto.framedIpv6Prefix) {
      throw new BadRequestException('Give either framedIp6PoolId or framedIpv6Prefix, not both');
    }
    const ntHash = await this.vault.ntHash(dto.password);
    const saved = await this.db
      .transaction(async (tx) => {
        if (!(await tx.existsBy(Customer, { id: customerId }))) throw new NotFoundException('Customer not found');
        await this.assertProfile(tx.getRepository(SpeedProfile), dto.speedProfileId);
        await this.assertProfile(tx.getRepository(SpeedProfile), dto.throttleProfileId, 'throttleProfileId');
        await this.assertPlan(tx.getRepository(Plan), dto.planId);
        const staticIp = dto.ipPoolId ? await this.pools.allocate(tx, dto.ipPoolId) : (dto.staticIp ?? null);
        // Pools are always locked in this order (IPv4, delegated, framed), so creates cannot deadlock.
        const delegatedPrefix = dto.ip6PoolId
          ? await this.ip6Pools.allocate(tx, dto.ip6PoolId, 'delegated', 'ip6PoolId')
          : (dto.delegatedPrefix ?? null);
        const framedIpv6Prefix = dto.framedIp6PoolId
          ? await this.ip6Pools.allocate(tx, dto.framedIp6PoolId, 'framed', 'framedIp6PoolId')
          : (dto.framedIpv6Prefix ?? null);
        const created = await tx.save(
          tx.create(Account, {
            customerId,
            username: dto.username,
            passwordEnc: this.vault.encrypt(dto.password),
            ntHash,
            kind: dto.kind,
            group: dto.group ?? 'user',
            status: dto.status ?? 'active',
            speedProfileId: dto.speedProfileId ?? null,
            throttleProfileId: dto.throttleProfileId ?? null,
            planId: dto.planId ?? null,
            ipPoolId: dto.ipPoolId ?? null,
            staticIp,
            ip6PoolId: dto.ip6PoolId ?? null,
            delegatedPrefix,
            framedIp6PoolId: dto.framedIp6PoolId ?? null,
            framedIpv6Prefix,
            expiresAt: dto.expiresAt ?? null,
            quotaBytes: dto.quotaBytes ?? null,
            maxSessions: dto.maxSessions ?? 1,
            panelAllowlist: dto.panelAllowlist ?? null,
            restrictions: dto.restrictions ?? [],
            notes: dto.notes ?? null,
          }),
        );
        return this.canonicalPrefixes(tx.getRepository(Account), created);
      })
      .catch(rethrowDbError);
    this.changed(saved);
    const view = toAccountView(saved);
    this.audit.describe({ targetType: 'account', targetId: saved.id, after: view, secrets: ['password'] });
    return view;
  }

  async listForCustomer(customerId: string, q: AccountQuery): Promise<Page<AccountView>> {
    if (!(await this.db.getRepository(Customer).existsBy({ id: customerId }))) throw new NotFoundException('Customer not found');
    const [items, total] = await this.accounts.findAndCount({
      where: { customerId },
      order: { createdAt: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return Page.of(items.map(toAccountView), total, q);
  }

  async list(q: AccountQuery): Promise<Page<AccountView>> {
    const qb = this.accounts.createQueryBuilder('a').orderBy('a.created_at', 'ASC').take(q.limit).skip(q.offset);
    // The same folding as logins (common/username.ts), through the same index.
    if (q.username) qb.where('lower(a.username COLLATE "C") = :u', { u: canonicalUsername(q.username) });
    const [items, total] = await qb.getManyAndCount();
    return Page.of(items.map(toAccountView), total, q);
  }

  async get(id: string): Promise<AccountView> {
    return toAccountView(await this.load(id));
  }

  async update(id: string, dto: UpdateAccountDto): Promise<AccountView> {
    const account = await this.load(id);
    const before = toAccountView(account);
    await this.assertProfile(this.db.getRepository(SpeedProfile), dto.speedProfileId);
    await this.assertProfile(this.db.getRepository(SpeedProfile), dto.throttleProfileId, 'throttleProfileId');
    await this.assertPlan(this.db.getRepository(Plan), dto.planId);
    const { password, ...fields } = dto;
    Object.assign(account, fields);
    // An explicit prefix (or null) replaces the one allocated from a pool.
    if (fields.delegatedPrefix !== undefined) account.ip6PoolId = null;
    if (fields.framedIpv6Prefix !== undefined) account.framedIp6PoolId = null;
    if (password !== undefined) {
      account.passwordEnc = this.vault.encrypt(password);
      account.ntHash = await this.vault.ntHash(password);
    }
    const saved = await this.accounts.save(account).catch(rethrowDbError);
    return this.updated(before, await this.canonicalPrefixes(this.accounts, saved), password !== undefined);
  }

  /** What support may do to a device's login: set its password, nothing else. */
  setPassword(id: string, password: string): Promise<AccountView> {
    return this.update(id, { password });
  }

  /**
   * What support may do to a restriction: remove one flag ("unpaid"), nothing else. In one
   * statement, so a flag an admin adds meanwhile is not lost.
   */
  async clearRestriction(id: string, flag: string): Promise<AccountView> {
    const before = toAccountView(await this.load(id));
    const cleared: { id: string }[] = await this.db.query(
      `WITH u AS (UPDATE accounts SET restrictions = array_remove(restrictions, $2), updated_at = now()
                   WHERE id = $1 AND $2 = ANY (restrictions) RETURNING id) SELECT id FROM u`,
      [id, flag],
    );
    if (!cleared.length) throw new NotFoundException(`Account has no restriction "${flag}"`);
    return this.updated(before, await this.load(id), false);
  }

  /** Deleting the row frees its static IP and IPv6 prefixes: they are simply no longer taken. */
  async remove(id: string): Promise<void> {
    const account = await this.load(id);
    await this.accounts.delete({ id });
    this.changed(account);
    this.audit.describe({ targetType: 'account', targetId: id, before: toAccountView(account), after: null });
    await this.radius.evictNow([account.username]);
  }

  private async updated(before: AccountView, saved: Account, passwordChanged: boolean): Promise<AccountView> {
    const after = toAccountView(saved);
    this.audit.describe({ targetType: 'account', targetId: saved.id, before, after, secrets: passwordChanged ? ['password'] : [] });
    this.changed(saved);
    await this.radius.evictNow([before.username, saved.username]);
    if (saved.status !== before.status && saved.status !== 'active') {
      const event: AccountStatusChangedEvent = { accountId: saved.id, status: saved.status };
      this.events.emit(AAA_EVENTS.accountStatusChanged, event);
    } else if (saved.status === 'active') {
      this.announceLiveChange(before, after);
    }
    return after;
  }

  /**
   * Open sessions get what changed without a new login (router-rpc sends a CoA-Request). Only
   * the fields a reply is made of count; whether a restriction is set or lifted is judged as a
   * login now would be (policy.ts), so a reset quota or a later expiry lifts one.
   */
  private announceLiveChange(before: AccountView, after: AccountView): void {
    const fields = ['speedProfileId', 'throttleProfileId', 'planId', 'restrictions', 'expiresAt', 'quotaBytes', 'usedBytes'] as const;
    const same = (k: (typeof fields)[number]) => JSON.stringify(before[k]) === JSON.stringify(after[k]);
    if (fields.every(same)) return;
    const now = this.clock.now();
    const restrictedOf = (v: AccountView) => isRestricted({ ...v, throttle: v.throttleProfileId !== null }, now);
    const was = restrictedOf(before);
    const is = restrictedOf(after);
    const event: AuthorizationChangedEvent = {
      changeId: randomUUID(),
      accountIds: [after.id],
      reason: was !== is ? 'restriction' : !same('usedBytes') ? 'reset' : 'account',
      restriction: was === is ? null : is ? 'set' : 'lifted',
    };
    this.events.emit(AAA_EVENTS.authorizationChanged, event);
  }

  /** IPv6 prefixes as PostgreSQL writes them (2001:db8:100::/56), however they were given. */
  private async canonicalPrefixes(repo: Repository<Account>, a: Account): Promise<Account> {
    if (a.delegatedPrefix === null && a.framedIpv6Prefix === null) return a;
    const stored = await repo.findOne({ where: { id: a.id }, select: { id: true, delegatedPrefix: true, framedIpv6Prefix: true } });
    return Object.assign(a, { delegatedPrefix: stored?.delegatedPrefix ?? null, framedIpv6Prefix: stored?.framedIpv6Prefix ?? null });
  }

  private async load(id: string): Promise<Account> {
    return orNotFound(await this.accounts.findOneBy({ id }), 'Account');
  }

  private async assertProfile(repo: Repository<SpeedProfile>, id: string | null | undefined, field = 'speedProfileId'): Promise<void> {
    if (id && !(await repo.existsBy({ id }))) throw new BadRequestException(`${field} does not name an existing speed profile`);
  }

  private async assertPlan(repo: Repository<Plan>, id: string | null | undefined): Promise<void> {
    if (id && !(await repo.existsBy({ id }))) throw new BadRequestException('planId does not name an existing plan');
  }

  /**
   * This instance's caches forget the account before the HTTP answer. FreeRADIUS's
   * (answer cache, admin fail-safe) are evicted before it too, by the callers'
   * `evictNow`: once the admin sees 200, a crash of this process can no longer leave a
   * banned user answered from memory.
   */
  private changed(a: Account): void {
    const event: AccountChangedEvent = { accountId: a.id, username: a.username };
    this.events.emit(AAA_EVENTS.accountChanged, event);
  }
}
