import { RequestMethod } from '@nestjs/common';
import { Params } from 'nestjs-pino';

/** Anything that can carry a credential is redacted before a line is written. */
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

export function loggerOptions(level: string): Params {
  return {
    // Not even a per-request child logger on the RADIUS hot path (measured: pino-http is
    // a visible share of the API's CPU per rlm_rest call). Errors there are still logged.
    exclude: [{ method: RequestMethod.ALL, path: 'radius/*splat' }],
    pinoHttp: {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      autoLogging: { ignore: (req) => QUIET.test(req.url ?? '') },
      // Query strings may carry portal parameters; log the path only.
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
          remoteAddress: req.remoteAddress,
        }),
      },
    },
  };
}
