import { createHash, timingSafeEqual } from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { radius } from '../../common/radius-lib';

export interface ControlTarget {
  host: string;
  port: number;
}

const TRIES = 3;
const TRY_MS = 300;
const MAX_IN_FLIGHT = 200;
/** RADIUS caps a packet at 4096 bytes; header, Message-Authenticator and slack. */
const MAX_ATTR_BYTES = 3900;

interface InFlight {
  packet: Buffer;
  tries: number;
  timer?: NodeJS.Timeout;
  done: (acked: boolean) => void;
}

/**
 * One FreeRADIUS answer-cache control port (sites-available/aaa-answer-cache-control):
 * commands go out as Reply-Message attributes of an Access-Request signed with the
 * shared secret and a Message-Authenticator; the Access-Accept says all were applied.
 * Retransmits the same packet, and ignores answers that fail the authenticator check.
 */
export class ControlChannel {
  private readonly socket: Socket;
  private readonly inFlight = new Map<number, InFlight>();
  private waiting: (() => void)[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    readonly target: ControlTarget,
    private readonly secret: string,
  ) {
    this.socket = createSocket(isIP(target.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('message', (msg) => this.onAnswer(msg));
    // ICMP port unreachable and the like: the retry timer decides, nothing to do here.
    this.socket.on('error', () => undefined);
    this.socket.unref();
  }

  /** Sends every command; resolves true when FreeRADIUS acknowledged all of them. */
  async send(commands: string[]): Promise<boolean> {
    const results = await Promise.all(packCommands(commands).map((chunk) => this.sendPacket(chunk)));
    return results.every(Boolean);
  }

  close(): void {
    this.closed = true;
    for (const f of [...this.inFlight.values()]) f.done(false);
    for (const wake of this.waiting.splice(0)) wake();
    this.socket.close();
  }

  private async sendPacket(commands: string[]): Promise<boolean> {
    while (this.inFlight.size >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.waiting.push(r));
    if (this.closed) return false;
    let id = this.nextId;
    while (this.inFlight.has(id)) id = (id + 1) & 0xff;
    this.nextId = (id + 1) & 0xff;
    const packet = radius.encode({
      code: 'Access-Request',
      secret: this.secret,
      identifier: id,
      attributes: commands.map((c) => ['Reply-Message', c]),
      add_message_authenticator: true,
    });
    return new Promise<boolean>((resolve) => {
      const entry: InFlight = {
        packet,
        tries: 0,
        done: (acked) => {
          clearTimeout(entry.timer);
          this.inFlight.delete(id);
          this.waiting.shift()?.();
          resolve(acked);
        },
      };
      this.inFlight.set(id, entry);
      this.transmit(entry);
    });
  }

  private transmit(entry: InFlight): void {
    if (this.closed) return;
    if (entry.tries++ >= TRIES) return entry.done(false);
    this.socket.send(entry.packet, this.target.port, this.target.host, () => undefined);
    entry.timer = setTimeout(() => this.transmit(entry), TRY_MS);
  }

  private onAnswer(msg: Buffer): void {
    if (msg.length < 20) return;
    const entry = this.inFlight.get(msg.readUInt8(1));
    if (!entry || !authenticResponse(entry.packet, msg, this.secret)) return;
    entry.done(msg.readUInt8(0) === 2); // Access-Accept
  }
}

/** Splits commands into packets that fit; each command is one attribute (max 253 bytes). */
export function packCommands(commands: string[]): string[][] {
  const packets: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const c of commands) {
    const len = Buffer.byteLength(c) + 2;
    if (len > 255) continue;
    if (size + len > MAX_ATTR_BYTES && current.length) {
      packets.push(current);
      current = [];
      size = 0;
    }
    current.push(c);
    size += len;
  }
  if (current.length) packets.push(current);
  return packets;
}

/**
 * RFC 2865 Response Authenticator. Not the package's verify_response, which also
 * demands a Message-Authenticator in the answer; FreeRADIUS 3.2.1 sends none here.
 */
function authenticResponse(request: Buffer, response: Buffer, secret: string): boolean {
  const length = response.readUInt16BE(2);
  if (length < 20 || length > response.length) return false;
  const expected = createHash('md5')
    .update(response.subarray(0, 4))
    .update(request.subarray(4, 20))
    .update(response.subarray(20, length))
    .update(secret)
    .digest();
  return timingSafeEqual(expected, response.subarray(4, 20));
}
