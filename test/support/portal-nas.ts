import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { Authenticate } from './portal-fake-router';

interface RadiusLib {
  encode(args: {
    code: string;
    secret: string;
    identifier: number;
    attributes: [string, string | Buffer][];
    add_message_authenticator?: boolean;
  }): Buffer;
  decode(args: { packet: Buffer; secret: string }): { code: string };
}
// The `radius` package ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const radius: RadiusLib = require('radius');

/**
 * What a fake router's login handler does with an attempt: one real Access-Request
 * through FreeRADIUS, from the router's own loopback address, signed with its secret
 * and carrying a Message-Authenticator (BlastRADIUS: new routers require one).
 * CHAP goes out as the router builds it: CHAP-Password = ident ‖ response, CHAP-Challenge.
 */
export function viaFreeRadius(opts: { port: () => number; nasIp: string; nasid: string; secret: () => string }): Authenticate {
  return async (attempt, ctx) => {
    const creds: [string, string | Buffer][] =
      attempt.kind === 'pap'
        ? [['User-Password', attempt.password]]
        : [
            ['CHAP-Password', Buffer.concat([Buffer.from([attempt.ident]), Buffer.from(attempt.chapResponse, 'hex')])],
            ['CHAP-Challenge', Buffer.from(attempt.chapChallenge, 'hex')],
          ];
    const packet = radius.encode({
      code: 'Access-Request',
      secret: opts.secret(),
      identifier: randomBytes(1)[0],
      add_message_authenticator: true,
      attributes: [
        ['User-Name', attempt.username],
        ...creds,
        ['NAS-Identifier', opts.nasid],
        ['Calling-Station-Id', ctx.mac],
        ['Framed-IP-Address', ctx.clientIp],
      ],
    });
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const socket = createSocket('udp4');
      const timer = setTimeout(() => {
        socket.close();
        resolve(undefined);
      }, 4000);
      socket.on('message', (msg) => {
        clearTimeout(timer);
        socket.close();
        resolve(msg);
      });
      socket.bind(0, opts.nasIp, () => socket.send(packet, opts.port(), '127.0.0.1'));
    });
    return !!reply && radius.decode({ packet: reply, secret: opts.secret() }).code === 'Access-Accept';
  };
}
