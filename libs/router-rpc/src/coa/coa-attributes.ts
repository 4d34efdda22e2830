import type { RadiusAttribute, RouterVendor } from '@app/aaa';
import { disconnectAttributes, SessionIdentity } from '../disconnect/disconnect-attributes';

type ReplyValue = string | number | undefined | null;

/** A reply as aaa's reply builder makes it (`reply:<Attribute>` keys). */
export type LiveReply = Record<string, ReplyValue | unknown>;

export interface CoaPlan {
  /** Identification first, then the changes; vendor attributes as raw Vendor-Specific. */
  attributes: RadiusAttribute[];
  /** What the request changes, by attribute name, for the record (never a secret: rates, timeouts, a list name). */
  changes: [string, string | number][];
  /** Parts of the desired state this router cannot be given live. */
  notLive: string[];
}

const MIKROTIK = 14988;
const WISPR = 14122;

/** RFC attributes a CoA may change, by name (RFC 2865 §5.27, §5.28; RFC 2869 §5.16). */
const RFC_CHANGES = ['Session-Timeout', 'Idle-Timeout', 'Acct-Interim-Interval'] as const;

/** Vendor attributes by name: vendor and type from the routers' dictionaries (test/support/radius-wire.ts lists the same numbers). */
const VSA: Record<string, { vendor: number; type: number; kind: 'string' | 'integer' }> = {
  'Mikrotik-Rate-Limit': { vendor: MIKROTIK, type: 8, kind: 'string' },
  'Mikrotik-Address-List': { vendor: MIKROTIK, type: 19, kind: 'string' },
  'WISPr-Bandwidth-Max-Up': { vendor: WISPR, type: 7, kind: 'integer' },
  'WISPr-Bandwidth-Max-Down': { vendor: WISPR, type: 8, kind: 'integer' },
};

/**
 * What a CoA-Request (RFC 5176 §2.2, §3.1) carries per router, from what each really applies
 * live (pure; table tested). Identification is the Disconnect's (disconnect-attributes.ts).
 *
 * - RouterOS (the RouterOS manual, RADIUS page, "Change of Authorization"; `/radius incoming`):
 *   `Mikrotik-Rate-Limit`, `Session-Timeout`, and `Mikrotik-Address-List` while restricted.
 *   RFC 5176 §3.6 note 3: an attribute left out of a CoA stays as it was, so a lifted restriction
 *   (the address-list entry) cannot be taken back by CoA: that is not live.
 * - uspot (`src/radius-das.c` coa_attrid_not_supported; `uspot.uc` das_coa_filter_changes):
 *   Session-Timeout, Idle-Timeout and Acct-Interim-Interval are the only changes; any other
 *   attribute (a WISPr rate, Filter-Id) is NAKed or breaks the client match. Rates and
 *   restrictions are not live. Session-Timeout counts from the session's start there.
 * - CoovaChilli and generic gateways (`src/chilli.c` cb_radius_coa_ind → config_radius_session with reconfig 0):
 *   User-Name required; WISPr-Bandwidth-Max-Up/Down, Session-Timeout, Idle-Timeout and
 *   Acct-Interim-Interval applied, and every one left out is reset to "none", so all are sent.
 *   Filter-Id is only handed to scripts: restrictions are not live.
 */
export function coaPlan(
  vendor: RouterVendor,
  session: SessionIdentity,
  reply: LiveReply,
  restricted: boolean,
  restriction: 'set' | 'lifted' | null,
): CoaPlan {
  const attributes = disconnectAttributes(vendor, session);
  const changes: [string, string | number][] = [];
  const notLive: string[] = [];
  const take = (name: string) => {
    const v = reply[`reply:${name}`];
    if (v === undefined || v === null || v === '') return;
    changes.push([name, v as string | number]);
  };
  if (vendor === 'mikrotik') {
    take('Mikrotik-Rate-Limit');
    take('Session-Timeout');
    if (restricted) take('Mikrotik-Address-List');
    else if (restriction === 'lifted') notLive.push('Mikrotik-Address-List (leaving the restricted list)');
  } else if (vendor === 'uspot') {
    take('Session-Timeout');
    take('Idle-Timeout');
    if (reply['reply:WISPr-Bandwidth-Max-Down'] !== undefined || reply['reply:WISPr-Bandwidth-Max-Up'] !== undefined) {
      notLive.push('rate (WISPr-Bandwidth-Max-*)');
    }
    if (restricted || restriction) notLive.push('restriction');
  } else {
    for (const name of ['WISPr-Bandwidth-Max-Up', 'WISPr-Bandwidth-Max-Down', ...RFC_CHANGES]) take(name);
    if (restricted || restriction) notLive.push('restriction');
  }
  for (const [name, value] of changes) attributes.push(encode(name, value));
  return { attributes, changes, notLive };
}

function encode(name: string, value: string | number): RadiusAttribute {
  const vsa = VSA[name];
  if (!vsa) return [name, value];
  let data: Buffer;
  if (vsa.kind === 'integer') {
    data = Buffer.alloc(4);
    data.writeUInt32BE(Number(value));
  } else {
    data = Buffer.from(String(value), 'utf8');
  }
  return ['Vendor-Specific', vsa.vendor, [[vsa.type, data]]];
}
