import { randomBytes } from 'node:crypto';
import { AppConfig } from '@app/aaa';
import { LoginRateLimiter } from './login-rate-limiter';
import { PortalDirectory, PortalRouter } from './portal-directory.service';
import { PortalService } from './portal.service';

/** Service-level branches that need a failing database, hard to provoke over HTTP. */
describe('PortalService', () => {
  const uspot: PortalRouter = {
    id: 'r1',
    nasIdentifier: 'x',
    vendor: 'uspot',
    uamAddresses: ['10.0.0.1', '127.0.0.1'],
    uamHostname: null,
    uamSecret: null,
    uamServer: null,
    uamPort: null,
    loginPath: null,
    venueName: null,
    termsText: null,
    logoUrl: null,
    portalMode: 'password',
  };
  const make = (directory: Partial<PortalDirectory>, allowLoopbackUamip = false) =>
    new PortalService(directory as PortalDirectory, new LoginRateLimiter(), { allowLoopbackUamip }, {
      secretKey: randomBytes(32),
    } as AppConfig);
  const view = { clientIp: '1.2.3.4', origin: 'http://portal', pathPrefix: '' };
  const show = (svc: PortalService, query: Record<string, string>, cookies: Record<string, string> = {}) =>
    svc.show({ query, url: '/portal', view, cookies });

  it('answers 503 with a readable page when the router lookup fails', async () => {
    const res = await show(make({ routerFor: () => Promise.reject(new Error('db down')) }), { uamip: '10.0.0.1', nasid: 'x' });
    expect(res.status).toBe(503);
    expect(res.html).toContain('Login temporarily unavailable');
  });

  it('still shows the form with a generic failure when the reason lookup fails', async () => {
    const svc = make({ routerFor: async () => uspot, rejectReason: () => Promise.reject(new Error('db down')) });
    // A real attempt cookie, from a real login through this service.
    const form = await show(svc, { uamip: '10.0.0.1', nasid: 'x' });
    const cookie = form.cookies![0].split(';')[0].split('=');
    const hidden = Object.fromEntries([...form.html!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const cookies = { [cookie[0]]: cookie[1] };
    const login = await svc.login({ body: { ...hidden, username: 'bob', password: 'x' }, view, headers: { origin: view.origin }, cookies });
    const attempt = login.cookies![0].split(';')[0].split(/=(.*)/s);
    const res = await show(svc, { uamip: '10.0.0.1', nasid: 'x', res: 'reject' }, { ...cookies, [attempt[0]]: attempt[1] });
    expect(res.status).toBe(200);
    expect(res.html).toContain('Login failed');
    expect(res.html).toContain('action="/portal/login"');
  });

  it('honours the loopback switch', async () => {
    const dir = { routerFor: async () => uspot };
    expect((await show(make(dir), { uamip: '127.0.0.1' })).status).toBe(400);
    expect((await show(make(dir, true), { uamip: '127.0.0.1' })).status).toBe(200);
  });

  it('never puts the password in a log line', async () => {
    const svc = make({ routerFor: async () => uspot });
    const logs: string[] = [];
    const log = (svc as unknown as { log: { log: (m: string) => void } }).log;
    log.log = (m: string) => void logs.push(m);
    const page = await show(svc, { uamip: '10.0.0.1', nasid: 'x' });
    const hidden = Object.fromEntries([...page.html!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const [name, value] = page.cookies![0].split(';')[0].split('=');
    const res = await svc.login({
      body: { ...hidden, username: 'bob', password: 'hunter2-secret' },
      view,
      headers: { origin: view.origin },
      cookies: { [name]: value },
    });
    expect(res.status).toBe(303);
    expect(logs.join('\n')).toContain('bob');
    expect(logs.join('\n')).not.toContain('hunter2');
  });

  it('voucher mode: logs no code, and keeps a scanned code only when it is one', async () => {
    const svc = make({ routerFor: async () => ({ ...uspot, portalMode: 'voucher' }) });
    const logs: string[] = [];
    const log = (svc as unknown as { log: { log: (m: string) => void } }).log;
    log.log = (m: string) => void logs.push(m);
    const page = await show(svc, { uamip: '10.0.0.1', nasid: 'x', voucher: 'k7mx q4ta wp' });
    expect(page.html).toContain('value="K7MXQ4TAWP"');
    expect(page.html).not.toContain('name="password"');
    const hidden = Object.fromEntries([...page.html!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const [name, value] = page.cookies![0].split(';')[0].split('=');
    const res = await svc.login({
      body: { ...hidden, code: 'K7MXQ4TAWP' },
      view,
      headers: { origin: view.origin },
      cookies: { [name]: value },
    });
    expect(res.status).toBe(303);
    expect(res.location).toContain('username=K7MXQ4TAWP&password=K7MXQ4TAWP');
    expect(logs.join('\n')).not.toContain('K7MXQ4TAWP');

    const saved = svc.voucherLink({ query: { code: 'k7mxq4tawp' }, view });
    expect(saved.status).toBe(200);
    expect(saved.cookies![0]).toMatch(/^portal_voucher=K7MXQ4TAWP; Path=\/portal; Max-Age=3600; HttpOnly; SameSite=Lax$/);
    const bad = svc.voucherLink({ query: { code: 'K7/<script>' }, view });
    expect([bad.status, bad.cookies]).toEqual([400, undefined]);
  });
});
