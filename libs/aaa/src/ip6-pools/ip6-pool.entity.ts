import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const IP6_POOL_PURPOSES = ['delegated', 'framed'] as const;
export type Ip6PoolPurpose = (typeof IP6_POOL_PURPOSES)[number];
export const IP6_ASSIGN_LENGTHS = [56, 60, 64] as const;

/**
 * An IPv6 prefix handed out in pieces of `assignLength`: to the customer's router by
 * prefix delegation (`delegated`: Delegated-IPv6-Prefix, DHCPv6-PD) or as the prefix of
 * the customer's link (`framed`: Framed-IPv6-Prefix, SLAAC on PPPoE).
 */
@Entity('ip6_pools')
export class Ip6Pool {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('cidr') prefix!: string;
  @Column('smallint', { name: 'assign_length' }) assignLength!: number;
  @Column('text') purpose!: Ip6PoolPurpose;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
