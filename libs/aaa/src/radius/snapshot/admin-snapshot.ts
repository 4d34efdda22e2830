import { createHash, createHmac } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { AuthAccount } from '../account-row';
import { isIpv6Cidr } from '../../common/ip';
import { canonicalUsername } from '../../common/username';
import { decide } from '../policy';

/**
 * The admin fail-safe snapshot FreeRADIUS loads at start (mods-available/aaa_cache
 * `admin_snapshot`, a users file): every admin's decision as the API would make it
 * without a password, a device or the database.
 *
 *   ?alice<TAB>Aaa-Admin-Known := 1
 *   alice<TAB>Aaa-Account-Group := "admin", SSHA2-512-Password := 0x…, NT-Password := 0x…, Aaa-Admin-Until := 1798761600
 *   <TAB>Framed-IP-Address = 10.0.0.7,
 *   <TAB>Acct-Interim-Interval = 300
 *   ?bob<TAB>Aaa-Admin-Known := 1
 *   bob<TAB>Aaa-Account-Group := "admin", Aaa-Admin-Verdict := "banned"
 *
 * Never a cleartext: PAP is checked against a salted SHA-512, MS-CHAP against the NT
 * hash; CHAP needs the cleartext, so a CHAP admin is not let in from here (only from
 * the in-memory copy of a login through the API). The reply has the RFC attributes
 * only: rate limits and the restricted marker are vendor attributes, and the router's
 * vendor is not known here. A restricted admin is therefore written as a reject.
 * `freeradius/run.sh` refuses a file with any line not of these shapes.
 */

export interface AdminEntryInput {
  account: AuthAccount;
  /** The decrypted password; undefined if it cannot be decrypted (the admin is then left out). */
  cleartext: string | undefined;
  now: Date;
  interimInterval: number;
  /** Salts are derived from this key (SECRET_KEY), so an unchanged admin renders the same line. */
  saltKey: Buffer;
}

export interface SnapshotEntry {
  name: string;
  /** The line FreeRADIUS decides by; a change here means its copy must go. */
  decision: string;
  text: string;
}

export function adminEntry(i: AdminEntryInput): SnapshotEntry | null {
  const a = i.account;
  const name = canonicalUsername(a.username);
  if (a.group !== 'admin' || !name) return null;
  const d = decide({
    account: a,
    passwordOk: undefined,
    callingStationId: null,
    openSessions: [],
    now: i.now,
    interimInterval: i.interimInterval,
  });
  const check = ['Aaa-Account-Group := "admin"'];
  const reply: string[] = [];
  if (d.result === 'reject') {
    check.push(`Aaa-Admin-Verdict := "${d.reason}"`);
  } else if (d.restrictedBy.length) {
    check.push('Aaa-Admin-Verdict := "restricted"');
  } else {
    if (i.cleartext === undefined || !/^[0-9a-f]{32}$/i.test(a.ntHash)) return null;
    check.push(`SSHA2-512-Password := 0x${ssha512(i.cleartext, salt(i.saltKey, a)).toString('hex')}`);
    check.push(`NT-Password := 0x${a.ntHash.toLowerCase()}`);
    // The live answer cuts Session-Timeout at the expiry; here FreeRADIUS rejects from then on.
    if (a.expiresAt) check.push(`Aaa-Admin-Until := ${Math.floor(a.expiresAt.getTime() / 1000)}`);
    if (d.reply.framedIp && isIPv4(d.reply.framedIp)) reply.push(`Framed-IP-Address = ${d.reply.framedIp}`);
    // As PostgreSQL writes a cidr (lowercase hex): freeradius/run.sh accepts exactly that shape.
    for (const [attr, prefix] of [
      ['Framed-IPv6-Prefix', d.reply.framedIpv6Prefix],
      ['Delegated-IPv6-Prefix', d.reply.delegatedIpv6Prefix],
    ] as const) {
      if (prefix && isIpv6Cidr(prefix) && /^[0-9a-f:]+\/\d{1,3}$/.test(prefix)) reply.push(`${attr} = ${prefix}`);
    }
    const timeout = a.profile?.sessionTimeoutSeconds;
    const idle = a.profile?.idleTimeoutSeconds;
    if (timeout && timeout > 0) reply.push(`Session-Timeout = ${timeout}`);
    if (idle && idle > 0) reply.push(`Idle-Timeout = ${idle}`);
    reply.push(`Acct-Interim-Interval = ${i.interimInterval}`);
  }
  const decision = `${name}\t${check.join(', ')}`;
  const lines = [`?${name}\tAaa-Admin-Known := 1`, decision, ...reply.map((r, n) => `\t${r}${n < reply.length - 1 ? ',' : ''}`)];
  return { name, decision, text: lines.join('\n') };
}

export function renderAdminSnapshot(entries: SnapshotEntry[]): string {
  const seen = new Set<string>();
  const unique = [...entries]
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .filter((e) => !seen.has(e.name) && seen.add(e.name));
  const header = [
    '# Admin fail-safe snapshot: rendered by the API (libs/aaa radius/admin-failsafe), loaded by FreeRADIUS at start.',
    '# Hashes only (SSHA2-512 for PAP, NT hash for MS-CHAP). Do not edit: the API rewrites it.',
  ];
  return [...header, ...unique.map((e) => e.text)].join('\n') + '\n';
}

/** name -> decision line of a rendered snapshot. */
export function decisionLines(text: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9._@+-]{1,64})\t/.exec(line);
    if (m) lines.set(m[1], line);
  }
  return lines;
}

/** rlm_pap's SSHA2-512: SHA-512(password ‖ salt) ‖ salt. */
export function ssha512(password: string, salt: Buffer): Buffer {
  const digest = createHash('sha512').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return Buffer.concat([digest, salt]);
}

/** Unique per account and password (the sealed password changes with every new one), secret without the key. */
function salt(key: Buffer, a: AuthAccount): Buffer {
  return createHmac('sha256', key).update(`admin-snapshot-salt\0${a.id}\0${a.passwordEnc}`).digest().subarray(0, 16);
}
