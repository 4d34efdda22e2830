import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A printed set of vouchers: `count` hotspot accounts of one plan (migration 1764510000001). */
@Entity('voucher_batches')
export class VoucherBatch {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'plan_id' }) planId!: string;
  /** The customer made for the batch, which owns its accounts. */
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('int') count!: number;
  @Column('text', { default: '' }) prefix!: string;
  @Column('int', { name: 'code_length' }) codeLength!: number;
  @Column('text') alphabet!: string;
  /** No voucher of the batch works after this, used or not (the accounts' expires_at). */
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text', { name: 'venue_name', nullable: true }) venueName!: string | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

export const VOUCHER_ENTITIES = [VoucherBatch];
