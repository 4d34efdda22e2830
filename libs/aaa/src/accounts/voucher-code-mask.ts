import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * A voucher's code is its username and its password, so a list that shows usernames would
 * hand out working logins to everyone who may read it. Only the CSV and the cards carry codes
 * (libs/vouchers); everywhere else a voucher shows as its last three characters, what an
 * operator needs to match a customer's call with a card.
 */
export function maskVoucherCode(code: string): string {
  return `voucher …${code.slice(-3)}`;
}

interface Named {
  username: string;
}

@Injectable()
export class VoucherCodeMask {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The same items, voucher usernames masked (one indexed query for the whole page). */
  async items<T extends Named>(items: T[]): Promise<T[]> {
    const names = [...new Set(items.map((i) => i.username.toLowerCase()))];
    if (!names.length) return items;
    const rows: { name: string }[] = await this.db.query(
      `SELECT lower(username COLLATE "C") AS name FROM accounts
        WHERE voucher_batch_id IS NOT NULL AND lower(username COLLATE "C") = ANY ($1::text[])`,
      [names],
    );
    if (!rows.length) return items;
    const vouchers = new Set(rows.map((r) => r.name));
    return items.map((i) => (vouchers.has(i.username.toLowerCase()) ? { ...i, username: maskVoucherCode(i.username) } : i));
  }

  async page<P extends { items: Named[] }>(page: P): Promise<P> {
    return { ...page, items: await this.items(page.items) };
  }

  async one<T extends Named>(item: T): Promise<T> {
    return (await this.items([item]))[0];
  }
}
