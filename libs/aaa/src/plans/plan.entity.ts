import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../common/bigint.transformer';
import { SpeedProfile } from '../speed-profiles/speed-profile.entity';

export const PLAN_PERIODS = ['none', 'daily', 'weekly', 'monthly', 'anniversary'] as const;
export const PLAN_VALID_FROM = ['first_login', 'creation'] as const;
export const PLAN_ON_LIMIT = ['restrict', 'throttle'] as const;
export type PlanPeriod = (typeof PLAN_PERIODS)[number];
export type PlanValidFrom = (typeof PLAN_VALID_FROM)[number];
export type PlanOnLimit = (typeof PLAN_ON_LIMIT)[number];

/** numeric comes back from pg as a string; prices are labels with two decimals. */
const priceNumber = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? v : Number(v)),
};

/** What a customer buys: speed, validity and per-period limits (issue 14). */
@Entity('plans')
export class Plan {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('uuid', { name: 'speed_profile_id', nullable: true }) speedProfileId!: string | null;
  @ManyToOne(() => SpeedProfile, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'speed_profile_id' })
  speedProfile?: SpeedProfile | null;
  /** A label for cards and reports; nothing is billed. */
  @Column('numeric', { precision: 12, scale: 2, nullable: true, transformer: priceNumber }) price!: number | null;
  @Column('text', { nullable: true }) currency!: string | null;
  @Column('int', { name: 'validity_seconds', nullable: true }) validitySeconds!: number | null;
  @Column('text', { name: 'valid_from', default: 'creation' }) validFrom!: PlanValidFrom;
  /** Input + output bytes per period. */
  @Column('bigint', { name: 'data_bytes', nullable: true, transformer: bigintNumber }) dataBytes!: number | null;
  /** Session seconds per period. */
  @Column('int', { name: 'time_seconds', nullable: true }) timeSeconds!: number | null;
  @Column('text', { default: 'none' }) period!: PlanPeriod;
  @Column('text', { default: 'UTC' }) timezone!: string;
  @Column('text', { name: 'on_limit', default: 'restrict' }) onLimit!: PlanOnLimit;
  /** With `onLimit: throttle`: the speed once the period's data is used up (rates only). */
  @Column('uuid', { name: 'throttle_profile_id', nullable: true }) throttleProfileId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
