import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AAA_EVENTS,
  AccountChangedEvent,
  AccountStatusChangedEvent,
  AnswerCacheControl,
  AuditLog,
  Clock,
  CredentialVault,
  Customer,
  Page,
  Plan,
} from '@app/aaa';
import { checkSpec, CodeSpec, DEFAULT_ALPHABET, DEFAULT_CODE_LENGTH, generateCodes } from './code-generator';
import { CreateVoucherBatchDto, RevokeResult, VoucherBatchQuery, VoucherBatchView, VoucherCounts } from './voucher-batch.dto';
import { VoucherBatch } from './voucher-batch.entity';
import { VOUCHER_COUNTS_SQL, VOUCHER_STATES } from './voucher-status';

/** Rows per INSERT: five arrays of this length are one statement's parameters. */
const CHUNK = 2000;

/**
 * Voucher batches: many hotspot accounts at once. Codes are drawn from the CSPRNG, sealed
 * like every password (AES-GCM plus the NT hash FreeRADIUS needs for MS-CHAP), and
 * inserted a few thousand rows per statement; the unique username index decides
 * collisions, and colliding codes are drawn again. Codes never leave this service except
 * through VoucherPrint (CSV, PDF).
 */
@Injectable()
export class VoucherBatchesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly vault: CredentialVault,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    private readonly answers: AnswerCacheControl,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateVoucherBatchDto): Promise<VoucherBatchView> {
    const spec: CodeSpec = {
      prefix: dto.prefix ?? '',
      length: dto.codeLength ?? DEFAULT_CODE_LENGTH,
      alphabet: dto.alphabet ?? DEFAULT_ALPHABET,
    };
    const problem = checkSpec(spec);
    if (problem) throw new BadRequestException(problem);
    if (dto.expiresAt && dto.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestException('expiresAt must be in the future');
    }
    const batch = await this.db.transaction(async (tx) => {
      const plan = await tx.findOneBy(Plan, { id: dto.planId });
      if (!plan) throw new BadRequestException('planId does not name an existing plan');
      const label = `Vouchers: ${plan.name}${dto.note ? ` (${dto.note})` : ''}`.slice(0, 200);
      const customer = await tx.save(tx.create(Customer, { name: label, notes: 'Holds the accounts of a voucher batch' }));
      const saved = await tx.save(
        tx.create(VoucherBatch, {
          planId: plan.id,
          customerId: customer.id,
          count: dto.count,
          prefix: spec.prefix,
          codeLength: spec.length,
          alphabet: spec.alphabet,
          expiresAt: dto.expiresAt ?? null,
          note: dto.note ?? null,
          venueName: dto.venueName ?? null,
        }),
      );
      await this.insertVouchers(tx, saved, spec);
      return saved;
    });
    const view = await this.view(batch);
    this.audit.describe({ targetType: 'voucher_batch', targetId: batch.id, after: { ...view, counts: undefined } });
    return view;
  }

  async list(q: VoucherBatchQuery): Promise<Page<VoucherBatchView>> {
    const [items, total] = await this.db
      .getRepository(VoucherBatch)
      .findAndCount({ order: { createdAt: 'DESC' }, take: q.limit, skip: q.offset });
    return Page.of(await Promise.all(items.map((b) => this.view(b))), total, q);
  }

  async get(id: string): Promise<VoucherBatchView> {
    return this.view(await this.load(id));
  }

  async load(id: string): Promise<VoucherBatch> {
    const batch = await this.db.getRepository(VoucherBatch).findOneBy({ id });
    if (!batch) throw new NotFoundException('Voucher batch not found');
    return batch;
  }

  /**
   * Disables every unused voucher; with `disconnectActive` every voucher still on, too, and
   * the open sessions are cut the way a disabled account's always are (router-rpc's
   * listener on `account.statusChanged`: WebSocket or RFC 5176). Answers once FreeRADIUS
   * has forgotten the disabled vouchers it may have cached.
   */
  async revoke(id: string, disconnectActive: boolean): Promise<RevokeResult> {
    const batch = await this.load(id);
    const before = await this.view(batch);
    const rows: { id: string; username: string; started: boolean; open: boolean }[] = await this.db.query(
      `WITH hit AS (
         UPDATE accounts a SET status = 'disabled', updated_at = now()
          WHERE a.voucher_batch_id = $1 AND a.status = 'active'
            AND ($2 OR (a.first_login_at IS NULL
                        AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = a.id)
                        AND NOT EXISTS (SELECT 1 FROM sessions_history h WHERE h.account_id = a.id)))
          RETURNING a.id, a.username, a.first_login_at)
       SELECT hit.id, hit.username,
              hit.first_login_at IS NOT NULL OR EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = hit.id) AS started,
              EXISTS (SELECT 1 FROM sessions s WHERE s.account_id = hit.id AND s.stopped_at IS NULL) AS open
         FROM hit`,
      [id, disconnectActive],
    );
    await this.db.query(`UPDATE voucher_batches SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, [id, this.clock.now()]);
    for (const r of rows) {
      this.events.emit(AAA_EVENTS.accountChanged, { accountId: r.id, username: r.username } satisfies AccountChangedEvent);
    }
    // Only a voucher that logged in can be in FreeRADIUS's answer cache; for the others the
    // triggers' evictions are enough, and 10,000 awaited evictions would be for nothing.
    const started = rows.filter((r) => r.started || r.open);
    if (started.length) await this.answers.evictNow(started.map((r) => r.username));
    const online = rows.filter((r) => r.open);
    for (const r of online) {
      this.events.emit(AAA_EVENTS.accountStatusChanged, { accountId: r.id, status: 'disabled' } satisfies AccountStatusChangedEvent);
    }
    const after = await this.view(await this.load(id));
    this.audit.describe({ targetType: 'voucher_batch', targetId: id, before, after });
    return { disabled: rows.length, disconnecting: online.length };
  }

  private async insertVouchers(tx: EntityManager, batch: VoucherBatch, spec: CodeSpec): Promise<void> {
    let missing = batch.count;
    const drawn = new Set<string>();
    for (let round = 0; missing > 0; round++) {
      if (round > 20) throw new BadRequestException('Could not draw enough unused codes: use a longer code or a larger alphabet');
      const codes = generateCodes(missing, spec, undefined, drawn);
      for (const c of codes) drawn.add(c.toLowerCase());
      for (let i = 0; i < codes.length; i += CHUNK) {
        const chunk = codes.slice(i, i + CHUNK);
        const ntHashes = await Promise.all(chunk.map((c) => this.vault.ntHash(c)));
        // ON CONFLICT DO NOTHING: a code another account (or batch) already has is skipped
        // by the unique username index, and drawn again in the next round.
        const inserted: unknown[] = await tx.query(
          `INSERT INTO accounts (customer_id, username, password_enc, nt_hash, kind, account_group, status, plan_id,
                                 expires_at, max_sessions, voucher_batch_id)
           SELECT $1, u, p, n, 'hotspot', 'user', 'active', $2, $3, 1, $4
             FROM unnest($5::text[], $6::text[], $7::text[]) AS t(u, p, n)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [batch.customerId, batch.planId, batch.expiresAt, batch.id, chunk, chunk.map((c) => this.vault.encrypt(c)), ntHashes],
        );
        missing -= inserted.length;
      }
    }
  }

  private async view(b: VoucherBatch): Promise<VoucherBatchView> {
    const rows: { state: string; n: number }[] = await this.db.query(VOUCHER_COUNTS_SQL, [b.id, this.clock.now()]);
    const counts = Object.fromEntries(VOUCHER_STATES.map((s) => [s, 0])) as unknown as VoucherCounts;
    for (const r of rows) (counts as unknown as Record<string, number>)[r.state] = r.n;
    return {
      id: b.id,
      planId: b.planId,
      customerId: b.customerId,
      count: b.count,
      prefix: b.prefix,
      codeLength: b.codeLength,
      alphabet: b.alphabet,
      expiresAt: b.expiresAt,
      note: b.note,
      venueName: b.venueName,
      revokedAt: b.revokedAt,
      createdAt: b.createdAt,
      counts,
    };
  }
}
