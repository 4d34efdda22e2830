import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * How a router logs portal users in (libs/portal vendor-profiles.ts) and which reply
 * attributes it understands (reply-builder.ts): `coova` and `uspot` take the same ones.
 */
export const ROUTER_VENDORS = ['generic', 'uspot', 'mikrotik', 'coova'] as const;
export type RouterVendor = (typeof ROUTER_VENDORS)[number];

/** `password`: the portal asks for username and password; `voucher`: for one code, sent as both. */
export const PORTAL_MODES = ['password', 'voucher'] as const;
export type PortalMode = (typeof PORTAL_MODES)[number];

/** A NAS. Its RADIUS and UAM secrets are sealed in the vault, its WebSocket token only hashed. */
@Entity('routers')
export class Router {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') vendor!: RouterVendor;
  @Column('text', { name: 'nas_identifier' }) nasIdentifier!: string;
  @Column('inet', { name: 'nas_ip' }) nasIp!: string;
  @Column('text', { name: 'radius_secret_enc' }) radiusSecretEnc!: string;
  @Column('text', { name: 'uam_secret_enc', nullable: true }) uamSecretEnc!: string | null;
  /** uspot's exact `uam_server` string, the base its `md` signature covers. */
  @Column('text', { name: 'uam_server', nullable: true }) uamServer!: string | null;
  @Column('int', { name: 'uam_port', nullable: true }) uamPort!: number | null;
  /**
   * Where the router's UAM/login server answers: IPv4 addresses or CIDRs. The portal
   * refuses links whose uamip (or MikroTik login target) is not in here, so a forged
   * link cannot send a password to another host. Empty = no portal logins.
   */
  @Column('text', { name: 'uam_addresses', array: true, default: () => "'{}'" }) uamAddresses!: string[];
  /** The hotspot's DNS name (MikroTik `dns-name`), accepted as a login target besides uamAddresses. */
  @Column('text', { name: 'uam_hostname', nullable: true }) uamHostname!: string | null;
  @Column('text', { name: 'login_path', nullable: true }) loginPath!: string | null;
  @Column('int', { name: 'coa_port', default: 3799 }) coaPort!: number;
  @Column('text', { name: 'uspot_section', default: 'captive' }) uspotSection!: string;
  /** Drop Access-Requests without Message-Authenticator (BlastRADIUS); FreeRADIUS learns it per client. */
  @Column('boolean', { name: 'require_message_authenticator', default: true }) requireMessageAuthenticator!: boolean;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('text', { name: 'venue_name', nullable: true }) venueName!: string | null;
  @Column('text', { name: 'terms_text', nullable: true }) termsText!: string | null;
  @Column('text', { name: 'logo_url', nullable: true }) logoUrl!: string | null;
  @Column('text', { name: 'portal_mode', default: 'password' }) portalMode!: PortalMode;
  @Column('timestamptz', { name: 'last_seen_at', nullable: true }) lastSeenAt!: Date | null;
  /** Instance currently holding the router's WebSocket, null when offline. */
  @Column('text', { name: 'connected_instance', nullable: true }) connectedInstance!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
