import type { RadiusAttribute, RouterVendor } from '@app/aaa';

export interface SessionIdentity {
  username: string;
  acctSessionId: string;
  framedIp: string | null;
}

/**
 * Which attributes name a session in an RFC 5176 Disconnect-Request, per router (pure; table
 * tested). Every attribute must be one the router accepts and holds in exactly this spelling,
 * or it answers NAK:
 *
 * - uspot (`src/radius-das.c` disconnect_attrid_not_supported, toval_str; `uspot.uc`
 *   das_match_client) refuses Framed-IP-Address and Message-Authenticator, refuses any string
 *   with a byte outside printable ASCII, and compares every attribute with the Access-Request
 *   it stored. Acct-Session-Id alone: uspot makes it unique per session and we hold it
 *   verbatim; a User-Name can be UTF-8 (NAK) or differ in spelling from what the user typed.
 * - RouterOS names a session by User-Name, Acct-Session-Id and Framed-IP-Address.
 * - CoovaChilli (`src/chilli.c` cb_radius_coa_ind) requires User-Name, narrows by
 *   Acct-Session-Id and ignores the rest; other generic NASes may want the address.
 */
export function disconnectAttributes(vendor: RouterVendor, s: SessionIdentity): RadiusAttribute[] {
  if (!s.acctSessionId) throw new Error('session has no Acct-Session-Id: the router could not tell it apart');
  if (vendor === 'uspot') return [['Acct-Session-Id', s.acctSessionId]];
  const attrs: RadiusAttribute[] = [
    ['User-Name', s.username],
    ['Acct-Session-Id', s.acctSessionId],
  ];
  if (s.framedIp) attrs.push(['Framed-IP-Address', s.framedIp]);
  return attrs;
}
