import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { radius, RadiusAttribute } from '../../libs/aaa/src/common/radius-lib';

export interface NasReply {
  code: string;
  /** Decoded by the `radius` package; empty when `decode: false`. */
  attributes: Record<string, unknown>;
  /** The packets on the wire, for checking signatures. */
  request: Buffer;
  raw: Buffer;
}

/**
 * Sends one Access-Request the way a router would, from a chosen loopback source
 * address (FreeRADIUS identifies the NAS by it). With a Message-Authenticator unless
 * told otherwise, as RouterOS 7.15+, uspot (radcli) and CoovaChilli send it: routers
 * require it by default (BlastRADIUS). The `radius` package computes it when asked
 * (`add_message_authenticator`). Like a NAS, it sends the same packet again after
 * `timeoutMs`, `tries` times in all (the first packet from an unknown address may be
 * dropped while FreeRADIUS defines the dynamic client). Resolves undefined when nothing
 * answered; only a reply to this request's identifier counts.
 */
export function accessRequest(opts: {
  port: number;
  secret: string;
  srcIp: string;
  attributes: RadiusAttribute[];
  timeoutMs?: number;
  tries?: number;
  messageAuthenticator?: boolean;
  /** false: return the raw reply only (attributes the `radius` package has no dictionary for). */
  decode?: boolean;
}): Promise<NasReply | undefined> {
  const request = radius.encode({
    code: 'Access-Request',
    secret: opts.secret,
    identifier: randomBytes(1)[0],
    attributes: opts.attributes,
    add_message_authenticator: opts.messageAuthenticator ?? true,
  });
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (err: unknown, reply?: NasReply) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply);
    };
    const send = () => {
      if (sent++ >= (opts.tries ?? 1)) return done(null, undefined);
      socket.send(request, opts.port, '127.0.0.1');
      timer = setTimeout(send, opts.timeoutMs ?? 4000);
    };
    socket.on('message', (raw) => {
      if (raw.length < 20 || raw[1] !== request[1]) return;
      try {
        const decoded =
          opts.decode === false
            ? { code: CODES[raw[0]] ?? String(raw[0]), attributes: {} }
            : radius.decode({ packet: raw, secret: opts.secret });
        done(null, { code: decoded.code, attributes: decoded.attributes, request, raw });
      } catch (err) {
        done(err);
      }
    });
    socket.bind(0, opts.srcIp, send);
  });
}

const CODES: Record<number, string> = { 2: 'Access-Accept', 3: 'Access-Reject', 11: 'Access-Challenge' };
