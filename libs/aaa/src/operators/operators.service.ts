import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { orNotFound, pgCode } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { Operator } from './operator.entity';
import { CreateOperatorDto, OperatorView, UpdateOperatorDto } from './operator.dto';
import { TokenDirectory } from './token-directory.service';

export function toOperatorView(o: Operator): OperatorView {
  return { id: o.id, name: o.name, email: o.email, role: o.role, createdAt: o.createdAt, updatedAt: o.updatedAt };
}

const EMAIL_TAKEN = 'An operator with this email already exists';

@Injectable()
export class OperatorsService {
  constructor(
    @InjectRepository(Operator) private readonly operators: Repository<Operator>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly directory: TokenDirectory,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateOperatorDto): Promise<OperatorView> {
    const saved = await this.operators.save(this.operators.create(dto)).catch(emailTaken);
    const view = toOperatorView(saved);
    this.audit.describe({ targetType: 'operator', targetId: saved.id, after: view });
    return view;
  }

  async list(q: PageQuery): Promise<Page<OperatorView>> {
    const [items, total] = await this.operators.findAndCount({ order: { name: 'ASC', id: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(items.map(toOperatorView), total, q);
  }

  async get(id: string): Promise<OperatorView> {
    return toOperatorView(orNotFound(await this.operators.findOneBy({ id }), 'Operator'));
  }

  /** A role change takes effect on every instance before the answer (the token cache follows the operator). */
  async update(id: string, dto: UpdateOperatorDto): Promise<OperatorView> {
    const [before, after] = await this.directory.change(`o:${id}`, () =>
      this.db
        .transaction(async (tx) => {
          const operator = orNotFound(await tx.findOneBy(Operator, { id }), 'Operator');
          const before = toOperatorView(operator);
          if (dto.role !== undefined && dto.role !== 'owner') await this.keepAnOwner(tx, operator);
          return [before, toOperatorView(await tx.save(Object.assign(operator, dto)))] as const;
        })
        .catch(emailTaken),
    );
    this.audit.describe({ targetType: 'operator', targetId: id, before, after });
    return after;
  }

  /** Its tokens go with it (and stop working on every instance before the answer). */
  async remove(id: string): Promise<void> {
    const before = await this.directory.change(`o:${id}`, () =>
      this.db.transaction(async (tx) => {
        const operator = orNotFound(await tx.findOneBy(Operator, { id }), 'Operator');
        await this.keepAnOwner(tx, operator);
        await tx.delete(Operator, { id });
        return toOperatorView(operator);
      }),
    );
    this.audit.describe({ targetType: 'operator', targetId: id, before, after: null });
  }

  /**
   * The last owner cannot be demoted or deleted: nobody could manage operators any more
   * once the bootstrap token is retired. The owners' rows are locked, so two owners
   * demoting each other at once cannot both succeed.
   */
  private async keepAnOwner(tx: EntityManager, operator: Operator): Promise<void> {
    if (operator.role !== 'owner') return;
    const owners: { id: string }[] = await tx.query(`SELECT id FROM operators WHERE role = 'owner' ORDER BY id FOR UPDATE`);
    if (owners.filter((o) => o.id !== operator.id).length === 0) {
      throw new ConflictException('This is the last owner: make another operator owner first');
    }
  }
}

function emailTaken(err: unknown): never {
  if (pgCode(err) === '23505') throw new ConflictException(EMAIL_TAKEN);
  throw err;
}
