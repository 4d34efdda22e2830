import { createHmac, timingSafeEqual } from 'node:crypto';

const MESSAGE_AUTHENTICATOR = 80;

export interface ReplySignature {
  /** A Message-Authenticator attribute is present. */
  present: boolean;
  /** It is the first attribute (what FreeRADIUS 3.2.5+ and our overlay do, against BlastRADIUS). */
  first: boolean;
  /** HMAC-MD5 over the reply, with the request's authenticator in place of its own (RFC 3579 3.2). */
  valid: boolean;
}

/**
 * Checks a raw Access-Accept/Reject/Challenge against the Access-Request it answers,
 * computed here from the RFC, not by the library that sent the request.
 */
export function replySignature(request: Buffer, reply: Buffer, secret: string): ReplySignature {
  const length = reply.readUInt16BE(2);
  let offset = 20;
  let index = 0;
  let at = -1;
  let first = false;
  while (offset + 2 <= length) {
    const [type, len] = [reply[offset], reply[offset + 1]];
    if (len < 2) break;
    if (type === MESSAGE_AUTHENTICATOR && len === 18 && at < 0) {
      at = offset;
      first = index === 0;
    }
    offset += len;
    index++;
  }
  if (at < 0) return { present: false, first: false, valid: false };
  const copy = Buffer.from(reply.subarray(0, length));
  request.copy(copy, 4, 4, 20); // the Request Authenticator
  copy.fill(0, at + 2, at + 18);
  const expected = createHmac('md5', secret).update(copy).digest();
  return { present: true, first, valid: timingSafeEqual(expected, reply.subarray(at + 2, at + 18)) };
}
