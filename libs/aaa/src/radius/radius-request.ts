import { AttrMap, first, firstInt } from './rlm-rest.codec';

/** The parts of an Access-Request the policy cares about. */
export interface AccessRequest {
  username: string;
  /** Present for PAP only; FreeRADIUS hands it over decrypted. */
  password?: string;
  /** CHAP or MS-CHAP: FreeRADIUS verifies, the API only supplies the credential. */
  challengeAuth: boolean;
  callingStationId: string | null;
  nasIdentifier: string | null;
}

export function toAccessRequest(attrs: AttrMap): AccessRequest | null {
  const username = first(attrs, 'User-Name')?.trim();
  if (!username) return null;
  return {
    username,
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
  username: string;
  acctSessionId: string | null;
  acctUniqueId: string | null;
  framedIp: string | null;
  callingStationId: string | null;
  calledStationId: string | null;
  nasIdentifier: string | null;
  inputOctets: number;
  outputOctets: number;
  sessionTime: number;
  terminateCause: string | null;
  /** When the NAS saw the event: Event-Timestamp, else arrival minus Acct-Delay-Time. */
  eventTime: Date;
}

const GIGA = 2 ** 32;

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

export function toAccountingPacket(attrs: AttrMap, now: Date): AccountingPacket | null {
  const rawStatus = first(attrs, 'Acct-Status-Type');
  const status = rawStatus === 'Alive' ? 'Interim-Update' : (STATUS_BY_NUMBER[rawStatus ?? ''] ?? ACCT_STATUS.find((s) => s === rawStatus));
  if (!status) return null;
  return {
    status,
    username: (first(attrs, 'User-Name') ?? '').slice(0, 253),
    acctSessionId: first(attrs, 'Acct-Session-Id')?.slice(0, 253) ?? null,
    acctUniqueId: first(attrs, 'Acct-Unique-Session-Id') ?? null,
    framedIp: first(attrs, 'Framed-IP-Address') ?? null,
    callingStationId: normalizeMac(first(attrs, 'Calling-Station-Id')),
    calledStationId: first(attrs, 'Called-Station-Id')?.slice(0, 253) ?? null,
    nasIdentifier: first(attrs, 'NAS-Identifier') ?? null,
    inputOctets: octets(attrs, 'Input'),
    outputOctets: octets(attrs, 'Output'),
    sessionTime: firstInt(attrs, 'Acct-Session-Time') ?? 0,
    terminateCause: first(attrs, 'Acct-Terminate-Cause') ?? null,
    eventTime: eventTime(attrs, now),
  };
}
