import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DEAD_LETTER_KINDS = ['range', 'missing', 'unknown_nas', 'refused'] as const;
/**
 * `range`: an attribute out of its range; `missing`: no Acct-Status-Type or
 * Acct-Session-Id; `unknown_nas`: no router with the packet's source address or
 * NAS-Identifier; `refused`: PostgreSQL refused a value (a range the API does not know).
 */
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

/** An accounting packet that could never be stored, kept instead of retried forever. */
@Entity('accounting_dead_letters')
export class AccountingDeadLetter {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('uuid', { name: 'router_id', nullable: true }) routerId!: string | null;
  @Column('inet', { name: 'nas_ip' }) nasIp!: string;
  @Column('text') kind!: DeadLetterKind;
  @Column('text') reason!: string;
  /** The accounting attributes the API reads, as received (never a password: none are read). */
  @Column('jsonb') attributes!: Record<string, string[]>;
}
