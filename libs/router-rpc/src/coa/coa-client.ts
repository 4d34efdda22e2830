import { Injectable, Logger } from '@nestjs/common';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { radius, RadiusAttribute } from '@app/aaa';

export interface CoaTarget {
  host: string;
  port: number;
  secret: string;
}

/**
 * `retransmitted`: the NAK came after we had sent the request more than once. A NAS without
 * duplicate detection (uspot's radius-das.c handles every copy anew) NAKs the copy of a request
 * whose ACK was lost, because the session is already gone.
 */
export type CoaResult = { outcome: 'ack' } | { outcome: 'nak'; errorCause?: string; retransmitted?: true };

/** No valid answer after every retry: router down, port closed, firewall, or wrong secret. */
export class CoaTimeoutError extends Error {}

/** RFC 5176 §2.1 (Disconnect) and §2.2 (CoA) request codes with their ACK and NAK. */
const KINDS = {
  disconnect: { request: 'Disconnect-Request', ack: 'Disconnect-ACK', nak: 'Disconnect-NAK' },
  coa: { request: 'CoA-Request', ack: 'CoA-ACK', nak: 'CoA-NAK' },
} as const;

/**
 * RFC 5176 Disconnect-Request and CoA-Request sender. Retransmits the identical packet (same identifier and
 * authenticator, as RFC 5176 §2.3 expects) and ignores answers that fail the response
 * authenticator check, so a wrong secret shows up as a timeout rather than a forged ACK.
 * Only RFC dictionaries are needed: Disconnect carries no vendor attributes (uspot would NAK them).
 */
@Injectable()
export class CoaClient {
  private readonly log = new Logger(CoaClient.name);

  disconnect(target: CoaTarget, attributes: RadiusAttribute[], timeoutMs: number, attempts = 3): Promise<CoaResult> {
    return this.send('disconnect', target, attributes, timeoutMs, attempts);
  }

  /** Vendor attributes go in as raw Vendor-Specific buffers (coa-attributes.ts): the library has no vendor dictionaries. */
  coa(target: CoaTarget, attributes: RadiusAttribute[], timeoutMs: number, attempts = 3): Promise<CoaResult> {
    return this.send('coa', target, attributes, timeoutMs, attempts);
  }

  private send(kind: keyof typeof KINDS, target: CoaTarget, attributes: RadiusAttribute[], timeoutMs: number, attempts: number) {
    const codes = KINDS[kind];
    // Message-Authenticator stays off: uspot's DAE NAKs any attribute it does not know.
    const request = radius.encode({ code: codes.request, secret: target.secret, attributes, add_message_authenticator: false });
    const family = isIP(target.host) === 6 ? 'udp6' : 'udp4';
    const socket = createSocket(family);
    const perTry = Math.max(50, Math.floor(timeoutMs / attempts));
    return new Promise<CoaResult>((resolve, reject) => {
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: Error | null, result?: CoaResult) => {
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(result!);
      };
      const send = () => {
        if (sent >= attempts) return finish(new CoaTimeoutError(`no answer from ${target.host}:${target.port} after ${attempts} tries`));
        sent++;
        socket.send(request, target.port, target.host, (err) => {
          if (err) this.log.debug(`send to ${target.host}:${target.port} failed: ${err.message}`);
        });
        timer = setTimeout(send, perTry);
      };
      socket.on('error', (err) => finish(new CoaTimeoutError(`${target.host}:${target.port} unreachable: ${err.message}`)));
      socket.on('message', (msg) => {
        if (msg.length < 20 || msg.readUInt8(1) !== request.readUInt8(1)) return;
        if (!radius.verify_response({ request, response: msg, secret: target.secret })) {
          return this.log.warn(`ignoring answer from ${target.host} with a bad authenticator (secret mismatch?)`);
        }
        let decoded;
        try {
          decoded = radius.decode({ packet: msg, secret: target.secret });
        } catch {
          return;
        }
        if (decoded.code === codes.ack) return finish(null, { outcome: 'ack' });
        if (decoded.code === codes.nak) {
          const cause = decoded.attributes['Error-Cause'];
          const result: CoaResult = { outcome: 'nak', errorCause: cause === undefined ? undefined : String(cause) };
          if (sent > 1) result.retransmitted = true;
          return finish(null, result);
        }
      });
      socket.bind(0, send);
    });
  }
}
