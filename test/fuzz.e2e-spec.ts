import fc from 'fast-check';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { RADIUS_PATH_ATTRIBUTES, RadiusListener } from '@app/aaa';
import {
  hostileBody,
  hostilePathValue,
  hostileQuery,
  hostileRadiusBody,
  hostileRadiusQuery,
  OpenApiDoc,
  Operation,
  resolve,
  Schema,
  validObject,
} from './support/fuzz';
import { reservePort } from './support/freeradius';
import { radiusCall } from './support/rlm-rest';
import { ADMIN_TOKEN, RADIUS_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * Seeded, bounded hostile input against every admin endpoint in the OpenAPI document
 * and every rlm_rest path on both ports. It fails on any 5xx that the operation does
 * not document (a router that is down is a documented 502/503; a 500 never is), on a
 * stack trace or internals in a response, and on a secret echoed back. Endpoints and
 * fields added later are fuzzed without a change here. Replay with FUZZ_SEED=<seed>;
 * FUZZ_RUNS sets the inputs per endpoint.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const NAS = '127.0.0.1';
const PASSWORD = 'fuzz-pass-1';
const SECRET_KEY_HEX = '5e'.repeat(32);

const LEAKS =
  /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|QueryFailedError|TypeError|ReferenceError|violates|duplicate key|syntax error|\bSELECT\b/;

interface Response {
  status: number;
  text: string;
}

/** Per-endpoint seed: stable when other endpoints come and go. */
const seedOf = (key: string) => (SEED ^ createHash('sha256').update(key).digest().readInt32BE(0)) | 0;

describe(`fuzz: hostile input never gives a 5xx (seed ${SEED}, ${RUNS} inputs per endpoint)`, () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  /** Real ids by field name, so valid-looking bodies reach the database. */
  const ids: Record<string, string> = {};
  /** Everything that must never come back in a response. */
  let secrets: string[];

  beforeAll(async () => {
    process.stdout.write(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${RUNS} inputs per endpoint\n`);
    // A disconnect waits this long for the (absent) router before its documented 503.
    t = await startTestApp({ RPC_TIMEOUT_MS: '100' });
    const admin = t.admin();
    // A disconnect's Disconnect-Request goes to a port nobody listens on.
    const coaPort = reservePort();
    const router = (
      await admin.post('/api/routers').send({ name: 'fz', vendor: 'mikrotik', nasIdentifier: 'fz-nas', nasIp: NAS, coaPort }).expect(201)
    ).body;
    ids.routerId = router.id;
    ids.customerId = (await admin.post('/api/customers').send({ name: 'Fuzz' }).expect(201)).body.id;
    ids.speedProfileId = (
      await admin.post('/api/speed-profiles').send({ name: 'fz', downloadKbps: 1000, uploadKbps: 500 }).expect(201)
    ).body.id;
    // Fair usage: the same profile is a valid throttle profile, so account bodies naming it reach the database.
    ids.throttleProfileId = ids.speedProfileId;
    ids.planId = (await admin.post('/api/plans').send({ name: 'fz', dataBytes: 1000, period: 'daily' }).expect(201)).body.id;
    ids.ipPoolId = (await admin.post('/api/ip-pools').send({ name: 'fz', cidr: '10.250.0.0/16' }).expect(201)).body.id;
    const ip6Pool = (purpose: string, prefix: string) =>
      admin
        .post('/api/ip6-pools')
        .send({ name: `fz-${purpose}`, prefix, assignLength: 56, purpose })
        .expect(201);
    ids.ip6PoolId = (await ip6Pool('delegated', '2001:db8:f000::/40')).body.id;
    ids.framedIp6PoolId = (await ip6Pool('framed', '2001:db8:f100::/40')).body.id;
    ids.accountId = (
      await admin
        .post(`/api/customers/${ids.customerId}/accounts`)
        .send({ username: 'fz.user', password: PASSWORD, kind: 'vpn', maxSessions: 1000 })
        .expect(201)
    ).body.id;
    // A small voucher batch, so voucher-batch paths reach real rows.
    await admin.post('/api/voucher-batches').send({ planId: ids.planId, count: 3 }).expect(201);
    await radiusCall(t.radiusUrl, 'accounting', NAS, {
      'User-Name': 'fz.user',
      'Acct-Session-Id': 'fz-open',
      'Acct-Status-Type': 'Start',
    }).expect(204);
    await radiusCall(t.radiusUrl, 'accounting', NAS, { 'Acct-Status-Type': 'Nope', 'Acct-Session-Id': 'fz-dead' }).expect(204);
    doc = (await request(t.url).get('/docs-json').expect(200)).body;
    secrets = [ADMIN_TOKEN, RADIUS_TOKEN, SECRET_KEY_HEX, router.radiusSecret, router.token];
  }, 60_000);

  afterAll(() => t?.close());

  /** FUZZ_STATS=1 prints the statuses each endpoint gave: how deep the inputs got. */
  const stats = new Map<string, Record<number, number>>();
  afterAll(() => {
    if (process.env.FUZZ_STATS !== '1') return;
    for (const [what, byStatus] of stats) process.stdout.write(`${what}: ${JSON.stringify(byStatus)}\n`);
  });

  /** Fails with the input attached, so a failure can be replayed and read. */
  function check(what: string, input: unknown, raw: Response, documented: Set<string>, mustNotEcho = secrets): void {
    // A binary answer (the voucher cards' PDF) has no text to search.
    const res = { status: raw.status, text: raw.text ?? '' };
    const seen = stats.get(what) ?? {};
    seen[res.status] = (seen[res.status] ?? 0) + 1;
    stats.set(what, seen);
    const problem =
      res.status >= 500 && !(res.status !== 500 && documented.has(String(res.status)))
        ? `answered ${res.status}`
        : LEAKS.test(res.text)
          ? 'leaked internals'
          : mustNotEcho.find((s) => s.length >= 6 && res.text.includes(s))
            ? 'echoed a secret'
            : null;
    // Collected, not thrown: one run reports every endpoint that fails, with an input for each.
    const key = `${what} ${problem}`;
    if (problem && !failures.has(key)) failures.set(key, `${key}: ${JSON.stringify(input)}\n  → ${res.status} ${res.text.slice(0, 300)}`);
  }

  const failures = new Map<string, string>();
  afterEach(() => {
    const found = [...failures.values()];
    failures.clear();
    if (found.length) {
      throw new Error(`${found.length} failing endpoint(s), seed ${SEED} (FUZZ_SEED=${SEED} replays):\n${found.join('\n')}`);
    }
  });

  /** Write-only (secret) fields whose value a response must not repeat, unless it documents returning them. */
  function echoedSecrets(body: unknown, schema: Schema, op: Operation, status: number): string[] {
    if (!body || typeof body !== 'object') return [];
    const props = resolve(doc, schema).properties ?? {};
    const returned = Object.keys(
      resolve(
        doc,
        (op.responses?.[String(status)] as { content?: Record<string, { schema?: Schema }> })?.content?.['application/json']?.schema,
      ).properties ?? {},
    );
    return Object.entries(body as Record<string, unknown>)
      .filter(([k, v]) => props[k]?.writeOnly && typeof v === 'string' && !returned.includes(k))
      .map(([, v]) => v as string);
  }

  const operations = (): [string, string, Operation][] => {
    const all = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([m, op]) => [path, m, op] as [string, string, Operation]),
    );
    // Deletes last: they remove the entities the other endpoints are fuzzed against.
    return all.sort(([, a], [, b]) => Number(a === 'delete') - Number(b === 'delete'));
  };

  /** A real id for `{param}` in `path`: the first item of the collection above it. */
  async function realId(path: string, param: string): Promise<string | undefined> {
    const collection = path.slice(0, path.indexOf(`/{${param}}`));
    const res = await t.admin().get(collection.replace(/\{(\w+)\}/g, (_, p) => ids[p === 'id' ? 'customerId' : p] ?? ''));
    const items = Array.isArray(res.body) ? res.body : res.body?.items;
    return items?.[0]?.id;
  }

  describe.each([
    ['the RADIUS listener', () => t.radiusUrl],
    ['the main port', () => t.url],
  ])('every rlm_rest path on %s', (_, base) => {
    it('answers hostile bodies and queries without a 5xx', async () => {
      const paths = t.app.get(RadiusListener).paths;
      expect(paths.length).toBeGreaterThanOrEqual(4);
      const fixture = { 'User-Name': 'fz.user', 'User-Password': PASSWORD, 'Acct-Session-Id': 'fz-open', 'NAS-Identifier': 'fz-nas' };
      const every = Object.assign({}, ...Object.values(RADIUS_PATH_ATTRIBUTES));
      for (const path of paths) {
        const input = fc.record({
          query: hostileRadiusQuery(NAS),
          body: hostileRadiusBody(RADIUS_PATH_ATTRIBUTES[path] ?? every, fixture),
        });
        await fc.assert(
          fc.asyncProperty(input, async ({ query, body }) => {
            const res = await request(base())
              .post(`${path}?${query}`)
              .set('x-radius-token', RADIUS_TOKEN)
              .set('content-type', 'application/json')
              .send(body);
            // The router's RADIUS secret is what /radius/clients answers; the tokens never come back.
            check(`POST ${path}`, { query, body }, res, new Set(), [ADMIN_TOKEN, RADIUS_TOKEN, SECRET_KEY_HEX]);
          }),
          { seed: seedOf(`radius ${path}`), numRuns: RUNS * 2, endOnFailure: true },
        );
      }
    }, 120_000);
  });

  it('null is refused wherever the document does not say nullable, and never reaches the database', async () => {
    for (const [path, method, op] of operations()) {
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      if (!bodySchema || method === 'delete') continue;
      const props = resolve(doc, bodySchema).properties ?? {};
      for (const [name, prop] of Object.entries(props)) {
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const real: Record<string, string | undefined> = {};
        for (const p of pathParams) real[p] = await realId(path, p);
        const url = path.replace(/\{(\w+)\}/g, (_, p) => real[p] ?? '00000000-0000-4000-8000-000000000000');
        const body = { ...validObject(doc, bodySchema, ids), [name]: null };
        const res = await request(t.url)[method as 'post'](url).set('authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
        check(`${method.toUpperCase()} ${path} with ${name}: null`, body, res, new Set());
        if (!resolve(doc, prop).nullable) expect([`${method} ${path} ${name}`, res.status]).toEqual([`${method} ${path} ${name}`, 400]);
      }
    }
  }, 120_000);

  it('every admin endpoint in the OpenAPI document', async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(30);
    for (const [path, method, op] of ops) {
      const documented = new Set(Object.keys(op.responses ?? {}));
      const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const real: Record<string, string | undefined> = {};
      for (const p of pathParams) real[p] = await realId(path, p);
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const input = fc.record({
        params: fc.record(Object.fromEntries(pathParams.map((p) => [p, hostilePathValue(real[p])]))),
        query: hostileQuery(doc, op, ids),
        body: bodySchema ? hostileBody(doc, bodySchema, ids) : fc.constant(undefined),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ params, query, body }) => {
          const url = path.replace(/\{(\w+)\}/g, (_, p) => params[p]) + (query ? `?${query}` : '');
          let req = request(t.url)[method as 'get'](url).set('authorization', `Bearer ${ADMIN_TOKEN}`);
          if (body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(body));
          const res = await req;
          check(`${method.toUpperCase()} ${path}`, { url, body }, res, documented, [
            ...secrets,
            ...echoedSecrets(body, bodySchema ?? {}, op, res.status),
          ]);
        }),
        { seed: seedOf(`${method} ${path}`), numRuns: RUNS, endOnFailure: true },
      );
    }
  }, 120_000);
});
