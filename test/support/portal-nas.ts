import { accessRequest } from './nas-client';
import { Authenticate } from './portal-fake-router';

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
    const reply = await accessRequest({
      port: opts.port(),
      secret: opts.secret(),
      srcIp: opts.nasIp,
      attributes: [
        ['User-Name', attempt.username],
        ...creds,
        ['NAS-Identifier', opts.nasid],
        ['Calling-Station-Id', ctx.mac],
        ['Framed-IP-Address', ctx.clientIp],
      ],
    });
    return reply?.code === 'Access-Accept';
  };
}
