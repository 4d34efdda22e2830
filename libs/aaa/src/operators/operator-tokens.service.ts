import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { Clock } from '../common/clock';
import { orNotFound } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { newPersonalToken } from './operator-auth';
import { Operator, OperatorToken } from './operator.entity';
import { CreatedTokenView, CreateTokenDto, TokenView } from './operator.dto';
import { TokenDirectory } from './token-directory.service';

/** Live tokens per operator: enough for every device and script, few enough to review. */
const MAX_ACTIVE_TOKENS = 50;

export function toTokenView(t: OperatorToken): TokenView {
  return {
    id: t.id,
    operatorId: t.operatorId,
    name: t.name,
    prefix: t.prefix,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
    createdAt: t.createdAt,
  };
}

/** Personal API tokens: shown once at creation, stored as a SHA-256, listed by prefix, revoked for good. */
@Injectable()
export class OperatorTokensService {
  constructor(
    @InjectRepository(OperatorToken) private readonly tokens: Repository<OperatorToken>,
    @InjectRepository(Operator) private readonly operators: Repository<Operator>,
    private readonly directory: TokenDirectory,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async create(operatorId: string, dto: CreateTokenDto): Promise<CreatedTokenView> {
    orNotFound(await this.operators.findOneBy({ id: operatorId }), 'Operator');
    if (dto.expiresAt && dto.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestException('expiresAt must be in the future');
    }
    const live = await this.tokens
      .createQueryBuilder('t')
      .where('t.operator_id = :operatorId AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > :now)', {
        operatorId,
        now: this.clock.now(),
      })
      .getCount();
    if (live >= MAX_ACTIVE_TOKENS) {
      throw new ConflictException(`An operator may have at most ${MAX_ACTIVE_TOKENS} live tokens: revoke some first`);
    }
    const { token, prefix, hash } = newPersonalToken();
    const saved = await this.tokens.save(
      this.tokens.create({ operatorId, name: dto.name, prefix, tokenHash: hash, expiresAt: dto.expiresAt ?? null }),
    );
    const view = toTokenView(saved);
    this.audit.describe({ targetType: 'operator-token', targetId: saved.id, after: view, secrets: ['token'] });
    return { ...view, token };
  }

  async list(operatorId: string, q: PageQuery): Promise<Page<TokenView>> {
    orNotFound(await this.operators.findOneBy({ id: operatorId }), 'Operator');
    const [items, total] = await this.tokens.findAndCount({
      where: { operatorId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    return Page.of(items.map(toTokenView), total, q);
  }

  /**
   * Refused on every instance before the answer: the row's trigger notifies all of them and
   * this one waits to hear it back (TokenDirectory.changed). Revoking twice changes nothing.
   */
  async revoke(operatorId: string, tokenId: string): Promise<void> {
    const token = orNotFound(await this.tokens.findOneBy({ id: tokenId, operatorId }), 'Token');
    if (token.revokedAt) return;
    const before = toTokenView(token);
    await this.directory.change(`t:${tokenId}`, () =>
      this.tokens.update({ id: tokenId, revokedAt: IsNull() }, { revokedAt: this.clock.now() }),
    );
    const after = toTokenView(orNotFound(await this.tokens.findOneBy({ id: tokenId }), 'Token'));
    this.audit.describe({ targetType: 'operator-token', targetId: tokenId, before, after });
  }
}
