import { RequestMethod } from '@nestjs/common';
import { Params } from 'nestjs-pino';
import pretty from 'pino-pretty';
import { prettyMessage } from './logging/pretty-line';

/** Anything that can carry a credential is redacted before a line is written, in either format. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-radius-token"]',
  'req.headers.cookie',
  'req.body',
  'res.headers["set-cookie"]',
  '*.password',
  '*.radiusSecret',
  '*.uamSecret',
  '*.token',
];

// The RADIUS hot path and probes log nothing per request: at thousands of
// requests per second the log would cost more than the work.
const QUIET = /^\/(radius\/|health|metrics)/;

/** Human-readable lines: `[2025-11-22 04:18:05.123] INFO: [Context] message {other fields}`. */
export function prettyStream(destination?: NodeJS.WritableStream) {
  return pretty({
    sync: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime',
    messageFormat: prettyMessage,
    singleLine: true,
    ...(destination ? { destination } : {}),
  });
}

/**
 * `pretty`: one readable line per record (time, level, [context], message) for a person
 * at a terminal; it is formatted in-process and written synchronously, so lines keep
 * their order with the start-up block. `json`: one object per line for collectors.
 * Redaction runs before either, so both carry the same (redacted) data.
 */
export function loggerOptions(level: string, format: 'json' | 'pretty' = 'json'): Params {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    autoLogging: { ignore: (req: { url?: string }) => QUIET.test(req.url ?? '') },
    // Query strings may carry portal parameters; log the path only.
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: (req.url ?? '').split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
    },
  };
  return {
    // Not even a per-request child logger on the RADIUS hot path (measured: pino-http is
    // a visible share of the API's CPU per rlm_rest call). Errors there are still logged.
    exclude: [{ method: RequestMethod.ALL, path: 'radius/*splat' }],
    pinoHttp: format === 'pretty' ? [options, prettyStream()] : options,
  };
}
