import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../common/bigint.transformer';
import { Plan } from '../plans/plan.entity';
import { SpeedProfile } from '../speed-profiles/speed-profile.entity';

export const ACCOUNT_KINDS = ['vpn', 'hotspot'] as const;
export const ACCOUNT_GROUPS = ['user', 'admin'] as const;
export const ACCOUNT_STATUSES = ['active', 'disabled', 'banned'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export type AccountGroup = (typeof ACCOUNT_GROUPS)[number];
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** One login per device or connection (B050 sub-account). */
@Entity('accounts')
export class Account {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('text') username!: string;
  /** AES-GCM sealed cleartext; FreeRADIUS needs it for CHAP/MS-CHAP. */
  @Column('text', { name: 'password_enc' }) passwordEnc!: string;
  @Column('text', { name: 'nt_hash' }) ntHash!: string;
  @Column('text') kind!: AccountKind;
  @Column('text', { name: 'account_group' }) group!: AccountGroup;
  @Column('text') status!: AccountStatus;
  @Column('uuid', { name: 'speed_profile_id', nullable: true }) speedProfileId!: string | null;
  @ManyToOne(() => SpeedProfile, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'speed_profile_id' })
  speedProfile?: SpeedProfile | null;
  /** Fair usage: the profile a session is slowed to once the quota is used up (instead of restricted). */
  @Column('uuid', { name: 'throttle_profile_id', nullable: true }) throttleProfileId!: string | null;
  /** The plan's limits and speed apply where the account's own fields are null. */
  @Column('uuid', { name: 'plan_id', nullable: true }) planId!: string | null;
  @ManyToOne(() => Plan, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Plan | null;
  /** When the first session started: validity from first login and anniversaries count from here. */
  @Column('timestamptz', { name: 'first_login_at', nullable: true }) firstLoginAt!: Date | null;
  @Column('uuid', { name: 'ip_pool_id', nullable: true }) ipPoolId!: string | null;
  @Column('inet', { name: 'static_ip', nullable: true }) staticIp!: string | null;
  /** IPv6 (migration 1764530000000): the delegated prefix and the link's prefix, each from its pool or explicit. */
  @Column('uuid', { name: 'ip6_pool_id', nullable: true }) ip6PoolId!: string | null;
  @Column('cidr', { name: 'delegated_prefix', nullable: true }) delegatedPrefix!: string | null;
  @Column('uuid', { name: 'framed_ip6_pool_id', nullable: true }) framedIp6PoolId!: string | null;
  @Column('cidr', { name: 'framed_ipv6_prefix', nullable: true }) framedIpv6Prefix!: string | null;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('bigint', { name: 'quota_bytes', nullable: true, transformer: bigintNumber }) quotaBytes!: number | null;
  /** Bytes counted toward the quota; fed by accounting deltas, reset by an admin. */
  @Column('bigint', { name: 'used_bytes', default: 0, transformer: bigintNumber }) usedBytes!: number;
  @Column('int', { name: 'max_sessions', default: 1 }) maxSessions!: number;
  @Column('cidr', { name: 'panel_allowlist', array: true, nullable: true }) panelAllowlist!: string[] | null;
  @Column('text', { array: true, default: () => "'{}'" }) restrictions!: string[];
  @Column('text', { nullable: true }) notes!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
