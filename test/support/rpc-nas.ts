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
 * CoA-Request (RFC 5176 §2.2, §3.6) per flavour, from the same sources:
 *
 * - `uspot`: radius-das.c coa_attrid_not_supported and uspot.uc das_coa, das_coa_filter_changes,
 *   das_match_client: only Session-Timeout, Idle-Timeout and Acct-Interim-Interval change
 *   anything; any other attribute either NAKs or stays in the match and fails it.
 * - `coova`: chilli.c cb_radius_coa_ind → config_radius_session(…, reconfig 0): the attributes
 *   it reads are set, and every one of them the request leaves out is reset to none ("0").
 * - `routeros`: the RouterOS manual (RADIUS, "Change of Authorization"; `/radius incoming`): a CoA
 *   may change Mikrotik-Rate-Limit, Mikrotik-Group, Mikrotik-Recv-Limit, Mikrotik-Xmit-Limit,
 *   Mikrotik-Advertise-URL/-Interval, Session-Timeout, Idle-Timeout and Port-Limit; the manual
 *   names no other, so any other attribute (Mikrotik-Address-List included) is NAKed with
 *   Unsupported-Attribute (RFC 5176 §3.5: 401), like an unknown one in a Disconnect.
 */
export type DasFlavour = 'uspot' | 'coova' | 'routeros';

/** One session as the router holds it, by RADIUS attribute name (string values, as sent). */
export type RouterSession = Record<string, string>;

export interface DasReply {
  code: 'Disconnect-ACK' | 'Disconnect-NAK' | 'CoA-ACK' | 'CoA-NAK';
  errorCause?: number;
}

export interface DasRequest {
  code: 'Disconnect-Request' | 'CoA-Request';
  /** Request Authenticator in hex: a retransmission (RFC 5176 §2.3) repeats it, a new request does not. */
  authenticator: string;
  attributes: RouterSession;
  /** Attribute numbers in packet order (vendor attributes as 26). */
  types: number[];
}

const CODE = { disconnectRequest: 40, ack: 41, nak: 42, coaRequest: 43, coaAck: 44, coaNak: 45 } as const;

/** Vendor-Specific sub-attributes the fakes read, by vendor and type (the routers' dictionaries). */
const VENDOR_NAMES: Record<string, string> = {
  '14988:1': 'Mikrotik-Recv-Limit',
  '14988:2': 'Mikrotik-Xmit-Limit',
  '14988:3': 'Mikrotik-Group',
  '14988:8': 'Mikrotik-Rate-Limit',
  '14988:10': 'Mikrotik-Advertise-URL',
  '14988:11': 'Mikrotik-Advertise-Interval',
  '14988:19': 'Mikrotik-Address-List',
  '14122:7': 'WISPr-Bandwidth-Max-Up',
  '14122:8': 'WISPr-Bandwidth-Max-Down',
};
const VENDOR_INTEGERS = new Set([
  'Mikrotik-Recv-Limit',
  'Mikrotik-Xmit-Limit',
  'Mikrotik-Advertise-Interval',
  'WISPr-Bandwidth-Max-Up',
  'WISPr-Bandwidth-Max-Down',
]);
/** RFC integer attributes a CoA may carry: Session-Timeout, Idle-Timeout, Port-Limit, Acct-Interim-Interval. */
const INTEGERS = new Set([27, 28, 62, 85]);

