import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
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
  ) {}

  create(dto: CreateCustomerDto): Promise<Customer> {
    return this.customers.save(this.customers.create({ name: dto.name, email: dto.email ?? null, notes: dto.notes ?? null }));
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
    return this.customers.save(Object.assign(customer, dto));
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
      const { affected } = await tx.delete(Customer, { id });
      orNotFound(affected || null, 'Customer');
      return (deleted.raw ?? []) as { id: string; username: string }[];
    });
    for (const a of gone) {
      const event: AccountChangedEvent = { accountId: a.id, username: a.username };
      this.events.emit(AAA_EVENTS.accountChanged, event);
    }
    await this.radius.evictNow(gone.map((a) => a.username));
  }
}
