import { createHash } from 'node:crypto';
import { createSocket, RemoteInfo, Socket } from 'node:dgram';

/**
 * A router's RFC 5176 Dynamic Authorization Server on a loopback address, written from the
 * routers' own sources so the product is tested against what they really accept:
 *
 * - `uspot`: f00b4r0/uspot `src/radius-das.c` (radius_dae_parse, das_request_process,
 *   disconnect_attrid_not_supported, toval_str) and `files/usr/share/uspot/uspot.uc`
 *   (das_disconnect, das_match_client).
 * - `coova`: coova/coova-chilli `src/chilli.c` cb_radius_coa_ind.
 * - `routeros`: the RouterOS RADIUS manual (`/radius incoming`; a Disconnect names the session
 *   by User-Name, Acct-Session-Id and Framed-IP-Address) and, where the manual is silent,
 *   RFC 5176 §3 and §3.5 (Error-Cause values).
 *
 * Only Disconnect-Request is modelled: the product never sends CoA-Request.
 */
export type DasFlavour = 'uspot' | 'coova' | 'routeros';

/** One session as the router holds it, by RADIUS attribute name (string values, as sent). */
export type RouterSession = Record<string, string>;

export interface DasReply {
  code: 'Disconnect-ACK' | 'Disconnect-NAK';
  errorCause?: number;
}

export interface DasRequest {
  attributes: RouterSession;
  /** Attribute numbers in packet order (vendor attributes as 26). */
  types: number[];
}

const CODE = { disconnectRequest: 40, ack: 41, nak: 42, coaRequest: 43 } as const;

/** RFC 5176 §3.5 Error-Cause values. */
export const ERROR_CAUSE = {
  unsupportedAttribute: 401,
  missingAttribute: 402,
  nasIdentificationMismatch: 403,
  sessionContextNotFound: 503,
} as const;

const NAMES: Record<number, string> = {
  1: 'User-Name',
  4: 'NAS-IP-Address',
  8: 'Framed-IP-Address',
  24: 'State',
  25: 'Class',
  30: 'Called-Station-Id',
  31: 'Calling-Station-Id',
  32: 'NAS-Identifier',
  33: 'Proxy-State',
  44: 'Acct-Session-Id',
  49: 'Acct-Terminate-Cause',
  55: 'Event-Timestamp',
  80: 'Message-Authenticator',
  89: 'Chargeable-User-Identity',
};
const IPADDR = new Set([4, 8]);

interface Attr {
  type: number;
  value: Buffer;
}

export class TestNas {
  /** Models an unreachable router (powered off, firewalled): requests are recorded, never answered. */
  silent = false;
  /** Replies to drop before answering again (a reply lost on the way back). */
  dropReplies = 0;
  readonly requests: DasRequest[] = [];
  readonly replies: DasReply[] = [];
  /** The router's live sessions; a successful Disconnect removes its match. */
  readonly sessions: RouterSession[] = [];
  /** RouterOS: its own NAS-Identifier / NAS-IP-Address, checked when a request names them. */
  identity: RouterSession = {};
  port = 0;
  private readonly socket: Socket = createSocket('udp4');

  constructor(
    readonly flavour: DasFlavour,
    private readonly secret: string,
    private readonly host = '127.0.0.1',
  ) {}

  addSession(session: RouterSession): RouterSession {
    this.sessions.push(session);
    return session;
  }

