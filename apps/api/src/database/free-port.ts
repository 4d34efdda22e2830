import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A loopback TCP port that is free right now: for embedded PostgreSQL in tests and the bench. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** True if nothing listens on host:port right now (a bind test; another process may still take it next). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Linux's ephemeral (client) port range; 32768-60999 where it cannot be read. */
export function ephemeralPortRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi) return [lo, hi];
  } catch {
    // not Linux: use Linux's default, which also avoids the IANA dynamic range mostly
  }
  return [32768, 60999];
}

/** True if `port` could be handed out as the local port of an outgoing connection. */
export function inEphemeralRange(port: number, range = ephemeralPortRange()): boolean {
  return port >= range[0] && port <= range[1];
}

/**
 * A free loopback port outside the ephemeral range, for a server this machine also
 * connects to. A server port inside that range can collide with the local end of an
 * outgoing connection: a client retrying against a stopped server on the loopback can
 * even connect to itself (TCP simultaneous open) and then hold the port, so the server
 * cannot start again. Picked at random (from 20000 up) so that two instances set up
 * at once rarely try the same one.
 */
export async function freePortOutsideEphemeral(range = ephemeralPortRange()): Promise<number> {
  let spans = [
    [20000, range[0] - 1],
    [range[1] + 1, 65535],
  ].filter(([lo, hi]) => hi - lo >= 100);
  // A range that covers (nearly) everything leaves no choice.
  if (!spans.length) spans = [[1024, 65535]];
  const total = spans.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  for (let tries = 0; tries < 200; tries++) {
    let k = Math.floor(Math.random() * total);
    for (const [lo, hi] of spans) {
      if (k <= hi - lo) {
        if (await portIsFree(lo + k)) return lo + k;
        break;
      }
      k -= hi - lo + 1;
    }
  }
  throw new Error('no free TCP port found outside the ephemeral range');
}
