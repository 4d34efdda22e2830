import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

const SPEC = join(__dirname, '..', 'docs', 'openapi.json');

/**
 * The admin API's OpenAPI document is committed, so a change to the contract shows
 * up in review. Regenerate with UPDATE_OPENAPI=1 npm test -- test/openapi.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('matches docs/openapi.json', async () => {
    const live = JSON.stringify((await request(t.url).get('/docs-json').expect(200)).body, null, 2) + '\n';
    if (process.env.UPDATE_OPENAPI === '1' || !existsSync(SPEC)) writeFileSync(SPEC, live);
    expect(live).toBe(readFileSync(SPEC, 'utf8'));
  });
});
