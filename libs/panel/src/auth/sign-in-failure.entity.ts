import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins per email typed (an HMAC of it, existing or not): see lockout-policy.ts. */
@Entity('panel_sign_in_failures')
export class SignInFailure {
  @PrimaryColumn('text') key!: string;
  @Column('int') failures!: number;
  @Column('timestamptz', { name: 'first_failure_at' }) firstFailureAt!: Date;
  @Column('timestamptz', { name: 'locked_until', nullable: true }) lockedUntil!: Date | null;
}
