import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { orNotFound, rethrowDbError } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { IpPool } from './ip-pool.entity';
import { CreateIpPoolDto } from './ip-pool.dto';
import { allocatableCount, contains, defaultGateway, parseCidr } from './ipv4';

export interface IpPoolView extends IpPool {
  size: number;
  allocated: number;
}

@Injectable()
export class IpPoolsService {
  constructor(
    @InjectRepository(IpPool) private readonly pools: Repository<IpPool>,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateIpPoolDto): Promise<IpPool> {
    const cidr = parseCidr(dto.cidr)!;
    const gateway = dto.gateway ?? defaultGateway(cidr);
    if (!contains(cidr, gateway)) throw new BadRequestException('gateway must lie inside cidr');
    const saved = await this.pools.save(this.pools.create({ name: dto.name, cidr: dto.cidr, gateway })).catch(rethrowDbError);
    this.audit.describe({ targetType: 'ip-pool', targetId: saved.id, after: saved });
    return saved;
  }

  async list(q: PageQuery): Promise<Page<IpPoolView>> {
    const [pools, total] = await this.pools.findAndCount({ order: { name: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(await Promise.all(pools.map((p) => this.view(p))), total, q);
  }

  async get(id: string): Promise<IpPoolView> {
    return this.view(orNotFound(await this.pools.findOneBy({ id }), 'IP pool'));
  }

  async remove(id: string): Promise<void> {
    const before = orNotFound(await this.pools.findOneBy({ id }), 'IP pool');
    const result = await this.pools.delete({ id }).catch((err) => {
      throw new ConflictException('IP pool still has accounts with addresses from it', { cause: err });
    });
    orNotFound(result.affected || null, 'IP pool');
    this.audit.describe({ targetType: 'ip-pool', targetId: id, before, after: null });
  }

  /**
   * Picks the lowest free host address, inside the caller's transaction.
   * A per-pool advisory lock serialises allocators so they do not race for the
   * same address; the unique index on accounts.static_ip stays the final guard.
   */
  async allocate(tx: EntityManager, poolId: string): Promise<string> {
    const pool = await tx.findOneBy(IpPool, { id: poolId });
    if (!pool) throw new BadRequestException('ipPoolId does not name an existing IP pool');
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ip_pool:${poolId}`]);
    const rows: { ip: string }[] = await tx.query(
      // set_masklen(.., 32): inet equality compares masks too, and stored addresses are /32.
      `SELECT host(a.ip) AS ip
         FROM ip_pools p
         CROSS JOIN LATERAL generate_series(1::bigint, (2::bigint ^ (32 - masklen(p.cidr)))::bigint - 2) AS s
         CROSS JOIN LATERAL (SELECT set_masklen(network(p.cidr) + s, 32) AS ip) a
        WHERE p.id = $1
          AND (p.gateway IS NULL OR a.ip <> set_masklen(p.gateway, 32))
          AND NOT EXISTS (SELECT 1 FROM accounts x WHERE x.static_ip = a.ip)
        ORDER BY s
        LIMIT 1`,
      [poolId],
    );
    if (!rows.length) throw new ConflictException(`IP pool ${pool.name} is exhausted`);
    return rows[0].ip;
  }

  private async view(pool: IpPool): Promise<IpPoolView> {
    const [{ count }] = await this.pools.query('SELECT count(*)::int AS count FROM accounts WHERE static_ip << $1::cidr', [pool.cidr]);
    return { ...pool, size: allocatableCount(parseCidr(pool.cidr)!, pool.gateway), allocated: count };
  }
}
