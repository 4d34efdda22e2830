import { contains, isIpv4, parseCidr } from '@app/aaa';
import { LoginTarget } from './portal-params';

/** What the router record says about where its UAM/login server answers. */
export interface UamBinding {
  uamAddresses: readonly string[];
  uamHostname: string | null;
}

/** The address is one of the router's, or inside one of its networks. */
export function addressAllowed(binding: UamBinding, ip: string): boolean {
  if (!isIpv4(ip)) return false;
  return binding.uamAddresses.some((entry) => {
    if (isIpv4(entry)) return entry === ip;
    const cidr = parseCidr(entry);
    return cidr !== null && contains(cidr, ip);
  });
}

/** MikroTik's link-login-only may name the router by IP or by its hotspot DNS name. */
export function targetAllowed(binding: UamBinding, target: LoginTarget): boolean {
  return isIpv4(target.host) ? addressAllowed(binding, target.host) : target.host === binding.uamHostname?.toLowerCase();
}

/**
 * A link may only send credentials to the router it names: its uamip, and a MikroTik
 * login target when there is one, must be the router's. A router without uamAddresses
 * accepts nothing: guessing would reopen the hole (issue 11 §5).
 */
export function linkBoundToRouter(binding: UamBinding, link: { uamip?: string; loginTarget?: LoginTarget }): boolean {
  if (!link.uamip && !link.loginTarget) return false;
  if (link.uamip && !addressAllowed(binding, link.uamip)) return false;
  return !link.loginTarget || targetAllowed(binding, link.loginTarget);
}
