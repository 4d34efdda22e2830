import { isIpv4, isPrivateOrCgnat } from '@app/aaa';

/** `already` and `failed` are CoovaChilli's; uspot sends notyet|success|reject|logoff. */
export const PORTAL_RESULTS = ['notyet', 'success', 'already', 'reject', 'failed', 'logoff'] as const;
export type PortalResult = (typeof PORTAL_RESULTS)[number];

export const DEFAULT_USERURL = 'http://www.google.com';
const USERURL_MAX = 2000;

/** A MikroTik `$(link-login-only)`: where RouterOS takes the login, by IP or hotspot DNS name. */
export interface LoginTarget {
  /** `http://10.5.50.1/login`, normalised by the URL parser. */
  url: string;
  origin: string;
  /** Lower-case hostname or IPv4 address, without the port. */
  host: string;
}

/** The redirect's query (or the portal form's body), validated. Routers are not checked here. */
export interface PortalParams {
  uamip?: string;
  /** Only what the URL said; see resolveUamPort. */
  uamport?: number;
  /** MikroTik's login page (`link-login-only`). */
  loginTarget?: LoginTarget;
  userurl: string;
  res: PortalResult;
  nasid?: string;
  mac?: string;
  ip?: string;
  challenge?: string;
  /** RouterOS `$(chap-id)` / `$(chap-challenge)`, octal-escaped as the router prints them. */
  chapId?: string;
  chapChallenge?: string;
  /** RouterOS `$(error)` after a failed login; untrusted text, never shown as is. */
  error?: string;
  sessionid?: string;
  called?: string;
  ssid?: string;
  lang?: string;
  reply?: string;
  reason?: string;
  md?: string;
  timeleft?: number;
  /** A voucher code from a card's QR code (voucher mode pre-fills the form with it). */
  voucher?: string;
}

export type ParamError = 'invalid_access' | 'bad_uamip' | 'bad_uamport' | 'bad_login_target';
export type ParseResult = { ok: true; params: PortalParams } | { ok: false; error: ParamError };

export interface ParseOptions {
  /** Test/dev only: lets a fake router on 127.0.0.1 act as the hotspot gateway. */
  allowLoopback: boolean;
}

type Bag = Record<string, unknown>;

/** First value of a (possibly repeated) parameter, trimmed, or undefined. */
function str(bag: Bag, key: string, max = 256): string | undefined {
  const raw = Array.isArray(bag[key]) ? (bag[key] as unknown[])[0] : bag[key];
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim();
  return v && v.length <= max ? v : undefined;
}

function matching(value: string | undefined, re: RegExp): string | undefined {
  return value !== undefined && re.test(value) ? value : undefined;
}

/**
 * Printable text (uspot nasid, RouterOS identity, SSIDs): no control, format or
 * unassigned characters, no lone surrogates. The templates escape whatever passes.
 */
export function isPrintable(value: string): boolean {
  return !/[\p{C}\p{Zl}\p{Zp}]/u.test(value);
}

const printable = (value: string | undefined) => (value !== undefined && isPrintable(value) ? value : undefined);

/** Only a private, CGNAT or link-local IPv4 literal: a public host could harvest passwords. */
export function isAcceptableUamip(ip: string, opts: ParseOptions): boolean {
  if (isPrivateOrCgnat(ip)) return true;
  return opts.allowLoopback && isIpv4(ip) && ip.startsWith('127.');
}

export function parsePort(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value)) return null;
  const n = Number(value);
  return n >= 1 && n <= 65535 ? n : null;
}

/** Absolute http(s) only and length-limited; anything else (javascript:, data:, //x) falls back. */
export function safeUserUrl(value: string | undefined): string {
  if (!value || value.length > USERURL_MAX) return DEFAULT_USERURL;
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && /^https?:\/\/[^/]/i.test(value)) return value;
  } catch {
    /* not a URL: fall back */
  }
  return DEFAULT_USERURL;
}

const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * `http(s)://<IPv4 or DNS name>[:port]/login`, nothing else: no credentials, query or
 * fragment, and an IP only where a uamip would be accepted. Whether the host belongs to
 * the router is decided later, against the router record.
 */
export function parseLoginTarget(value: string, opts: ParseOptions): LoginTarget | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/login') return null;
  const host = url.hostname.toLowerCase();
  if (isIpv4(host) ? !isAcceptableUamip(host, opts) : !DNS_NAME.test(host)) return null;
  return { url: `${url.origin}/login`, origin: url.origin, host };
}

export function parsePortalParams(bag: Bag, opts: ParseOptions): ParseResult {
  // Generous length limits here so an overlong value is an error, not silently "absent".
  const uamip = str(bag, 'uamip', 2000);
  const target = str(bag, 'link-login-only', 2000);
  if (!uamip && !target) return { ok: false, error: 'invalid_access' };
  if (uamip && !isAcceptableUamip(uamip, opts)) return { ok: false, error: 'bad_uamip' };
  const loginTarget = target ? parseLoginTarget(target, opts) : undefined;
  if (loginTarget === null) return { ok: false, error: 'bad_login_target' };
  // uspot prints an unset uam_port as `null`: treat it as absent (the profile default applies).
  const rawPort = str(bag, 'uamport', 2000);
  const uamport = parsePort(rawPort === 'null' ? undefined : rawPort);
  if (uamport === null) return { ok: false, error: 'bad_uamport' };
  const res = str(bag, 'res', 16) as PortalResult | undefined;
  const timeleft = matching(str(bag, 'timeleft', 10), /^\d+$/);
  return {
    ok: true,
    params: {
      uamip,
      uamport,
      loginTarget,
      userurl: safeUserUrl(str(bag, 'userurl', USERURL_MAX) ?? str(bag, 'link-orig', USERURL_MAX)),
      res: res && PORTAL_RESULTS.includes(res) ? res : 'notyet',
      // Any printable text, up to a RADIUS attribute's 253 bytes (spaces included: "Cafe Bar 1").
      nasid: printable(matching(str(bag, 'nasid', 253), /^.+$/s)),
      mac: matching(str(bag, 'mac', 17), /^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$/),
      ip: matching(str(bag, 'ip', 64), /^[0-9A-Fa-f:.]+$/),
      challenge: matching(str(bag, 'challenge', 32), /^[0-9A-Fa-f]{32}$/),
      chapId: matching(str(bag, 'chap-id', 16), /^(\\[0-7]{3})$/),
      chapChallenge: matching(str(bag, 'chap-challenge', 256), /^(\\[0-7]{3}){1,64}$/),
      error: printable(str(bag, 'error', 256)),
      sessionid: matching(str(bag, 'sessionid', 64), /^[A-Za-z0-9._-]+$/),
      called: str(bag, 'called', 64),
      ssid: printable(str(bag, 'ssid', 64)),
      lang: matching(str(bag, 'lang', 16), /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{1,8})?$/),
      reply: str(bag, 'reply', 512),
      reason: matching(str(bag, 'reason', 32), /^[a-z_]+$/),
      md: matching(str(bag, 'md', 32), /^[0-9A-Fa-f]{32}$/),
      timeleft: timeleft === undefined ? undefined : Number(timeleft),
      voucher: matching(str(bag, 'voucher', 80), /^[A-Za-z0-9_ -]+$/),
    },
  };
}

export { str as firstString };
