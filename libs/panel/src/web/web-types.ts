import type { IncomingHttpHeaders } from 'node:http';
import type { RequestView } from '@app/aaa';
import type { SafeHtml } from './templates/html';

/** A browser request as the panel's services see it: no Fastify types past the controller. */
export interface WebRequest {
  view: RequestView;
  headers: IncomingHttpHeaders;
  cookies: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  /** The path without the query, for links back to this page. */
  path: string;
}

/** A page or a redirect, plus cookies to set. */
export interface WebResponse {
  status: number;
  html?: string;
  location?: string;
  cookies?: string[];
}

export function page(status: number, body: SafeHtml, cookies: string[] = []): WebResponse {
  return { status, html: body.value, cookies };
}

export function redirect(location: string, cookies: string[] = []): WebResponse {
  return { status: 303, location, cookies };
}

/**
 * A form or query field as one string: absent, repeated, non-string, too long or holding a
 * NUL or an unpaired surrogate is undefined (the global validation pipe's rule, which does
 * not see these raw bodies).
 */
export function field(source: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = source[name];
  if (typeof value !== 'string' || value.length > max) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) return undefined;
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path or form id that can name a row; anything else names nothing (404, never a database error). */
export function uuidOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
}
