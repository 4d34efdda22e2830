import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const JSON_TYPE = 'application/json';

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Fastify answers 400 "Body cannot be empty" to any request that says
 * `content-type: application/json` and sends no bytes, yet most clients and scripts
 * (curl helpers, generated SDKs) send that header on every call, DELETE included.
 * An empty body is therefore read as "no body": routes that take none work, and routes
 * that need one still get their 400 from validation, naming the missing fields.
 * Anything else goes through Fastify's own JSON parser unchanged, so malformed JSON is
 * still a 400 and `__proto__`/`constructor` keys are still refused.
 */
export function emptyTolerantJsonParser(fastify: FastifyInstance) {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig as {
    onProtoPoisoning?: 'error' | 'remove' | 'ignore';
    onConstructorPoisoning?: 'error' | 'remove' | 'ignore';
  };
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  return (req: FastifyRequest, body: string, done: Done): void => {
    if (body.length === 0) return done(null, undefined);
    parse(req, body, done);
  };
}

/**
 * Nest registers its JSON parser when the application initialises (and a parser set
 * earlier through `useBodyParser` would stop it registering the urlencoded one the portal
 * needs), so the JSON parser is swapped right after Nest registered its own.
 */
export class JsonTolerantFastifyAdapter extends FastifyAdapter {
  private swapped = false;

  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    if (this.swapped) return;
    this.swapped = true;
    const fastify = this.getInstance();
    fastify.removeContentTypeParser(JSON_TYPE);
    fastify.addContentTypeParser(
      JSON_TYPE,
      { parseAs: 'string', bodyLimit: fastify.initialConfig.bodyLimit },
      emptyTolerantJsonParser(fastify),
    );
  }
}
