import { ipv6Network } from '../common/ip';
import { canonicalUsername } from '../common/username';
import { ACCOUNTING_ATTRIBUTES, ACCOUNTING_OPTIONAL_ATTRIBUTES, checkAttributes, OCTETS_MAX, valueInRange } from './radius-attributes';
import { AttrMap, first, firstInt } from './rlm-rest.codec';

/** The parts of an Access-Request the policy cares about. */
export interface AccessRequest {
  /** The User-Name exactly as sent, for the log. */
  username: string;
  /** canonicalUsername() of it: the account it means; null when it is no username at all. */
  accountKey: string | null;
  /** Present for PAP only; FreeRADIUS hands it over decrypted. */
  password?: string;
  /** CHAP or MS-CHAP: FreeRADIUS verifies, the API only supplies the credential. */
  challengeAuth: boolean;
  callingStationId: string | null;
  nasIdentifier: string | null;
}

export function toAccessRequest(attrs: AttrMap): AccessRequest | null {
  // Never trimmed or normalised: a name that is not already canonical is no account's.
  const username = first(attrs, 'User-Name');
  if (!username) return null;
  return {
    username,
    accountKey: canonicalUsername(username),
    password: first(attrs, 'User-Password'),
    challengeAuth:
      attrs.has('CHAP-Password') || attrs.has('MS-CHAP-Challenge') || attrs.has('MS-CHAP2-Response') || attrs.has('MS-CHAP-Response'),
    callingStationId: normalizeMac(first(attrs, 'Calling-Station-Id')),
    nasIdentifier: first(attrs, 'NAS-Identifier') ?? null,
  };
}

/** Routers disagree on MAC format (aa-bb…, AA:BB…); store one form so lookups match. */
export function normalizeMac(value: string | undefined): string | null {
  if (!value) return null;
  const hex = value.replace(/[^0-9a-fA-F]/g, '');
  if (hex.length !== 12) return value.slice(0, 64);
  return hex.toUpperCase().match(/../g)!.join(':');
}

export const ACCT_STATUS = ['Start', 'Stop', 'Interim-Update', 'Accounting-On', 'Accounting-Off'] as const;
export type AcctStatus = (typeof ACCT_STATUS)[number];
const STATUS_BY_NUMBER: Record<string, AcctStatus> = {
  '1': 'Start',
  '2': 'Stop',
  '3': 'Interim-Update',
  '7': 'Accounting-On',
  '8': 'Accounting-Off',
};

export interface AccountingPacket {
  status: AcctStatus;
  /** As sent: a disconnect must name the session exactly as the NAS knows it. */
  username: string;
  /** The account the session counts against (canonicalUsername()); null for none. */
  accountKey: string | null;
  acctSessionId: string | null;
  acctUniqueId: string | null;
  framedIp: string | null;
  /** IPv6 as the NAS reports it (RFC 3162, 4818, 6911); null when absent or malformed. */
  framedIpv6Prefix: string | null;
  delegatedIpv6Prefix: string | null;
  framedIpv6Address: string | null;
  callingStationId: string | null;
  calledStationId: string | null;
  nasIdentifier: string | null;
  inputOctets: number;
  outputOctets: number;
  /** Acct-Session-Time; null when the NAS did not say. */
  sessionTime: number | null;
  terminateCause: string | null;
  /** When the NAS saw the event: Event-Timestamp, else arrival minus Acct-Delay-Time. */
  eventTime: Date;
}

const GIGA = 2 ** 32;

/** Bytes in one direction; every part is range-checked before (ACCOUNTING_ATTRIBUTES). */
function octets(attrs: AttrMap, dir: 'Input' | 'Output'): number {
  const wide = firstInt(attrs, `Acct-${dir}-Octets64`);
  if (wide !== undefined) return wide;
  return (firstInt(attrs, `Acct-${dir}-Gigawords`) ?? 0) * GIGA + (firstInt(attrs, `Acct-${dir}-Octets`) ?? 0);
}

