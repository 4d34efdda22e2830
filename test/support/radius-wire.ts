import { createHash } from 'node:crypto';
import { accessRequest } from './nas-client';
import { RadiusAttribute } from '../../libs/aaa/src/common/radius-lib';

/**
 * How a router reads a reply attribute off the wire: vendor 0 = RFC attribute, else the
 * Vendor-Specific id. Numbers come from the routers' own dictionaries (see ROUTER_WIRE), not
 * from FreeRADIUS's, so a name FreeRADIUS maps to the wrong number is caught too.
 */
export interface WireAttr {
  vendor: number;
  type: number;
  kind: 'integer' | 'string' | 'ipaddr';
}

const CHILLISPOT = 14559;
const WISPR = 14122;
const MIKROTIK = 14988;

/**
 * What the NAS firmware understands, per attribute name the reply builder may emit.
 * - RFC 2865/2869 numbers: Framed-IP-Address 8, Filter-Id 11, Session-Timeout 27, Idle-Timeout 28,
 *   Acct-Interim-Interval 85.
 * - ChilliSpot (14559): uspot's radcli dictionary, `files/etc/radcli/dictionary.chillispot` in
 *   f00b4r0/uspot (Max-*-Octets 1-3, Bandwidth-Max-Up/Down 4/5, Max-*-Gigawords 21-23); CoovaChilli
 *   uses the same numbers.
 * - WISPr (14122): Bandwidth-Max-Up 7 / -Down 8 (WISPr 1.0, also in uspot's `dictionary.WISPr`).
 * - MikroTik (14988): RouterOS's RADIUS dictionary (Rate-Limit 8, Total-Limit 17,
 *   Total-Limit-Gigawords 18, Address-List 19).
 * An attribute missing here fails the audit until someone looks up what the router reads.
 */
export const ROUTER_WIRE: Record<string, WireAttr> = {
  'Framed-IP-Address': { vendor: 0, type: 8, kind: 'ipaddr' },
  'Filter-Id': { vendor: 0, type: 11, kind: 'string' },
  'Session-Timeout': { vendor: 0, type: 27, kind: 'integer' },
  'Idle-Timeout': { vendor: 0, type: 28, kind: 'integer' },
  'Acct-Interim-Interval': { vendor: 0, type: 85, kind: 'integer' },
  'ChilliSpot-Max-Input-Octets': { vendor: CHILLISPOT, type: 1, kind: 'integer' },
  'ChilliSpot-Max-Output-Octets': { vendor: CHILLISPOT, type: 2, kind: 'integer' },
  'ChilliSpot-Max-Total-Octets': { vendor: CHILLISPOT, type: 3, kind: 'integer' },
  'ChilliSpot-Bandwidth-Max-Up': { vendor: CHILLISPOT, type: 4, kind: 'integer' },
  'ChilliSpot-Bandwidth-Max-Down': { vendor: CHILLISPOT, type: 5, kind: 'integer' },
  'ChilliSpot-Max-Input-Gigawords': { vendor: CHILLISPOT, type: 21, kind: 'integer' },
  'ChilliSpot-Max-Output-Gigawords': { vendor: CHILLISPOT, type: 22, kind: 'integer' },
  'ChilliSpot-Max-Total-Gigawords': { vendor: CHILLISPOT, type: 23, kind: 'integer' },
  'WISPr-Bandwidth-Max-Up': { vendor: WISPR, type: 7, kind: 'integer' },
  'WISPr-Bandwidth-Max-Down': { vendor: WISPR, type: 8, kind: 'integer' },
  'Mikrotik-Rate-Limit': { vendor: MIKROTIK, type: 8, kind: 'string' },
  'Mikrotik-Total-Limit': { vendor: MIKROTIK, type: 17, kind: 'integer' },
  'Mikrotik-Total-Limit-Gigawords': { vendor: MIKROTIK, type: 18, kind: 'integer' },
  'Mikrotik-Address-List': { vendor: MIKROTIK, type: 19, kind: 'string' },
};

export interface RawAttr {
  vendor: number;
  type: number;
  value: Buffer;
}

/** Walks a RADIUS packet's attributes, splitting Vendor-Specific (26) into its sub-attributes (RFC 2865 §5.26). */
export function rawAttributes(packet: Buffer): RawAttr[] {
  const out: RawAttr[] = [];
  const end = Math.min(packet.readUInt16BE(2), packet.length);
  for (let off = 20; off + 2 <= end;) {
    const type = packet[off];
    const len = packet[off + 1];
    if (len < 2 || off + len > end) throw new Error(`malformed attribute at offset ${off}`);
    const value = packet.subarray(off + 2, off + len);
    if (type === 26 && value.length >= 6) {
      const vendor = value.readUInt32BE(0);
      for (let v = 4; v + 2 <= value.length;) {
        const vlen = value[v + 1];
        if (vlen < 2 || v + vlen > value.length) throw new Error(`malformed vendor attribute of ${vendor}`);
        out.push({ vendor, type: value[v], value: value.subarray(v + 2, v + vlen) });
        v += vlen;
      }
    } else {
      out.push({ vendor: 0, type, value });
    }
    off += len;
  }
  return out;
}

/** The value as the router would read it with the type from its own dictionary. */
export function readWire(value: Buffer, kind: WireAttr['kind']): string | number {
  if (kind === 'integer') {
    if (value.length !== 4) throw new Error(`integer attribute of ${value.length} bytes`);
    return value.readUInt32BE(0);
  }
  if (kind === 'ipaddr') return [...value].join('.');
  return value.toString('utf8');
}

/** Finds one attribute the router would recognise; undefined when the reply does not carry it. */
export function wireValue(attrs: RawAttr[], name: string): string | number | undefined {
  const def = ROUTER_WIRE[name];
  if (!def) throw new Error(`no router-side definition for ${name}: add it to ROUTER_WIRE from the router's dictionary`);
  const hit = attrs.find((a) => a.vendor === def.vendor && a.type === def.type);
  return hit && readWire(hit.value, def.kind);
}

/**
 * One Access-Request from a chosen loopback source address (FreeRADIUS knows the NAS by it),
 * with a Message-Authenticator as RFC 3579 / BlastRADIUS-hardened servers want. Retransmits
 * the same packet like a NAS would: the first packet from an unknown address may be dropped
 * while FreeRADIUS defines the dynamic client. Resolves the raw reply, verified against the secret.
 */
export async function sendAccessRequest(opts: {
  port: number;
  secret: string;
  srcIp: string;
  attributes: RadiusAttribute[];
  tries?: number;
  perTryMs?: number;
}): Promise<Buffer | undefined> {
  const reply = await accessRequest({ ...opts, tries: opts.tries ?? 3, timeoutMs: opts.perTryMs ?? 3000, decode: false });
  if (reply && !responseAuthenticatorOk(reply.request, reply.raw, opts.secret)) {
    throw new Error('reply failed the response authenticator check');
  }
  return reply?.raw;
}

/**
 * RFC 2865 §3: MD5(Code | Identifier | Length | Request Authenticator | Attributes | Secret).
 * Checked by hand: Message-Authenticator on replies is a separate concern with its own tests.
 */
export function responseAuthenticatorOk(request: Buffer, response: Buffer, secret: string): boolean {
  const len = response.readUInt16BE(2);
  const md5 = createHash('md5')
    .update(response.subarray(0, 4))
    .update(request.subarray(4, 20))
    .update(response.subarray(20, len))
    .update(secret)
    .digest();
  return md5.equals(response.subarray(4, 20));
}
