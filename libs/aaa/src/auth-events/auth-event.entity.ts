import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AUTH_RESULTS = ['accept', 'reject', 'restricted'] as const;
export type AuthResult = (typeof AUTH_RESULTS)[number];

/** The post-auth log. Never holds a password. */
@Entity('auth_events')
export class AuthEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column('text') username!: string;
  @Column('uuid', { name: 'router_id', nullable: true }) routerId!: string | null;
  @Column('text', { nullable: true }) mac!: string | null;
  @Column('text') result!: AuthResult;
  @Column('text') reason!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
