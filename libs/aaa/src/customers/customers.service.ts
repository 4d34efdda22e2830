import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { Account } from '../accounts/account.entity';
import { orNotFound } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { AAA_EVENTS, AccountChangedEvent } from '../events';
import { AnswerCacheControl } from '../radius/answer-cache/answer-cache-control.service';
import { Customer } from './customer.entity';
import { CreateCustomerDto, UpdateCustomerDto } from './customer.dto';

@Injectable()
export class CustomersService {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventEmitter2,
    private readonly radius: AnswerCacheControl,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateCustomerDto): Promise<Customer> {
    const saved = await this.customers.save(this.customers.create({ name: dto.name, email: dto.email ?? null, notes: dto.notes ?? null }));
    this.audit.describe({ targetType: 'customer', targetId: saved.id, after: saved });
    return saved;
  }

  async list(q: PageQuery): Promise<Page<Customer>> {
    const [items, total] = await this.customers.findAndCount({ order: { createdAt: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(items, total, q);
  }

  async get(id: string): Promise<Customer> {
    return orNotFound(await this.customers.findOneBy({ id }), 'Customer');
  }

  async update(id: string, dto: UpdateCustomerDto): Promise<Customer> {
    const customer = await this.get(id);
    const before = { ...customer };
    const saved = await this.customers.save(Object.assign(customer, dto));
    this.audit.describe({ targetType: 'customer', targetId: id, before, after: saved });
    return saved;
  }

  /**
   * Accounts go with the customer, which releases their static IPs. Deleted here rather
   * than by the FK cascade, so their names are known: like any account delete, this
   * answers once FreeRADIUS has forgotten them (AccountsService.remove).
   */
  async remove(id: string): Promise<void> {
    const gone = await this.db.transaction(async (tx) => {
      const deleted = await tx
        .createQueryBuilder()
        .delete()
        .from(Account)
        .where('customer_id = :id', { id })
        .returning(['id', 'username'])
        .execute();
      const customer = orNotFound(await tx.findOneBy(Customer, { id }), 'Customer');
      await tx.delete(Customer, { id });
      const accounts = (deleted.raw ?? []) as { id: string; username: string }[];
      // The accounts that went with it are part of what was deleted.
      this.audit.describe({
        targetType: 'customer',
        targetId: id,
        before: { ...customer, accounts: accounts.map((a) => a.username) },
        after: null,
      });
      return accounts;
    });
    for (const a of gone) {
      const event: AccountChangedEvent = { accountId: a.id, username: a.username };
      this.events.emit(AAA_EVENTS.accountChanged, event);
    }
    await this.radius.evictNow(gone.map((a) => a.username));
  }
}
