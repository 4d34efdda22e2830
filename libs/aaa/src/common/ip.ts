import { isIP } from 'node:net';

/**
 * IP addresses and networks as PostgreSQL's `inet` and `cidr` take them, checked
 * before they reach SQL (a value PostgreSQL refuses used to be a 500).
 */

/**
 * An IPv4 or IPv6 address. Node's isIP() and class-validator's IsIP() both accept an
 * IPv6 zone id (`fe80::1%eth0`), which `inet` refuses; a zone only means something on
 * the host that wrote it anyway.
 */
export function isIpAddress(value: unknown): value is string {
  return typeof value === 'string' && isIP(value) !== 0 && !value.includes('%');
}

/** The address as a number and its width in bits; null when it is not one. */
function toBits(ip: string): { value: bigint; width: 32 | 128 } | null {
  if (!isIpAddress(ip)) return null;
  if (isIP(ip) === 4) return { value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), width: 32 };
  // The URL parser writes IPv6 in one canonical form, embedded IPv4 included (::ffff:102:304).
  const host = new URL(`http://[${ip}]`).hostname.slice(1, -1);
  const [head, tail] = host.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), width: 128 };
}

/**
 * A network the way `cidr` stores it: an address, optionally `/prefix` within its
 * width, with no bits set after the prefix (`cidr` refuses 10.0.0.1/24: that is an
 * address in a network, not a network). A bare address is a /32 or /128.
 */
export function isCidr(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const [ip, len, ...rest] = value.split('/');
  const bits = rest.length ? null : toBits(ip);
  if (!bits) return false;
  if (len === undefined) return true;
  if (!/^\d{1,3}$/.test(len) || Number(len) > bits.width) return false;
  const hostBits = BigInt(bits.width - Number(len));
  return (bits.value & ((1n << hostBits) - 1n)) === 0n;
}

/** An IPv6 address (no zone), as `inet` takes it. */
export function isIpv6Address(value: unknown): value is string {
  return isIpAddress(value) && isIP(value) === 6;
}

/** Eight groups, uncompressed: PostgreSQL reads it and writes its own canonical form back. */
function formatIpv6(value: bigint): string {
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
}

/**
 * `address/length` with an IPv6 address, as a NAS sends Framed-IPv6-Prefix or
 * Delegated-IPv6-Prefix (RFC 3162, 4818). Bits after the length may be set: RFC 3162
 * lets the NAS put an address there, so the prefix is its network (ipv6Network()).
 */
export function isIpv6Prefix(value: unknown): value is string {
  return ipv6Network(value) !== null;
}

/** The network of an IPv6 `address/length` (host bits cleared); null when it is none. */
export function ipv6Network(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const [ip, len, ...rest] = value.split('/');
  if (rest.length || len === undefined || !/^\d{1,3}$/.test(len) || Number(len) > 128 || !isIpv6Address(ip)) return null;
  const bits = toBits(ip)!;
  const hostBits = BigInt(128 - Number(len));
  return `${formatIpv6((bits.value >> hostBits) << hostBits)}/${Number(len)}`;
}

/** An IPv6 network as `cidr` stores it: an explicit length and no bits set after it. */
export function isIpv6Cidr(value: unknown): value is string {
  return typeof value === 'string' && value.includes('/') && isIpv6Address(value.split('/')[0]) && isCidr(value);
}
