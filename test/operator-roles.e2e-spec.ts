import { Controller, Get, Module, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AdminApi, OPERATOR_ROLES, OperatorRole, Role, roleAllows } from '@app/aaa';
import { AppModule } from '../apps/api/src/app.module';
import { loadConfig } from '../apps/api/src/config/load-config';
import { OpenApiDoc } from './support/fuzz';
import { fastifyRoutes, IssuedToken, nestRoutes, NestRoute, operatorWithToken } from './support/operators';
import { createTestDatabase } from './support/test-db';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * Issue 16: every admin endpoint declares the role it needs, and each role gets 403
 * exactly where it should. The route table comes from the running app (Nest's metadata
 * and what Fastify actually serves), so a route added later is walked too, and one
 * without a declaration fails here.
 */

/**
 * The roles, as a rule over method and path: owner alone for operators; owner and
 * admin for the audit log; reading is for everyone; support writes only what is listed
 * here (disconnect a session or re-send its attributes, set a device password, clear a
 * restriction); every other write is for admin and owner.
 */
const SUPPORT_WRITES = new Set([
  'POST /api/sessions/:sessionId/disconnect',
  'POST /api/sessions/:sessionId/coa',
  'PUT /api/accounts/:id/password',
  'DELETE /api/accounts/:id/restrictions/:flag',
]);
function roleByPolicy(method: string, path: string): OperatorRole {
  if (path === '/api/operators' || path.startsWith('/api/operators/')) return 'owner';
  if (path === '/api/audit-log' || path.startsWith('/api/audit-log/')) return 'admin';
  // Voucher codes are credentials: only who may create them reads them (CSV, printable cards).
  if (/^\/api\/voucher-batches\/:id\/(vouchers\.csv|cards\.pdf)$/.test(path)) return 'admin';
  if (method === 'GET') return 'readonly';
  if (SUPPORT_WRITES.has(`${method} ${path}`)) return 'support';
  return 'admin';
}

/** Routes Fastify serves that are not Nest handlers, and why they are not operator routes. */
const OUTSIDE_NEST: Record<string, string> = {
  '/portal/': 'the portal page (uspot links end in /), served like GET /portal',
  '/panel/': 'a redirect to /panel (the customer panel, session cookie)',
  '/docs': 'Swagger UI (DOCS_ENABLED)',
  '/docs/': 'Swagger UI',
  '/docs/*': 'Swagger UI assets',
  '/docs-json': 'the OpenAPI document',
  '/docs-yaml': 'the OpenAPI document',
};

/** Routes that declare nothing, or an operator route without a role: what must never exist. */
function undeclared(routes: NestRoute[]): string[] {
  return routes
    .filter((r) => !r.role && (!r.ownAuth || r.path === '/api' || r.path.startsWith('/api/')))
    .map((r) => `${r.method} ${r.path} (${r.name})`);
}

const UUID = '7d3c2b1a-0f9e-4d8c-8b7a-6a5f4e3d2c1b';
const concrete = (path: string) => path.replace(/:(\w+)/g, (_, p: string) => (/id$/i.test(p) ? UUID : 'x1'));

