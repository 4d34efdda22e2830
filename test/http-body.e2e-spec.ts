import { execFile } from 'node:child_process';
import request from 'supertest';
import { ADMIN_TOKEN, startTestApp, TestApp } from './support/test-app';

/**
 * Most HTTP clients and scripts (the README's own `api()` curl helper among them) send
 * `content-type: application/json` on every call, with or without a body. A route that
 * takes no body must not fail on that; malformed JSON must still be a 400.
 */
describe('request bodies: content-type json without a body (real HTTP)', () => {
  let t: TestApp;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const customer = async () => (await t.admin().post('/api/customers').send({ name: 'Body test' }).expect(201)).body.id as string;

  /** The README's helper, word for word: curl -s -H "authorization: …" -H 'content-type: application/json' "$@" */
  const curl = (...args: string[]) =>
    new Promise<{ status: number; body: string }>((done, fail) =>
      execFile(
        'curl',
        ['-s', '-H', `authorization: Bearer ${ADMIN_TOKEN}`, '-H', 'content-type: application/json', '-w', '\n%{http_code}', ...args],
        (err, stdout) => {
          if (err) return fail(err);
          const i = stdout.lastIndexOf('\n');
          done({ status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) });
        },
      ),
    );

  it('DELETE with the header and no body deletes (curl, fetch, supertest)', async () => {
    const viaCurl = await curl('-X', 'DELETE', `${t.url}/api/customers/${await customer()}`);
    expect(viaCurl).toEqual({ status: 204, body: '' });

    const viaFetch = await fetch(`${t.url}/api/customers/${await customer()}`, { method: 'DELETE', headers: auth });
    expect(viaFetch.status).toBe(204);

    const id = await customer();
    await request(t.url).delete(`/api/customers/${id}`).set(auth).expect(204);
    await t.admin().get(`/api/customers/${id}`).expect(404);
  });

  it('POST to a route that takes no body accepts the header without a body', async () => {
    const router = await t
      .admin()
      .post('/api/routers')
      .send({ name: 'rot', vendor: 'mikrotik', nasIdentifier: 'body-rot', nasIp: '127.0.0.77' })
      .expect(201);
    // supertest sends chunked with no chunks, curl and fetch send content-length 0.
    const viaSupertest = await request(t.url).post(`/api/routers/${router.body.id}/token`).set(auth);
    expect(viaSupertest.status).toBe(201);
    const viaCurl = await curl('-X', 'POST', `${t.url}/api/routers/${router.body.id}/token`);
    expect(viaCurl.status).toBe(201);
    const viaFetch = await fetch(`${t.url}/api/routers/${router.body.id}/token`, { method: 'POST', headers: auth });
    expect(viaFetch.status).toBe(201);
    expect(((await viaFetch.json()) as { token: string }).token).not.toBe(viaSupertest.body.token);
  });

  it('a route that needs a body still answers 400 naming the missing fields', async () => {
    const res = await request(t.url).post('/api/customers').set(auth);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/name/);
  });

  it('PATCH with the header and no body changes nothing', async () => {
    const id = await customer();
    const res = await request(t.url).patch(`/api/customers/${id}`).set(auth);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Body test');
  });

  it('keeps 400 for malformed JSON, on every method', async () => {
    const id = await customer();
    for (const [method, path] of [
      ['POST', '/api/customers'],
      ['PATCH', `/api/customers/${id}`],
      ['DELETE', `/api/customers/${id}`],
    ]) {
      for (const body of ['{"name":', ' ', 'null x', '\u0000']) {
        const res = await fetch(`${t.url}${path}`, { method, headers: auth, body });
        expect({ method, body, status: res.status }).toEqual({ method, body, status: 400 });
        expect(((await res.json()) as { statusCode: number }).statusCode).toBe(400);
      }
    }
    await t.admin().get(`/api/customers/${id}`).expect(200); // the malformed DELETE deleted nothing
  });

  it('keeps the prototype-poisoning guard of the JSON parser', async () => {
    const res = await request(t.url).post('/api/customers').set(auth).send('{"name":"x","__proto__":{"admin":true}}');
    expect(res.status).toBe(400);
  });
});
