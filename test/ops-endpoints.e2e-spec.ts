import request from 'supertest';
import { loadConfig } from '../apps/api/src/config/load-config';
import { startTestApp, TestApp } from './support/test-app';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('/metrics and /docs on the public port', () => {
  describe('with METRICS_TOKEN and DOCS_ENABLED=false', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ METRICS_TOKEN, DOCS_ENABLED: 'false' });
    });
    afterAll(() => t.close());

    it('/metrics wants the bearer token', async () => {
      const none = await request(t.url).get('/metrics');
      expect(none.status).toBe(401);
      expect(none.text).not.toContain('process_cpu_seconds_total');
      await request(t.url).get('/metrics').set('authorization', 'Bearer wrong-token-0123456789').expect(401);
      await request(t.url).get('/metrics').set('authorization', METRICS_TOKEN).expect(401); // not a bearer credential
      const ok = await request(t.url).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
      expect(ok.text).toContain('process_cpu_seconds_total');
    });

    it('the admin token does not open /metrics, nor the metrics token the admin API', async () => {
      await request(t.url).get('/metrics').set('authorization', 'Bearer test-admin-token-0123456789').expect(401);
      await request(t.url).get('/api/customers').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(401);
    });

    it('serves no Swagger UI and no OpenAPI document', async () => {
      for (const path of ['/docs', '/docs/', '/docs-json', '/docs/index.html']) {
        expect({ path, status: (await request(t.url).get(path)).status }).toEqual({ path, status: 404 });
      }
      await request(t.url).get('/health').expect(200); // probes stay open
    });
  });

  describe('by default', () => {
    let t: TestApp;
    beforeAll(async () => {
      // Compose passes unset variables as empty strings: that means "unset".
      t = await startTestApp({ METRICS_TOKEN: '' });
    });
    afterAll(() => t.close());

    it('serves /metrics to a scraper without a token, and the docs', async () => {
      await request(t.url).get('/metrics').expect(200);
      await request(t.url).get('/docs-json').expect(200);
      expect((await request(t.url).get('/docs')).status).toBeLessThan(400);
    });
  });

  it('refuses a weak METRICS_TOKEN or a bad DOCS_ENABLED at boot', () => {
    const load = () => loadConfig({ DATA_DIR: '/tmp/unused-cfg', METRICS_TOKEN: 'short', DOCS_ENABLED: 'maybe', LOG_FORMAT: 'xml' });
    expect(load).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(load).toThrow(/DOCS_ENABLED must be a boolean/);
    expect(load).toThrow(/LOG_FORMAT must be json or pretty/);
  });
});
