import type { IncomingHttpHeaders } from 'node:http';
import { clientAddress, TrustedProxies } from './trusted-proxies';

/**
 * How a browser-facing page (the portal, the customer panel) sees a request once reverse
 * proxies are accounted for. Pure.
 */
export interface RequestView {
  /** The browser's address: the rate-limit key, and what the panel allowlist is checked against. */
  clientIp: string;
  /** scheme://host[:port] the browser used to reach us: our own origin for the CSRF check. */
  origin: string;
  /** Prefix of PUBLIC_URL's path that a proxy strips before the request reaches us ('' or '/x'). */
  pathPrefix: string;
}

export interface RequestFacts {
  /** The TCP peer (the last proxy, or the browser itself). */
  peer: string;
  protocol: string;
  /** The Host header as received. */
  host: string | undefined;
  headers: IncomingHttpHeaders;
}

const HOST = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

function first(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/**
 * Scheme and host come from PUBLIC_URL when it is set, else from X-Forwarded-Proto/-Host
 * when the peer is a trusted proxy, else from the request itself. Nobody else's
 * X-Forwarded-* headers are believed.
 */
export function requestView(facts: RequestFacts, trusted: TrustedProxies, publicUrl?: string): RequestView {
  const viaProxy = trusted.has(facts.peer);
  const clientIp = clientAddress(facts.peer, facts.headers['x-forwarded-for'], trusted);
  if (publicUrl) {
    const url = new URL(publicUrl);
    return { clientIp, origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
  }
  let protocol = facts.protocol;
  let host = facts.host;
  if (viaProxy) {
    const proto = first(facts.headers['x-forwarded-proto'])?.toLowerCase();
    const fwdHost = first(facts.headers['x-forwarded-host']);
    if (proto === 'http' || proto === 'https') protocol = proto;
    if (fwdHost && HOST.test(fwdHost)) host = fwdHost;
  }
  const validHost = host && HOST.test(host) ? host.toLowerCase() : 'invalid.host';
  return { clientIp, origin: new URL(`${protocol}://${validHost}`).origin, pathPrefix: '' };
}

/** Origin (or, when a browser sent none, Referer) of a form POST equals our own origin. */
export function sameOrigin(headers: IncomingHttpHeaders, origin: string): boolean {
  const given = first(headers.origin) ?? refererOrigin(first(headers.referer));
  return given !== undefined && given !== 'null' && given.toLowerCase() === origin.toLowerCase();
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
