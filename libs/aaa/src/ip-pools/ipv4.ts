/** Pure IPv4 helpers for pool validation and allocation. No I/O. */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_RE = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

export function isIpv4(value: string): boolean {
  return IPV4_RE.test(value);
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Ipv4Cidr {
  network: number;
  prefix: number;
  broadcast: number;
}

/** Parses `a.b.c.d/n`; returns null unless the address is the network address itself. */
export function parseCidr(value: string): Ipv4Cidr | null {
  const [ip, len, ...rest] = value.split('/');
  if (rest.length || !isIpv4(ip ?? '') || !/^\d{1,2}$/.test(len ?? '')) return null;
  const prefix = Number(len);
  if (prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const network = ipToInt(ip);
  if (network % size !== 0) return null;
  return { network, prefix, broadcast: network + size - 1 };
}

export function contains(cidr: Ipv4Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= cidr.network && n <= cidr.broadcast;
}

/** The gateway defaults to the first host address, as on most routers. */
export function defaultGateway(cidr: Ipv4Cidr): string {
  return intToIp(cidr.network + 1);
}

/** Host addresses that may be handed out: all but network, broadcast and gateway. */
export function allocatableCount(cidr: Ipv4Cidr, gateway: string | null): number {
  const hosts = cidr.broadcast - cidr.network - 1;
  return gateway && contains(cidr, gateway) ? hosts - 1 : hosts;
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'].map((c) => parseCidr(c)!);

/** RFC 1918, CGNAT (RFC 6598) and link-local: where a hotspot gateway lives. */
export function isPrivateOrCgnat(ip: string): boolean {
  return isIpv4(ip) && PRIVATE_RANGES.some((r) => contains(r, ip));
}
