import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OPERATOR_ROLES, OperatorRole } from './roles';

export { OPERATOR_ROLES };
export type { OperatorRole };

/** A person who uses the admin API, with the role that says what they may do. */
@Entity('operators')
export class Operator {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') email!: string;
  @Column('text') role!: OperatorRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** A personal API token: only its SHA-256 is kept, and a prefix to recognise it by. */
@Entity('operator_tokens')
export class OperatorToken {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'operator_id' }) operatorId!: string;
  @Column('text') name!: string;
  @Column('text') prefix!: string;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
