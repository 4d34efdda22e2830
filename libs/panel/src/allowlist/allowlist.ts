import { BlockList, isIP } from 'node:net';
import { plainIp } from '@app/aaa';

/**
 * B050's "panel login allowlist (optional)" per connection, read as follows (README,
 * "The customer panel"): a connection's `panelAllowlist` lists the networks from which
 * the panel may manage that connection.
 *
 * - Sign-in: a customer any of whose connections has an allowlist may sign in only from
 *   inside at least one of those networks. A customer without any is not restricted.
 * - Changes (password, disconnect) to a connection with an allowlist: only from inside it.
 *
 * Null and an empty list both mean "no allowlist". Pure.
 */
export interface AllowlistHolder {
  panelAllowlist: string[] | null;
}

export function hasAllowlist(c: AllowlistHolder): boolean {
  return !!c.panelAllowlist && c.panelAllowlist.length > 0;
}

/** Whether `ip` lies in one of `networks` (CIDRs or single addresses, IPv4 and IPv6, as `cidr` stores them). */
export function inNetworks(ip: string, networks: readonly string[]): boolean {
  const address = plainIp(ip);
  const family = isIP(address);
  if (!family) return false;
  const list = new BlockList();
  for (const net of networks) {
    const [base, prefix] = net.split('/');
    const type = isIP(base) === 4 ? 'ipv4' : isIP(base) === 6 ? 'ipv6' : null;
    if (!type) continue;
    if (prefix === undefined) list.addAddress(base, type);
    else list.addSubnet(base, Number(prefix), type);
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function signInAllowed(clientIp: string, connections: readonly AllowlistHolder[]): boolean {
  const restricted = connections.filter(hasAllowlist);
  return restricted.length === 0 || restricted.some((c) => inNetworks(clientIp, c.panelAllowlist!));
}

export function mayManage(clientIp: string, connection: AllowlistHolder): boolean {
  return !hasAllowlist(connection) || inNetworks(clientIp, connection.panelAllowlist!);
}
