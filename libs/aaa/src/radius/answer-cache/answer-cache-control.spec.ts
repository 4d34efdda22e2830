import { createSocket, Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../common/app-config';
import { Clock } from '../../common/clock';
import { PgNotifier } from '../../common/pg-notifier';
import { radius } from '../../common/radius-lib';
import { AnswerCacheControl } from './answer-cache-control.service';

const SECRET = 'control-secret-0123456789';

/**
 * A control port as sites-available/aaa-answer-cache-control implements it: an
 * Access-Request carrying one command per Reply-Message, answered with an Access-Accept
 * once all are applied. `answering = false` is a server that hears nothing (down, cut off).
 */
class FakeControlPort {
  answering = false;
  /** Commands of every packet it answered, one array per packet. */
  readonly applied: string[][] = [];
  private readonly socket: Socket = createSocket('udp4');

  async start(): Promise<number> {
    this.socket.on('message', (msg, from) => {
      if (!this.answering) return;
      const packet = radius.decode({ packet: msg, secret: SECRET });
      const commands = packet.attributes['Reply-Message'];
      this.applied.push(([] as string[]).concat(commands as string | string[]));
      this.socket.send(radius.encode_response({ packet, code: 'Access-Accept', secret: SECRET }), from.port, from.address);
    });
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    return (this.socket.address() as AddressInfo).port;
  }

  close(): void {
    this.socket.close();
  }
}

describe('AnswerCacheControl with a FreeRADIUS that stops acknowledging', () => {
  let port: FakeControlPort;
  let control: AnswerCacheControl;
  let config: AppConfig;
  const bus = { listen: async () => undefined, onGap: () => undefined } as unknown as PgNotifier;

  beforeEach(async () => {
    port = new FakeControlPort();
    config = Object.assign(new AppConfig(), {
      answerCacheControl: [{ host: '127.0.0.1', port: await port.start() }],
      radiusApiToken: SECRET,
      answerCacheTtl: 600,
      answerCacheRepeatMs: 500,
      adminFailsafe: true,
      dataDir: mkdtempSync(join(tmpdir(), 'aaa-missed-')),
    });
    control = new AnswerCacheControl(config, bus, new Clock());
  });

  afterEach(() => {
    control.onApplicationShutdown();
    port.close();
  });

  const ttl = () =>
    control.ttl({
      decision: { result: 'accept', restrictedBy: [], throttled: false, replaceSessionsOf: null, reply: {} as never },
      account: { quotaBytes: null, expiresAt: null, profile: null },
      username: 'alice',
      callingStationId: 'AA-BB-CC-DD-EE-FF',
      passwordOk: true,
      now: new Date(),
    });

  it('answers a write after its bounded retries, then distrusts the server until it acknowledges a bump with what it missed', async () => {
    await control.onApplicationBootstrap();
    await control.settled();
    expect(ttl()).toBe(0);

    port.answering = true;
    control.evict(['First']);
    await control.settled();
    // Its first acknowledged packet drops everything cached meanwhile.
    expect(port.applied[0][0]).toMatch(/^epoch bump \d{10}-[0-9a-f]{16}$/);
    expect(ttl()).toBe(600);

    port.answering = false;
    // Resolves (the write answers) although nobody acknowledged: three tries, 300 ms apart.
    await control.evictNow(['Alice', 'BOB']);
    expect(ttl()).toBe(0);

    port.applied.length = 0;
    port.answering = true;
    control.evict(['carol']);
    await control.settled();
    const first = port.applied[0];
    expect(first[0]).toMatch(/^epoch bump /);
    expect(first).toEqual(expect.arrayContaining(['evict alice', 'evict bob', 'evict carol']));
    expect(first.some((c) => c.startsWith('epoch set'))).toBe(false);
    expect(ttl()).toBe(600);
  }, 20_000);

  it('keeps the evictions a server missed across a restart of the API, and delivers them when it answers', async () => {
    await control.onApplicationBootstrap();
    await control.settled();
    // A ban while FreeRADIUS is cut off: answered after the bounded retries, remembered.
    await control.evictNow(['Boss']);
    control.onApplicationShutdown();
    // A new process on the same DATA_DIR (a deploy, a crash) while the server still does not answer.
    control = new AnswerCacheControl(config, bus, new Clock());
    port.answering = true;
    await control.onApplicationBootstrap();
    await control.settled();
    const delivered = port.applied.flat();
    expect(delivered).toContain('evict boss');
    // Delivered once acknowledged: a later start has nothing left to send.
    control.onApplicationShutdown();
    port.applied.length = 0;
    control = new AnswerCacheControl(config, bus, new Clock());
    await control.onApplicationBootstrap();
    await control.settled();
    expect(port.applied.flat()).not.toContain('evict boss');
  }, 20_000);

  it('waits for every trusted server before a write answers', async () => {
    port.answering = true;
    await control.evictNow(['Dave']);
    expect(port.applied).toEqual([['evict dave']]);
  });
});
