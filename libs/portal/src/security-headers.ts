/**
 * Sent on every portal response. No scripts at all, so script-src stays at default 'none'.
 * `same-origin`: other sites (the router, a logo host) get no Referer, while the portal's
 * own form POST keeps its Origin header (with `no-referrer` browsers send `Origin: null`),
 * which the login-CSRF check needs.
 */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action http: https:; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
};
