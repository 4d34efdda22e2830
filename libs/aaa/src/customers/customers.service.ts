import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { orNotFound } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { Customer } from './customer.entity';
import { CreateCustomerDto, UpdateCustomerDto } from './customer.dto';

@Injectable()
export class CustomersService {
  constructor(@InjectRepository(Customer) private readonly customers: Repository<Customer>) {}

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

  /** Accounts go with the customer (FK cascade), which releases their static IPs. */
  async remove(id: string): Promise<void> {
    const { affected } = await this.customers.delete({ id });
    orNotFound(affected || null, 'Customer');
  }
}
