import { BlockList, isIP } from 'node:net';

/** The reverse proxies whose X-Forwarded-* headers may be believed (TRUSTED_PROXIES). */
export interface TrustedProxies {
  has(ip: string | undefined): boolean;
}

/** `::ffff:10.0.0.1` (a v4 peer on a dual-stack socket) is 10.0.0.1. */
export function plainIp(ip: string): string {
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/**
 * Parses `10.0.0.1,10.1.0.0/16,::1,fd00::/8`; null when any entry is not an IP address
 * or a CIDR with a valid prefix length. An empty list trusts nobody.
 */
export function parseTrustedProxies(list: string | string[]): TrustedProxies | null {
  const entries = (Array.isArray(list) ? list : list.split(',')).map((e) => e.trim()).filter(Boolean);
  const blocks = new BlockList();
  for (const entry of entries) {
    const [ip, prefix, ...rest] = entry.split('/');
    const family = isIP(ip);
    if (!family || rest.length) return null;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      blocks.addAddress(ip, type);
      continue;
    }
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return null;
    blocks.addSubnet(ip, Number(prefix), type);
  }
  return {
    has(ip) {
      if (!ip) return false;
      const plain = plainIp(ip);
      const family = isIP(plain);
      return family !== 0 && blocks.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then
 * X-Forwarded-For read from the right, every hop a trusted proxy added skipped, and the
 * first address no trusted proxy vouches for is the client (a client can prepend anything).
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  if (!trusted.has(peer)) return plainIp(peer);
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  let client = peer;
  while (trusted.has(client) && hops.length) client = hops.pop()!;
  return plainIp(client);
}
