import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { orNotFound, rethrowDbError } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { Ip6Pool, Ip6PoolPurpose } from './ip6-pool.entity';
import { CreateIp6PoolDto } from './ip6-pool.dto';

export interface Ip6PoolView extends Ip6Pool {
  /** How many prefixes of assignLength the pool holds. */
  size: number;
  /** Account prefixes inside the pool (allocated from it or given explicitly). */
  allocated: number;
}

/** The account columns each purpose fills. */
export const PREFIX_COLUMN: Record<Ip6PoolPurpose, 'delegated_prefix' | 'framed_ipv6_prefix'> = {
  delegated: 'delegated_prefix',
  framed: 'framed_ipv6_prefix',
};

/**
 * The lowest free prefix of the pool's assign length. The lowest free one is the
 * pool's first or the one right after a taken prefix (the piece holding it, for a taken
 * prefix longer than the assign length), so those are the only candidates; each is
 * checked against both prefix columns through their GiST indexes (an explicit prefix
 * of any length may lie in the pool). `+ 1` after the pool's last address would
 * overflow at the top of the address space, hence the guard.
 */
const ALLOCATE_SQL = `
  WITH pool AS (SELECT prefix, assign_length AS len FROM ip6_pools WHERE id = $1),
  taken AS (
    SELECT set_masklen(a.delegated_prefix, LEAST(masklen(a.delegated_prefix), pool.len)) AS piece
      FROM accounts a, pool WHERE a.delegated_prefix <<= pool.prefix
    UNION ALL
    SELECT set_masklen(a.framed_ipv6_prefix, LEAST(masklen(a.framed_ipv6_prefix), pool.len))
      FROM accounts a, pool WHERE a.framed_ipv6_prefix <<= pool.prefix
  ),
  candidates AS (
    SELECT set_masklen(pool.prefix, pool.len) AS slot FROM pool
    UNION
    SELECT set_masklen(host(broadcast(t.piece) + 1)::cidr, pool.len)
      FROM taken t, pool WHERE host(broadcast(t.piece)) <> host(broadcast(pool.prefix))
  )
  SELECT c.slot::text AS prefix
    FROM candidates c, pool
   WHERE c.slot <<= pool.prefix
     AND NOT EXISTS (SELECT 1 FROM accounts x WHERE x.delegated_prefix && c.slot)
     AND NOT EXISTS (SELECT 1 FROM accounts x WHERE x.framed_ipv6_prefix && c.slot)
   ORDER BY c.slot
   LIMIT 1`;

@Injectable()
export class Ip6PoolsService {
  constructor(
    @InjectRepository(Ip6Pool) private readonly pools: Repository<Ip6Pool>,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateIp6PoolDto): Promise<Ip6PoolView> {
    const length = Number(dto.prefix.split('/')[1]);
    if (dto.assignLength <= length) {
      throw new BadRequestException(`assignLength /${dto.assignLength} must be longer than the pool's /${length}`);
    }
    // A clear message for the common case; ex_ip6_pools_overlap decides races.
    const clash: { name: string; prefix: string }[] = await this.pools.query(
      'SELECT name, prefix::text AS prefix FROM ip6_pools WHERE prefix && $1::cidr ORDER BY prefix LIMIT 1',
      [dto.prefix],
    );
    if (clash.length) throw new ConflictException(`prefix ${dto.prefix} overlaps IPv6 pool ${clash[0].name} (${clash[0].prefix})`);
    const saved = await this.pools
      .save(this.pools.create({ name: dto.name, prefix: dto.prefix, assignLength: dto.assignLength, purpose: dto.purpose }))
      .catch(rethrowDbError);
    const view = await this.view(saved);
    this.audit.describe({ targetType: 'ip6-pool', targetId: saved.id, after: saved });
    return view;
  }

  async list(q: PageQuery): Promise<Page<Ip6PoolView>> {
    const [pools, total] = await this.pools.findAndCount({ order: { name: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(await Promise.all(pools.map((p) => this.view(p))), total, q);
  }

  async get(id: string): Promise<Ip6PoolView> {
    return this.view(orNotFound(await this.pools.findOneBy({ id }), 'IPv6 pool'));
  }

  /** Only an empty pool: accounts keep their prefixes until they are deleted or changed. */
  async remove(id: string): Promise<void> {
    const before = await this.get(id);
    if (before.allocated) throw new ConflictException(`IPv6 pool ${before.name} still has ${before.allocated} account prefixes in it`);
    const result = await this.pools.delete({ id }).catch((err) => {
      throw new ConflictException('IPv6 pool still has accounts with prefixes from it', { cause: err });
    });
    orNotFound(result.affected || null, 'IPv6 pool');
    this.audit.describe({ targetType: 'ip6-pool', targetId: id, before, after: null });
  }

  /**
   * The lowest free prefix of a pool of `purpose`, inside the caller's transaction. A
   * per-pool advisory lock serialises allocators; the exclusion constraints on the
   * account columns stay the final guard (an explicit prefix can still race one).
   */
  async allocate(tx: EntityManager, poolId: string, purpose: Ip6PoolPurpose, field: string): Promise<string> {
    const pool = await tx.findOneBy(Ip6Pool, { id: poolId });
    if (!pool) throw new BadRequestException(`${field} does not name an existing IPv6 pool`);
    if (pool.purpose !== purpose) {
      throw new BadRequestException(`${field} must name a ${purpose} IPv6 pool; ${pool.name} is ${pool.purpose}`);
    }
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ip6_pool:${poolId}`]);
    const rows: { prefix: string }[] = await tx.query(ALLOCATE_SQL, [poolId]);
    if (!rows.length) throw new ConflictException(`IPv6 pool ${pool.name} is exhausted`);
    return rows[0].prefix;
  }

  private async view(pool: Ip6Pool): Promise<Ip6PoolView> {
    const [{ count }]: { count: number }[] = await this.pools.query(
      `SELECT count(*)::int AS count FROM accounts
        WHERE delegated_prefix <<= $1::cidr OR framed_ipv6_prefix <<= $1::cidr OR ip6_pool_id = $2 OR framed_ip6_pool_id = $2`,
      [pool.prefix, pool.id],
    );
    const length = Number(pool.prefix.split('/')[1]);
    return { ...pool, size: 2 ** (pool.assignLength - length), allocated: count };
  }
}