  async start(): Promise<this> {
    this.socket.on('message', (msg, rinfo) => this.onPacket(msg, rinfo));
    await new Promise<void>((resolve) => this.socket.bind(0, this.host, resolve));
    this.port = this.socket.address().port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onPacket(msg: Buffer, rinfo: RemoteInfo): void {
    // radius-das.c radius_dae_parse: short, truncated or oversized packets are dropped.
    if (msg.length < 20) return;
    const len = msg.readUInt16BE(2);
    if (len < 20 || len > 4096 || len > msg.length) return;
    const packet = msg.subarray(0, len);
    // RFC 5176 §2.3 (radius-das.c radius_rqauth_check): a wrong Request Authenticator, i.e. a
    // wrong secret, is silently discarded, by every flavour.
    if (!requestAuthenticatorOk(packet, this.secret)) return;
    const code = packet[0];
    if (code !== CODE.disconnectRequest) return; // CoA is not modelled; anything else is ignored by all three
    let attrs: Attr[];
    try {
      attrs = parseAttributes(packet);
    } catch {
      return;
    }
    this.requests.push({ attributes: named(attrs), types: attrs.map((a) => a.type) });
    if (this.silent) return;
    const reply = this.decide(attrs);
    if (!reply) return;
    this.replies.push(reply);
    if (this.dropReplies > 0) {
      this.dropReplies--;
      return;
    }
    this.socket.send(this.encodeReply(packet, reply, attrs), rinfo.port, rinfo.address);
  }

  private decide(attrs: Attr[]): DasReply | undefined {
    switch (this.flavour) {
      case 'uspot':
        return this.uspot(attrs);
      case 'coova':
        return this.coova(attrs);
      case 'routeros':
        return this.routeros(attrs);
    }
  }

  /**
   * radius-das.c das_request_process with disconnect_attrid_not_supported: any attribute outside
   * the allowed list (Framed-IP-Address, Message-Authenticator, Event-Timestamp, NAS-Port,
   * Reply-Message, … all included) earns a NAK; uspot never sends Error-Cause. String values must
   * be printable (toval_str, isprint in the C locale: bytes 0x20-0x7e). The identification
   * attributes are handed to ubus `das_disconnect`, whose das_match_client (uspot.uc) takes the
   * first client whose stored Access-Request has every one of them string-equal: with none at
   * all, that is simply the first client.
   */
  private uspot(attrs: Attr[]): DasReply {
    const allowed = new Set([1, 4, 32, 25, 26, 30, 31, 33, 44, 49, 89]);
    const nak: DasReply = { code: 'Disconnect-NAK' };
    const request: RouterSession = {};
    for (const a of attrs) {
      if (!allowed.has(a.type)) return nak;
      // parse_vendor_specific needs each vendor attribute in uspot's radcli dictionary; the
      // product sends none, so the fake treats every one as unknown.
      if (a.type === 26) return nak;
      const passed = [1, 4, 30, 31, 32, 44, 89]; // radius_attrids with a toval: go to ubus
      if (!passed.includes(a.type)) continue;
      if (IPADDR.has(a.type)) {
        if (a.value.length !== 4) return nak;
        request[NAMES[a.type]] = [...a.value].join('.');
      } else {
        if (![...a.value].every((b) => b >= 0x20 && b <= 0x7e)) return nak;
        request[NAMES[a.type]] = a.value.toString('latin1');
      }
    }
    const i = this.sessions.findIndex((s) => Object.entries(request).every(([k, v]) => s[k] === v));
    if (i < 0) return nak;
    this.sessions.splice(i, 1); // radius_terminate(…, radtc_adminreset) + client_remove
    return { code: 'Disconnect-ACK' };
  }

  /**
   * chilli.c cb_radius_coa_ind: no User-Name, no answer at all; Acct-Session-Id, when present,
   * narrows to that session (compared case-insensitively); every other attribute is ignored.
   * All matching sessions are terminated (Admin-Reset). NAK when none matched; no Error-Cause.
   */
  private coova(attrs: Attr[]): DasReply | undefined {
    const user = attrs.find((a) => a.type === 1)?.value.toString('latin1');
    if (user === undefined) return undefined;
    const sid = attrs.find((a) => a.type === 44)?.value.toString('latin1');
    const hits = this.sessions.filter(
      (s) => s['User-Name'] === user && (sid === undefined || s['Acct-Session-Id']?.toLowerCase() === sid.toLowerCase()),
    );
    if (!hits.length) return { code: 'Disconnect-NAK' };
    for (const h of hits) this.sessions.splice(this.sessions.indexOf(h), 1);
    return { code: 'Disconnect-ACK' };
  }

  /**
   * RouterOS `/radius incoming`: the session is named by User-Name, Acct-Session-Id and
   * Framed-IP-Address (the manual); Calling-Station-Id is taken as RFC 5176 allows. Everything
   * RFC 5176 §3 does not list for a Disconnect-Request is refused with Unsupported-Attribute,
   * no session attribute at all with Missing-Attribute, a NAS-Identifier/NAS-IP-Address for
   * another NAS with NAS-Identification-Mismatch, no session matching every attribute with
   * Session-Context-Not-Found.
   */
  private routeros(attrs: Attr[]): DasReply {
    const session = new Set([1, 8, 31, 44]);
    const nas = new Set([4, 32]);
    const passive = new Set([33, 55, 80]); // Proxy-State, Event-Timestamp, Message-Authenticator
    const nak = (errorCause: number): DasReply => ({ code: 'Disconnect-NAK', errorCause });
    const want: RouterSession = {};
    for (const a of attrs) {
      if (passive.has(a.type)) continue;
      const name = NAMES[a.type];
      const value = IPADDR.has(a.type) ? [...a.value].join('.') : a.value.toString('utf8');
      if (nas.has(a.type)) {
        if (this.identity[name] !== undefined && this.identity[name] !== value) return nak(ERROR_CAUSE.nasIdentificationMismatch);
      } else if (session.has(a.type)) {
        want[name] = value;
      } else {
        return nak(ERROR_CAUSE.unsupportedAttribute);
      }
    }
    if (!Object.keys(want).length) return nak(ERROR_CAUSE.missingAttribute);
    const i = this.sessions.findIndex((s) => Object.entries(want).every(([k, v]) => s[k] === v));
    if (i < 0) return nak(ERROR_CAUSE.sessionContextNotFound);
    this.sessions.splice(i, 1);
    return { code: 'Disconnect-ACK' };
  }

  /**
   * RFC 5176 §2.3 Response Authenticator. uspot copies Class, State and Proxy-State into the reply
   * (das_request_process), RFC 5176 asks for Proxy-State; Error-Cause only from RouterOS.
   */
  private encodeReply(request: Buffer, reply: DasReply, attrs: Attr[]): Buffer {
    const echoed = attrs.filter((a) => (this.flavour === 'uspot' ? [24, 25, 33] : [33]).includes(a.type));
    const out: Buffer[] = echoed.map((a) => Buffer.concat([Buffer.from([a.type, a.value.length + 2]), a.value]));
    if (reply.errorCause !== undefined) {
      const v = Buffer.alloc(6);
      v[0] = 101;
      v[1] = 6;
      v.writeUInt32BE(reply.errorCause, 2);
      out.push(v);
    }
    const body = Buffer.concat(out);
    const head = Buffer.alloc(20);
    head[0] = reply.code === 'Disconnect-ACK' ? CODE.ack : CODE.nak;
    head[1] = request[1];
    head.writeUInt16BE(20 + body.length, 2);
    request.copy(head, 4, 4, 20);
    const auth = createHash('md5').update(head).update(body).update(this.secret).digest();
    auth.copy(head, 4);
    return Buffer.concat([head, body]);
  }
}

/** RFC 2866 §3 / RFC 5176 §2.3: MD5(Code | Identifier | Length | 16 zero octets | Attributes | Secret). */
function requestAuthenticatorOk(packet: Buffer, secret: string): boolean {
  const zeroed = Buffer.from(packet);
  zeroed.fill(0, 4, 20);
  return createHash('md5').update(zeroed).update(secret).digest().equals(packet.subarray(4, 20));
}

function parseAttributes(packet: Buffer): Attr[] {
  const out: Attr[] = [];
  for (let off = 20; off < packet.length;) {
    const type = packet[off];
    const len = packet[off + 1];
    if (len === undefined || len < 2 || off + len > packet.length) throw new Error('invalid TLV length');
    out.push({ type, value: packet.subarray(off + 2, off + len) });
    off += len;
  }
  return out;
}

function named(attrs: Attr[]): RouterSession {
  const out: RouterSession = {};
  for (const a of attrs) {
    const name = NAMES[a.type] ?? `Attr-${a.type}`;
    out[name] = IPADDR.has(a.type) ? [...a.value].join('.') : a.value.toString('utf8');
  }
  return out;
}
