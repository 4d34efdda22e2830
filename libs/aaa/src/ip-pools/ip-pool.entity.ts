import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('ip_pools')
export class IpPool {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('cidr') cidr!: string;
  /** Never allocated; defaults to the first host address. */
  @Column('inet', { nullable: true }) gateway!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
