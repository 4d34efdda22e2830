import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig } from '@app/aaa';
import { PanelInviteMessage, WebhookInviteDelivery } from './invite-delivery';

const message: PanelInviteMessage = {
  event: 'panel.invite',
  customerId: '9f0c1a3e-0c6b-4a59-9c1d-2b3c4d5e6f70',
  customerName: 'Erika',
  email: 'erika@example.org',
  url: 'https://isp.example/panel/invite?token=x',
  expiresAt: '2026-12-04T10:00:00.000Z',
};

describe('invite delivery hook (PANEL_INVITE_WEBHOOK)', () => {
  let server: Server;
  let answer = 204;
  const received: { body: unknown; type?: string }[] = [];
  let url: string;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body: JSON.parse(body), type: req.headers['content-type'] });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/invite?key=s3cret`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const delivery = (webhook?: string) => new WebhookInviteDelivery(Object.assign(new AppConfig(), { panelInviteWebhook: webhook }));

  it('without a webhook, does nothing: the admin hands the link over', async () => {
    const d = delivery();
    expect(d.method).toBe('none');
    await expect(d.deliver(message)).resolves.toBeNull();
    expect(received).toEqual([]);
  });

  it('POSTs the invite as JSON; a 2xx means delivered', async () => {
    const d = delivery(url);
    expect(d.method).toBe('webhook');
    await expect(d.deliver(message)).resolves.toBeNull();
    expect(received.at(-1)).toEqual({ body: message, type: 'application/json' });
  });

  it('reports a refusal or an unreachable hook without throwing, and without the hook URL', async () => {
    answer = 500;
    await expect(delivery(url).deliver(message)).resolves.toBe('the webhook answered 500');
    await expect(delivery('http://127.0.0.1:9/none').deliver(message)).resolves.toBe('the webhook could not be reached');
  });
});
