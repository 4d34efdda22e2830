import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, Plan, Router } from '@app/aaa';
import { CardPlan, cardText } from './card-text';
import { PaperSize, renderCardsPdf, VoucherCard } from './cards-pdf';
import { VoucherBatch } from './voucher-batch.entity';
import { VoucherBatchesService } from './voucher-batches.service';
import { VOUCHER_ROWS_SQL } from './voucher-status';

interface VoucherRow {
  code: string;
  expires_at: Date | null;
  first_login_at: Date | null;
  state: string;
}

/** The only two ways a code leaves the API: the batch's CSV and its printable cards. */
@Injectable()
export class VoucherPrint {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly batches: VoucherBatchesService,
    private readonly clock: Clock,
  ) {}

  async csv(id: string): Promise<string> {
    const { batch, plan, rows } = await this.load(id);
    const text = cardText(toCardPlan(plan), batch.expiresAt);
    const lines = ['code,plan,validity,status,expires_at,first_login_at'];
    for (const r of rows) {
      lines.push([r.code, plan.name, text.validity, r.state, iso(r.expires_at), iso(r.first_login_at)].map(csvField).join(','));
    }
    return lines.join('\r\n') + '\r\n';
  }

  /** `portalBase`: scheme, host and path prefix the portal is reached at (PUBLIC_URL, else this request's). */
  async pdf(id: string, opts: { paper: PaperSize; routerId?: string; portalBase: string }): Promise<Buffer> {
    const { batch, plan, rows } = await this.load(id);
    let venue = batch.venueName;
    if (opts.routerId) {
      const router = await this.db.getRepository(Router).findOneBy({ id: opts.routerId });
      if (!router) throw new BadRequestException('routerId does not name an existing router');
      venue ??= router.venueName;
    }
    const text = cardText(toCardPlan(plan), batch.expiresAt);
    const cards: VoucherCard[] = rows
      .filter((r) => r.state !== 'revoked')
      .map((r) => ({
        ...text,
        code: r.code,
        venue: venue ?? 'WiFi',
        url: `${opts.portalBase}/portal/voucher?code=${encodeURIComponent(r.code)}`,
      }));
    return renderCardsPdf(cards, opts.paper);
  }

  private async load(id: string): Promise<{ batch: VoucherBatch; plan: Plan; rows: VoucherRow[] }> {
    const batch = await this.batches.load(id);
    const plan = await this.db.getRepository(Plan).findOneByOrFail({ id: batch.planId });
    const rows: VoucherRow[] = await this.db.query(`${VOUCHER_ROWS_SQL} ORDER BY a.created_at, a.username`, [id, this.clock.now()]);
    return { batch, plan, rows };
  }
}

function toCardPlan(p: Plan): CardPlan {
  return {
    name: p.name,
    price: p.price,
    currency: p.currency,
    validitySeconds: p.validitySeconds,
    validFrom: p.validFrom,
    dataBytes: p.dataBytes,
    timeSeconds: p.timeSeconds,
    period: p.period,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : '');

/** RFC 4180 quoting, and no formula injection when a spreadsheet opens it (plan names are admin text). */
export function csvField(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
