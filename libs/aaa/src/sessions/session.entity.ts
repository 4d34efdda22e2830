import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../common/bigint.transformer';

/** One accounting session (RFC 2866): a router, an Acct-Session-Id and a start (a router may reuse the id later). */
@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid', { name: 'router_id' }) routerId!: string;
  @Column('uuid', { name: 'account_id', nullable: true }) accountId!: string | null;
  @Column('text') username!: string;
  @Column('text', { name: 'acct_session_id' }) acctSessionId!: string;
  @Column('text', { name: 'acct_unique_id', nullable: true }) acctUniqueId!: string | null;
  @Column('inet', { name: 'framed_ip', nullable: true }) framedIp!: string | null;
  /** IPv6 as the NAS reported it (Framed-IPv6-Prefix, Delegated-IPv6-Prefix, Framed-IPv6-Address). */
  @Column('cidr', { name: 'framed_ipv6_prefix', nullable: true }) framedIpv6Prefix!: string | null;
  @Column('cidr', { name: 'delegated_ipv6_prefix', nullable: true }) delegatedIpv6Prefix!: string | null;
  @Column('inet', { name: 'framed_ipv6_address', nullable: true }) framedIpv6Address!: string | null;
  @Column('text', { name: 'calling_station_id', nullable: true }) callingStationId!: string | null;
  @Column('text', { name: 'called_station_id', nullable: true }) calledStationId!: string | null;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'last_seen_at' }) lastSeenAt!: Date;
  @Column('timestamptz', { name: 'stopped_at', nullable: true }) stoppedAt!: Date | null;
  @Column('bigint', { name: 'input_octets', default: 0, transformer: bigintNumber }) inputOctets!: number;
  @Column('bigint', { name: 'output_octets', default: 0, transformer: bigintNumber }) outputOctets!: number;
  @Column('int', { name: 'session_time', default: 0 }) sessionTime!: number;
  @Column('text', { name: 'terminate_cause', nullable: true }) terminateCause!: string | null;
  /** Not a column: the last finished CoA-Request for this session (`coa_requests`), filled by the admin read side. */
  lastCoa?: LastCoa | null;
}

/** The last live change sent to a session (RFC 5176 CoA) and what became of it. */
export interface LastCoa {
  at: Date;
  reason: string;
  /** ack, nak, timeout, disconnected (not applicable live, so cut), unsupported, skipped, failed. */
  result: string;
  /** RFC 5176 §3.5 Error-Cause from the router's NAK, when it gave one. */
  errorCause: string | null;
  detail: string | null;
}
