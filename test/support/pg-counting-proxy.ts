import { createConnection, createServer, Server, Socket } from 'node:net';
import { freePortOutsideEphemeral } from '../../apps/api/src/database/free-port';

export interface CountingProxy {
  port: number;
  /** Connection attempts so far, by the `application_name` in each StartupMessage. */
  attempts(): Record<string, number>;
  /**
   * A firewall or NAT that lost its state: nothing passes on the connections open now,
   * ever again, and neither side is told (no FIN, no RST). New connections work.
   */
  cutOpenConnections(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of PostgreSQL that counts connection attempts, including those
 * made while the server is down or frozen: the client always reaches the proxy, sends
 * its StartupMessage (protocol 3.0: int32 length, int32 196608, then key\0value\0 pairs,
 * PostgreSQL's src/backend/tcop/backend_startup.c ProcessStartupPacket), and is cut
 * off when the server refuses the proxy's own connection.
 */
export async function startCountingProxy(pgPort: number): Promise<CountingProxy> {
  const counts: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    let upstream: Socket | undefined;
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4 || head.length < head.readInt32BE(0)) return;
      client.off('data', onData);
      client.pause();
      const name = applicationName(head);
      counts[name] = (counts[name] ?? 0) + 1;
      upstream = createConnection({ port: pgPort, host: '127.0.0.1' });
      sockets.add(upstream);
      upstream.on('close', () => (sockets.delete(upstream!), client.destroy()));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream!.destroy());
      upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      const pair: [Socket, Socket] = [client, upstream];
      pairs.add(pair);
      client.on('close', () => pairs.delete(pair));
    };
    client.on('data', onData);
  });
  const port = await freePortOutsideEphemeral();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    attempts: () => ({ ...counts }),
    cutOpenConnections: () => {
      for (const pair of pairs) {
        const [client, upstream] = pair;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        pairs.delete(pair);
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function applicationName(startup: Buffer): string {
  // Length, then the protocol version; an SSLRequest or CancelRequest has no parameters.
  const fields = startup.subarray(8, startup.readInt32BE(0)).toString('utf8').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'application_name') return fields[i + 1];
  return '(none)';
}
