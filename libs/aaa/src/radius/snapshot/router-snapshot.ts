import { isIPv6 } from 'node:net';
import type { Router } from '../../routers/router.entity';

export type ClientRouter = Pick<Router, 'id' | 'vendor' | 'requireMessageAuthenticator'>;

/**
 * The dynamic-client definition of a router, as FreeRADIUS 3.2.1 reads it from the
 * control list (src/main/client.c, dynamic_config[]). NAS-Type carries the vendor.
 * Require-MA makes the auth listener drop Access-Requests without Message-Authenticator.
 */
export function clientAttributes(ip: string, router: ClientRouter, secret: string): Record<string, string> {
  return {
    [isIPv6(ip) ? 'control:FreeRADIUS-Client-IPv6-Address' : 'control:FreeRADIUS-Client-IP-Address']: ip,
    'control:FreeRADIUS-Client-Secret': secret,
    'control:FreeRADIUS-Client-Shortname': router.id,
    'control:FreeRADIUS-Client-NAS-Type': router.vendor,
    'control:FreeRADIUS-Client-Require-MA': router.requireMessageAuthenticator ? 'yes' : 'no',
  };
}

export interface SnapshotEntry extends ClientRouter {
  /** The router's nasIp as PostgreSQL prints it: the source address FreeRADIUS sees. */
  ip: string;
  secret: string;
}

export interface RenderedSnapshot {
  content: string;
  /** Routers left out, with why (the file cannot carry them). */
  skipped: { id: string; reason: string }[];
}

/** rlm_passwd reads lines with fgets(buffer, 1024): longer lines would be split. */
const MAX_LINE_BYTES = 1022;
// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000\n\r]/;

/**
 * The file FreeRADIUS loads with rlm_passwd (freeradius/overlay/mods-available/
 * aaa_router_snapshot): one line per router,
 *   key|IPv4|IPv6|shortname|NAS type|require MA|secret
 * split on "|" up to the last field, so the secret (last) may contain "|". FreeRADIUS
 * unescapes values like a double-quoted string (fr_pair_make), so its backslashes are
 * doubled. Sorted, so an unchanged router list renders byte for byte the same.
 */
export function renderRouterSnapshot(entries: SnapshotEntry[]): RenderedSnapshot {
  const skipped: RenderedSnapshot['skipped'] = [];
  const lines: string[] = [];
  for (const e of [...entries].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0))) {
    const v6 = isIPv6(e.ip);
    const fields = [e.ip, v6 ? '' : e.ip, v6 ? e.ip : '', e.id, e.vendor, e.requireMessageAuthenticator ? '1' : '0'];
    if (fields.some((f) => f.includes('|')) || [...fields, e.secret].some((f) => LINE_BREAKING.test(f))) {
      skipped.push({ id: e.id, reason: 'a field contains a line break or the delimiter' });
      continue;
    }
    const line = [...fields, e.secret.replace(/\\/g, '\\\\')].join('|');
    if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
      skipped.push({ id: e.id, reason: 'line longer than FreeRADIUS reads' });
      continue;
    }
    lines.push(line);
  }
  return { content: lines.map((l) => l + '\n').join(''), skipped };
}