function eventTime(attrs: AttrMap, now: Date): Date {
  // Spool replays carry Packet-Original-Timestamp: when FreeRADIUS first received the packet.
  const ts = first(attrs, 'Event-Timestamp') ?? first(attrs, 'Packet-Original-Timestamp');
  if (ts) {
    const parsed = /^\d+$/.test(ts) ? new Date(Number(ts) * 1000) : new Date(ts);
    // Trust the NAS clock only within reason; a router with a dead RTC says 1970.
    if (!isNaN(parsed.getTime()) && Math.abs(parsed.getTime() - now.getTime()) < 7 * 86400_000) return parsed;
  }
  const delay = firstInt(attrs, 'Acct-Delay-Time') ?? 0;
  return new Date(now.getTime() - Math.min(delay, 86400) * 1000);
}

export type ParsedAccounting = { ok: true; packet: AccountingPacket } | { ok: false; kind: 'range' | 'missing'; reason: string };

/**
 * The packet, or why it can never be stored: every attribute in its range
 * (radius-attributes.ts), a known Acct-Status-Type, an Acct-Session-Id where a session
 * needs one, and byte totals a bigint column and a JavaScript number both hold exactly.
 */
export function parseAccounting(attrs: AttrMap, now: Date): ParsedAccounting {
  const problem = checkAttributes(attrs, ACCOUNTING_ATTRIBUTES);
  if (problem) return { ok: false, kind: 'range', reason: problem };
  const rawStatus = first(attrs, 'Acct-Status-Type');
  const status = rawStatus === 'Alive' ? 'Interim-Update' : (STATUS_BY_NUMBER[rawStatus ?? ''] ?? ACCT_STATUS.find((s) => s === rawStatus));
  if (!status) return { ok: false, kind: 'missing', reason: 'Acct-Status-Type is missing' };
  const acctSessionId = first(attrs, 'Acct-Session-Id') ?? null;
  if (!acctSessionId && status !== 'Accounting-On' && status !== 'Accounting-Off') {
    return { ok: false, kind: 'missing', reason: `Acct-Session-Id is missing from an accounting ${status}` };
  }
  const inputOctets = octets(attrs, 'Input');
  const outputOctets = octets(attrs, 'Output');
  for (const [dir, n] of [
    ['Input', inputOctets],
    ['Output', outputOctets],
  ] as const) {
    if (n > OCTETS_MAX) {
      return { ok: false, kind: 'range', reason: `Acct-${dir}-Gigawords and -Octets add up to ${n}, more than ${OCTETS_MAX} bytes` };
    }
  }
  const username = first(attrs, 'User-Name') ?? '';
  return {
    ok: true,
    packet: {
      status,
      username,
      accountKey: canonicalUsername(username),
      acctSessionId,
      acctUniqueId: first(attrs, 'Acct-Unique-Session-Id') ?? null,
      framedIp: first(attrs, 'Framed-IP-Address') ?? null,
      // Stored as networks (`cidr`): a NAS may set bits after the prefix length.
      framedIpv6Prefix: ipv6Network(valueInRange(attrs, 'Framed-IPv6-Prefix', ACCOUNTING_OPTIONAL_ATTRIBUTES)),
      delegatedIpv6Prefix: ipv6Network(valueInRange(attrs, 'Delegated-IPv6-Prefix', ACCOUNTING_OPTIONAL_ATTRIBUTES)),
      framedIpv6Address: valueInRange(attrs, 'Framed-IPv6-Address', ACCOUNTING_OPTIONAL_ATTRIBUTES),
      callingStationId: normalizeMac(first(attrs, 'Calling-Station-Id')),
      calledStationId: first(attrs, 'Called-Station-Id') ?? null,
      nasIdentifier: first(attrs, 'NAS-Identifier') ?? null,
      inputOctets,
      outputOctets,
      sessionTime: firstInt(attrs, 'Acct-Session-Time') ?? null,
      terminateCause: first(attrs, 'Acct-Terminate-Cause') ?? null,
      eventTime: eventTime(attrs, now),
    },
  };
}
