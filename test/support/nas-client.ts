import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';

interface RadiusLib {
  encode(args: {
    code: string;
    secret: string;
    identifier: number;
    attributes: [string, string | Buffer][];
    add_message_authenticator?: boolean;
  }): Buffer;
  decode(args: { packet: Buffer; secret: string }): { code: string; attributes: Record<string, unknown> };
}
// The `radius` package ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const radius: RadiusLib = require('radius');

export interface NasReply {
  code: string;
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
 * (`add_message_authenticator`). Resolves undefined on timeout.
 */
export function accessRequest(opts: {
  port: number;
  secret: string;
  srcIp: string;
  attributes: [string, string | Buffer][];
  timeoutMs?: number;
  messageAuthenticator?: boolean;
}): Promise<NasReply | undefined> {
  const packet = radius.encode({
    code: 'Access-Request',
    secret: opts.secret,
    identifier: randomBytes(1)[0],
    attributes: opts.attributes,
    add_message_authenticator: opts.messageAuthenticator ?? true,
  });
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, opts.timeoutMs ?? 4000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      try {
        const reply = radius.decode({ packet: msg, secret: opts.secret });
        resolve({ code: reply.code, attributes: reply.attributes, request: packet, raw: msg });
      } catch (err) {
        reject(err);
      }
    });
    socket.bind(0, opts.srcIp, () => socket.send(packet, opts.port, '127.0.0.1'));
  });
}
