type Record = { [key: string]: unknown };

/**
 * The message part of a human-readable log line: `[Context] message`, and for a request
 * pino-http logged, `[HTTP] GET /api/customers 201 4ms`. Time and level come first
 * (pino-pretty); any other fields follow on the same line, already redacted.
 */
export function prettyMessage(log: Record, messageKey: string): string {
  const msg = String(log[messageKey] ?? '');
  const req = log.req as { method?: string; path?: string } | undefined;
  const res = log.res as { statusCode?: number } | undefined;
  if (req?.method && res?.statusCode !== undefined) {
    const ms = typeof log.responseTime === 'number' ? ` ${Math.round(log.responseTime)}ms` : '';
    const failed = msg === 'request completed' ? '' : ` ${msg}`;
    return `[HTTP] ${req.method} ${req.path ?? ''} ${res.statusCode}${ms}${failed}`;
  }
  return typeof log.context === 'string' && log.context ? `[${log.context}] ${msg}` : msg;
}