/** RFC 5176 §3.5 Error-Cause values. */
export const ERROR_CAUSE = {
  unsupportedAttribute: 401,
  missingAttribute: 402,
  invalidAttributeValue: 407,
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
  27: 'Session-Timeout',
  28: 'Idle-Timeout',
  62: 'Port-Limit',
  85: 'Acct-Interim-Interval',
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
    if (code !== CODE.disconnectRequest && code !== CODE.coaRequest) return; // anything else is ignored by all three
    let attrs: Attr[];
    try {
      attrs = parseAttributes(packet);
    } catch {
      return;
    }
    const coa = code === CODE.coaRequest;
    this.requests.push({
      code: coa ? 'CoA-Request' : 'Disconnect-Request',
      authenticator: packet.subarray(4, 20).toString('hex'),
      attributes: named(attrs),
      types: attrs.map((a) => a.type),
    });
    if (this.silent) return;
    const reply = coa ? this.decideCoa(attrs) : this.decide(attrs);
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

  /** CoA-Requests only (distinct requests: a retransmission repeats its authenticator and is counted once). */
  coaRequests(): DasRequest[] {
    const seen = new Set<string>();
    return this.requests.filter((r) => r.code === 'CoA-Request' && !seen.has(r.authenticator) && seen.add(r.authenticator));
  }

  private decideCoa(attrs: Attr[]): DasReply | undefined {
    switch (this.flavour) {
      case 'uspot':
        return this.uspotCoa(attrs);
      case 'coova':
        return this.coovaCoa(attrs);
      case 'routeros':
        return this.routerosCoa(attrs);
    }
  }

  /**
   * radius-das.c das_coa_request: coa_attrid_not_supported refuses everything but the
   * identification attributes, State, Class, Proxy-State, Vendor-Specific, Session-Timeout,
   * Idle-Timeout and Acct-Interim-Interval (NAK, no Error-Cause). uspot.uc das_coa takes the three
   * changes out (das_coa_filter_changes) and matches the client on everything else that reached
   * ubus, vendor attributes included: a WISPr rate the client's Access-Request did not hold fails
   * the match, and no match is a NAK.
   */
  private uspotCoa(attrs: Attr[]): DasReply {
    const allowed = new Set([1, 4, 8, 24, 25, 26, 27, 28, 30, 31, 32, 33, 44, 85, 89]);
    const nak: DasReply = { code: 'CoA-NAK' };
    const request: RouterSession = {};
    const changes: RouterSession = {};
    for (const a of attrs) {
      if (!allowed.has(a.type)) return nak;
      if (a.type === 26) {
        for (const [name, value] of vendorAttrs(a)) request[name] = value;
        continue;
      }
      if (INTEGERS.has(a.type)) {
        if (a.value.length !== 4) return nak;
        changes[NAMES[a.type]] = String(a.value.readUInt32BE(0));
      } else if ([1, 4, 8, 30, 31, 32, 44, 89].includes(a.type)) {
        if (IPADDR.has(a.type)) request[NAMES[a.type]] = [...a.value].join('.');
        else if (![...a.value].every((b) => b >= 0x20 && b <= 0x7e)) return nak;
        else request[NAMES[a.type]] = a.value.toString('latin1');
      }
    }
    const s = this.sessions.find((c) => Object.entries(request).every(([k, v]) => c[k] === v));
    if (!s) return nak;
    Object.assign(s, changes);
    return { code: 'CoA-ACK' };
  }

  /** chilli.c cb_radius_coa_ind: User-Name required (else no answer); config_radius_session with reconfig 0. */
  private coovaCoa(attrs: Attr[]): DasReply | undefined {
    const user = attrs.find((a) => a.type === 1)?.value.toString('latin1');
    if (user === undefined) return undefined;
    const sid = attrs.find((a) => a.type === 44)?.value.toString('latin1');
    const hits = this.sessions.filter(
      (s) => s['User-Name'] === user && (sid === undefined || s['Acct-Session-Id']?.toLowerCase() === sid.toLowerCase()),
    );
    if (!hits.length) return { code: 'CoA-NAK' };
    const got = named(attrs);
    for (const h of hits) {
      for (const name of [
        'Session-Timeout',
        'Idle-Timeout',
        'Acct-Interim-Interval',
        'WISPr-Bandwidth-Max-Up',
        'WISPr-Bandwidth-Max-Down',
      ]) {
        h[name] = got[name] ?? '0';
      }
    }
    return { code: 'CoA-ACK' };
  }

  /** RouterOS `/radius incoming`, CoA-Request: the manual's list of what a CoA may change (see the top of this file). */
  private routerosCoa(attrs: Attr[]): DasReply {
    const session = new Set([1, 8, 31, 44]);
    const nas = new Set([4, 32]);
    const passive = new Set([33, 55, 80]);
    const changeable = new Set([27, 28, 62]);
    const vendorChangeable = new Set([
      'Mikrotik-Rate-Limit',
      'Mikrotik-Group',
      'Mikrotik-Recv-Limit',
      'Mikrotik-Xmit-Limit',
      'Mikrotik-Advertise-URL',
      'Mikrotik-Advertise-Interval',
    ]);
    const nak = (errorCause: number): DasReply => ({ code: 'CoA-NAK', errorCause });
    const want: RouterSession = {};
    const changes: RouterSession = {};
    for (const a of attrs) {
      if (passive.has(a.type)) continue;
      const name = NAMES[a.type];
      if (a.type === 26) {
        for (const [vname, value] of vendorAttrs(a)) {
          if (!vendorChangeable.has(vname)) return nak(ERROR_CAUSE.unsupportedAttribute);
          changes[vname] = value;
        }
      } else if (changeable.has(a.type)) {
        if (a.value.length !== 4) return nak(ERROR_CAUSE.invalidAttributeValue);
        changes[name] = String(a.value.readUInt32BE(0));
      } else if (nas.has(a.type)) {
        const value = IPADDR.has(a.type) ? [...a.value].join('.') : a.value.toString('utf8');
        if (this.identity[name] !== undefined && this.identity[name] !== value) return nak(ERROR_CAUSE.nasIdentificationMismatch);
      } else if (session.has(a.type)) {
        want[name] = IPADDR.has(a.type) ? [...a.value].join('.') : a.value.toString('utf8');
      } else {
        return nak(ERROR_CAUSE.unsupportedAttribute);
      }
    }
    if (!Object.keys(want).length) return nak(ERROR_CAUSE.missingAttribute);
    const s = this.sessions.find((c) => Object.entries(want).every(([k, v]) => c[k] === v));
    if (!s) return nak(ERROR_CAUSE.sessionContextNotFound);
    Object.assign(s, changes);
    return { code: 'CoA-ACK' };
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
    head[0] = { 'Disconnect-ACK': CODE.ack, 'Disconnect-NAK': CODE.nak, 'CoA-ACK': CODE.coaAck, 'CoA-NAK': CODE.coaNak }[reply.code];
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

/** RFC 2865 §5.26: vendor id, then sub-attributes; names from VENDOR_NAMES (unknown ones as `Vendor-<id>-<type>`). */
function vendorAttrs(a: Attr): [string, string][] {
  const out: [string, string][] = [];
  if (a.value.length < 6) return out;
  const vendor = a.value.readUInt32BE(0);
  for (let v = 4; v + 2 <= a.value.length;) {
    const type = a.value[v];
    const len = a.value[v + 1];
    if (len < 2 || v + len > a.value.length) break;
    const data = a.value.subarray(v + 2, v + len);
    const name = VENDOR_NAMES[`${vendor}:${type}`] ?? `Vendor-${vendor}-${type}`;
    out.push([name, VENDOR_INTEGERS.has(name) && data.length === 4 ? String(data.readUInt32BE(0)) : data.toString('utf8')]);
    v += len;
  }
  return out;
}

function named(attrs: Attr[]): RouterSession {
  const out: RouterSession = {};
  for (const a of attrs) {
    if (a.type === 26) {
      for (const [name, value] of vendorAttrs(a)) out[name] = value;
      continue;
    }
    if (INTEGERS.has(a.type) && a.value.length === 4) {
      out[NAMES[a.type]] = String(a.value.readUInt32BE(0));
      continue;
    }
    const name = NAMES[a.type] ?? `Attr-${a.type}`;
    out[name] = IPADDR.has(a.type) ? [...a.value].join('.') : a.value.toString('utf8');
  }
  return out;
}
