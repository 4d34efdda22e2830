import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-time link to set the panel password. The link carries a random token; only its SHA-256 is stored. */
@Entity('panel_invites')
export class PanelInvite {
  @PrimaryColumn('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'used_at', nullable: true }) usedAt!: Date | null;
}
