import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here. */
@Entity('panel_sessions')
export class PanelSession {
  @PrimaryColumn('text', { name: 'id_hash' }) idHash!: string;
  @Column('uuid', { name: 'customer_id' }) customerId!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
  /** Absolute end (PANEL_SESSION_MAX_HOURS after sign-in); idle expiry is last_seen_at + PANEL_SESSION_IDLE_MINUTES. */
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('inet', { name: 'client_ip', nullable: true }) clientIp!: string | null;
}
