import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('speed_profiles')
export class SpeedProfile {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('int', { name: 'download_kbps' }) downloadKbps!: number;
  @Column('int', { name: 'upload_kbps' }) uploadKbps!: number;
  @Column('int', { name: 'burst_download_kbps', nullable: true }) burstDownloadKbps!: number | null;
  @Column('int', { name: 'burst_upload_kbps', nullable: true }) burstUploadKbps!: number | null;
  /** Average rate (percent of the base rate) below which burst is allowed again. */
  @Column('int', { name: 'burst_threshold_percent', nullable: true }) burstThresholdPercent!: number | null;
  @Column('int', { name: 'burst_time_seconds', nullable: true }) burstTimeSeconds!: number | null;
  @Column('int', { name: 'session_timeout_seconds', nullable: true }) sessionTimeoutSeconds!: number | null;
  @Column('int', { name: 'idle_timeout_seconds', nullable: true }) idleTimeoutSeconds!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