describe('operator roles over the whole route table', () => {
  let t: TestApp;
  let served: { method: string; url: string }[];
  let routes: NestRoute[];
  const tokens = {} as Record<OperatorRole, IssuedToken>;
  /** Unauthenticated requests come "from" other addresses (TRUSTED_PROXIES), so the bad-token throttle does not slow this suite. */
  let nextAddress = 0;
  const elsewhere = () => `198.18.${(++nextAddress >> 8) & 255}.${nextAddress & 255}`;

  beforeAll(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' }, undefined, { beforeListen: (app) => (served = fastifyRoutes(app)) });
    routes = nestRoutes(t.app);
    for (const role of OPERATOR_ROLES) tokens[role] = await operatorWithToken(t.admin(), role);
  });
  afterAll(() => t?.close());

  it('finds the routes: Nest handlers for everything Fastify serves, apart from the listed non-Nest pages', () => {
    expect(routes.length).toBeGreaterThan(35);
    const nest = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const stray = served
      .filter((r) => !nest.has(`${r.method} ${r.url}`))
      .filter((r) => !(r.method === 'HEAD' && nest.has(`GET ${r.url}`)) && !(r.method === 'HEAD' && r.url in OUTSIDE_NEST))
      .filter((r) => !(r.url in OUTSIDE_NEST))
      .map((r) => `${r.method} ${r.url}`);
    // A route registered on Fastify directly would bypass the guard: none may exist under /api.
    expect(stray).toEqual([]);
    expect(served.filter((r) => r.url.startsWith('/api')).every((r) => nest.has(`${r.method} ${r.url}`) || r.method === 'HEAD')).toBe(true);
  });

  it('every route declares a role, or (outside /api) that it authenticates by its own means', () => {
    expect(undeclared(routes)).toEqual([]);
    expect(routes.filter((r) => r.ownAuth).map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /health', 'GET /metrics', 'GET /portal', 'POST /portal/login', 'POST /radius/authorize']),
    );
  });

  it("every role follows the issue's rules: operators for owners, the audit log for admins, support's three writes, reads for all", () => {
    const wrong = routes
      .filter((r) => r.role && r.role !== roleByPolicy(r.method, r.path))
      .map((r) => `${r.method} ${r.path}: declares ${r.role}, the rules say ${roleByPolicy(r.method, r.path)}`);
    expect(wrong).toEqual([]);
  });

  it('the OpenAPI document shows each operation’s role (x-required-role and the 403 it answers)', async () => {
    const doc: OpenApiDoc & { paths: Record<string, Record<string, { 'x-required-role'?: string; responses: object }>> } = (
      await request(t.url).get('/docs-json').expect(200)
    ).body;
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op] as const),
    );
    const byRoute = new Map(routes.map((r) => [`${r.method} ${r.path}`, r.role]));
    expect(documented.length).toBeGreaterThan(35);
    for (const [key, op] of documented) {
      expect([key, op['x-required-role']]).toEqual([key, byRoute.get(key)]);
      if (key.includes(' /api/')) expect([key, Object.keys(op.responses)]).toEqual([key, expect.arrayContaining(['401', '403'])]);
    }
  });

  it('each role gets 403 exactly where its role is too weak, and no token gets 401 everywhere', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const r of routes.filter((x) => x.role)) {
      const url = concrete(r.path);
      const send = (token?: string) => {
        let req = request(t.url)[r.method.toLowerCase() as 'get'](url).set('x-forwarded-for', elsewhere());
        if (token) req = req.set('authorization', `Bearer ${token}`);
        return r.method === 'GET' ? req : req.send({});
      };
      const anonymous = (await send()).status;
      outcomes.push(`${r.method} ${r.path} without a token: ${anonymous}`);
      expected.push(`${r.method} ${r.path} without a token: 401`);
      for (const role of OPERATOR_ROLES) {
        const status = (await send(tokens[role].token)).status;
        const allowed = roleAllows(role, r.role!);
        // Allowed: whatever the route answers to an empty body and an unknown id (400, 404, 200), never 401 or 403.
        outcomes.push(
          `${r.method} ${r.path} as ${role}: ${status === 403 ? 'forbidden' : status === 401 ? 'unauthenticated' : 'let through'}`,
        );
        expected.push(`${r.method} ${r.path} as ${role}: ${allowed ? 'let through' : 'forbidden'}`);
      }
    }
    expect(outcomes).toEqual(expected);
    expect(expected.filter((e) => e.endsWith('forbidden')).length).toBeGreaterThan(40);
  }, 120_000);

  it('the bootstrap ADMIN_TOKEN is an owner', async () => {
    const me = await request(t.url).get('/api/me').set('authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(me.body).toEqual({ type: 'bootstrap', role: 'owner', operatorId: null, name: 'ADMIN_TOKEN', tokenId: null, tokenPrefix: null });
    const support = await request(t.url).get('/api/me').set('authorization', `Bearer ${tokens.support.token}`).expect(200);
    expect(support.body).toMatchObject({
      type: 'operator',
      role: 'support',
      operatorId: tokens.support.operatorId,
      tokenPrefix: tokens.support.prefix,
    });
  });
});

/** A controller as another lib might add it: one route with a role, one that forgot. */
@AdminApi()
@Controller('api/new-feature')
class NewFeatureController {
  @Role('readonly') @Get() list() {
    return [];
  }

  @Post() create() {
    return { created: true };
  }
}

@Module({ controllers: [NewFeatureController] })
class NewFeatureModule {}

describe('a new route without a declaration', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'aaa-test-data-')),
      DATABASE_URL: await createTestDatabase(),
      ADMIN_TOKEN,
      RADIUS_API_TOKEN: 'test-radius-token-0123456789',
      SECRET_KEY: '5e'.repeat(32),
      LOG_LEVEL: 'silent',
      RADIUS_API_PORT: '0',
      RADIUS_ANSWER_CACHE_CONTROL: '',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), NewFeatureModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app?.close());

  it('is named by the route-table check', () => {
    expect(undeclared(nestRoutes(app))).toEqual(['POST /api/new-feature (NewFeatureController.create)']);
  });

  it('is refused to everyone, the owner included, while its declared neighbour works', async () => {
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    await request(url).get('/api/new-feature').set('authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const res = await request(url).post('/api/new-feature').set('authorization', `Bearer ${ADMIN_TOKEN}`);
    expect([res.status, res.body.message]).toEqual([403, 'This route declares no role, so nobody may use it']);
  });
});
