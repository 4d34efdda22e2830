import { isIpAddress, isIpv6Address, isIpv6Prefix } from '../common/ip';
import { isStorableText, quoted } from '../common/text';
import { AttrMap } from './rlm-rest.codec';

/**
 * The attributes each rlm_rest call reads, with the range each may take. A value out
 * of its range never reaches SQL: authorize and post-auth answer 400 (FreeRADIUS
 * rejects), accounting sets the packet aside as a dead letter (it can never be
 * stored, and retrying it would stall the spool behind it). Attributes not listed are
 * ignored. The fuzz test generates its hostile bodies from these tables.
 */
export type AttributeRule =
  /** A RADIUS string: at most 253 characters (the attribute's byte limit) of storable text. */
  | { type: 'text' }
  /** Compared in memory, never stored (passwords): only the length is checked. */
  | { type: 'secret' }
  | { type: 'integer'; max: number }
  | { type: 'ipaddr' }
  /** As FreeRADIUS prints an ipv6prefix (`2001:db8:1::/48`) or ipv6addr attribute. */
  | { type: 'ipv6prefix' }
  | { type: 'ipv6addr' }
  /** Unix seconds or a date; a value that makes no sense falls back to the arrival time. */
  | { type: 'time' }
  | { type: 'enum'; values: readonly string[] };

export type AttributeSchema = Readonly<Record<string, AttributeRule>>;

/** RADIUS attributes hold at most 253 bytes. */
export const RADIUS_TEXT_MAX = 253;
export const INT32_MAX = 2 ** 31 - 1;
export const UINT32_MAX = 2 ** 32 - 1;
/** Bytes of one session: 9 PB, far beyond any real one, and exact in a JavaScript number and a bigint column. */
export const OCTETS_MAX = Number.MAX_SAFE_INTEGER;

const text = { type: 'text' } as const;
const uint32 = { type: 'integer', max: UINT32_MAX } as const;

export const ACCT_STATUS_VALUES = ['Start', 'Stop', 'Interim-Update', 'Alive', 'Accounting-On', 'Accounting-Off', '1', '2', '3', '7', '8'];

export const AUTHORIZE_ATTRIBUTES: AttributeSchema = {
  'User-Name': text,
  'User-Password': { type: 'secret' },
  'Auth-Type': text,
  'Calling-Station-Id': text,
  'NAS-Identifier': text,
};

export const POST_AUTH_ATTRIBUTES: AttributeSchema = {
  'User-Name': text,
  'Calling-Station-Id': text,
};

/**
 * Read by accounting, but a value out of range is dropped (stored as unknown), not the
 * packet: a NAS that garbles an IPv6 attribute still has its usage counted. radclient
 * and FreeRADIUS parse these before the API sees them, so only a broken or hostile
 * NAS gets here with a bad one.
 */
export const ACCOUNTING_OPTIONAL_ATTRIBUTES: AttributeSchema = {
  'Framed-IPv6-Prefix': { type: 'ipv6prefix' },
  'Delegated-IPv6-Prefix': { type: 'ipv6prefix' },
  'Framed-IPv6-Address': { type: 'ipv6addr' },
};

export const ACCOUNTING_ATTRIBUTES: AttributeSchema = {
  'Acct-Status-Type': { type: 'enum', values: ACCT_STATUS_VALUES },
  'Acct-Session-Id': text,
  'Acct-Unique-Session-Id': text,
  'User-Name': text,
  'NAS-Identifier': text,
  'Called-Station-Id': text,
  'Calling-Station-Id': text,
  'Framed-IP-Address': { type: 'ipaddr' },
  'Event-Timestamp': { type: 'time' },
  'Packet-Original-Timestamp': { type: 'time' },
  // sessions.session_time is an int: 68 years.
  'Acct-Session-Time': { type: 'integer', max: INT32_MAX },
  'Acct-Input-Octets64': { type: 'integer', max: OCTETS_MAX },
  'Acct-Output-Octets64': { type: 'integer', max: OCTETS_MAX },
  // Without the 64-bit forms (rlm_rest body = json): RFC 2866/2869 32-bit counters.
  'Acct-Input-Octets': uint32,
  'Acct-Output-Octets': uint32,
  'Acct-Input-Gigawords': uint32,
  'Acct-Output-Gigawords': uint32,
  'Acct-Terminate-Cause': text,
  'Acct-Delay-Time': uint32,
};

/** What is wrong with the first value of `name`, or null when it is in range or absent. */
export function attributeProblem(name: string, value: string, rule: AttributeRule): string | null {
  switch (rule.type) {
    case 'text':
      if (!isStorableText(value)) return `${name} ${quoted(value)} contains a NUL or an unpaired surrogate`;
      return value.length > RADIUS_TEXT_MAX ? `${name} is longer than ${RADIUS_TEXT_MAX} characters` : null;
    case 'secret':
      return value.length > RADIUS_TEXT_MAX ? `${name} is longer than ${RADIUS_TEXT_MAX} characters` : null;
    case 'integer':
      if (!/^\d{1,30}$/.test(value)) return `${name} ${quoted(value)} is not a non-negative integer`;
      return BigInt(value) > BigInt(rule.max) ? `${name} ${value} is out of range (0-${rule.max})` : null;
    case 'ipaddr':
      return isIpAddress(value) ? null : `${name} ${quoted(value)} is not an IP address`;
    case 'ipv6prefix':
      return isIpv6Prefix(value) ? null : `${name} ${quoted(value)} is not an IPv6 prefix`;
    case 'ipv6addr':
      return isIpv6Address(value) ? null : `${name} ${quoted(value)} is not an IPv6 address`;
    case 'enum':
      return rule.values.includes(value) ? null : `${name} ${quoted(value)} is not one of ${rule.values.join(', ')}`;
    case 'time':
      return null;
  }
}

/** The first value of `name` when it is in range; null when absent or out of range. */
export function valueInRange(attrs: AttrMap, name: string, schema: AttributeSchema): string | null {
  const value = attrs.get(name)?.[0];
  return value === undefined || attributeProblem(name, value, schema[name]) ? null : value;
}

/** The first attribute of `schema` whose value is out of range, described; null when all are fine. */
export function checkAttributes(attrs: AttrMap, schema: AttributeSchema): string | null {
  for (const [name, rule] of Object.entries(schema)) {
    const value = attrs.get(name)?.[0];
    if (value === undefined) continue;
    const problem = attributeProblem(name, value, rule);
    if (problem) return problem;
  }
  return null;
}

/** The attributes each rlm_rest path reads, by path (for the fuzz test; none for /radius/clients). */
export const RADIUS_PATH_ATTRIBUTES: Readonly<Record<string, AttributeSchema>> = {
  '/radius/authorize': AUTHORIZE_ATTRIBUTES,
  '/radius/post-auth': POST_AUTH_ATTRIBUTES,
  '/radius/accounting': { ...ACCOUNTING_ATTRIBUTES, ...ACCOUNTING_OPTIONAL_ATTRIBUTES },
  '/radius/clients': {},
};
