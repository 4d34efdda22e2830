import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A customer's sign-in to the panel. No password hash yet = an invite is pending. */
@Entity('panel_logins')
export class PanelLogin {
  @PrimaryColumn('uuid', { name: 'customer_id' }) customerId!: string;
  /** Lower-case ASCII (panelEmail()); unique. */
  @Column('text') email!: string;
  /** scrypt (password-hash.ts); never leaves the service. */
  @Column('text', { name: 'password_hash', nullable: true }) passwordHash!: string | null;
  @Column('timestamptz', { name: 'password_set_at', nullable: true }) passwordSetAt!: Date | null;
  @Column('timestamptz', { name: 'last_sign_in_at', nullable: true }) lastSignInAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
