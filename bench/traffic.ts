import { spawn } from 'node:child_process';
import { createSocket, Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import * as radius from 'radius';

export interface BenchUser {
  username: string;
  password: string;
  mac: string;
  framedIp: string;
}

export function makeUsers(n: number, prefix = 'bench'): BenchUser[] {
  return Array.from({ length: n }, (_, i) => ({
    username: `${prefix}${String(i).padStart(7, '0')}`,
    password: `pw-${i.toString(36)}-${((i * 2654435761) >>> 0).toString(36)}`,
    mac: ['02', ...[(i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255, 1].map((b) => b.toString(16).padStart(2, '0'))]
      .join(':')
      .toUpperCase(),
    framedIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }));
}

export type AcctStatus = 'Start' | 'Interim-Update' | 'Stop';

/** Sessions started an hour before the bench; each Interim round is 60 s later. */
const BASE_TIME = Math.floor(Date.now() / 1000) - 3600;

/** Counters and Event-Timestamp consistent with each other, growing with each packet. */
function counters(status: AcctStatus, round: number) {
  const t = status === 'Start' ? 0 : 60 * round;
  return { time: t, input: t * 12_345, output: t * 98_765, at: BASE_TIME + t };
}

export function sessionId(i: number): string {
  return `bench-${i.toString(16).padStart(8, '0')}`;
}

/**
 * With Message-Authenticator, as routers send it (routers require it by default:
 * BlastRADIUS); radclient computes it from the placeholder. Both stacks get it.
 */
export function authPacket(u: BenchUser): string {
  return [
    `User-Name = "${u.username}"`,
    `User-Password = "${u.password}"`,
    `Calling-Station-Id = "${u.mac}"`,
    'NAS-IP-Address = 127.0.0.1',
    'NAS-Identifier = "bench-nas"',
    'NAS-Port-Type = Wireless-802.11',
    'Message-Authenticator = 0x00',
  ].join('\n');
}

export function acctPacket(u: BenchUser, i: number, status: AcctStatus, round = 1): string {
  const c = counters(status, round);
  const lines = [
    `Acct-Status-Type = ${status}`,
    `Acct-Session-Id = "${sessionId(i)}"`,
    `User-Name = "${u.username}"`,
    `Calling-Station-Id = "${u.mac}"`,
    `Framed-IP-Address = ${u.framedIp}`,
    'NAS-IP-Address = 127.0.0.1',
    'NAS-Identifier = "bench-nas"',
    `NAS-Port = ${i % 65536}`,
    `Acct-Session-Time = ${c.time}`,
    `Event-Timestamp = ${c.at}`,
    `Acct-Input-Octets = ${c.input % 2 ** 32}`,
    `Acct-Input-Gigawords = ${Math.floor(c.input / 2 ** 32)}`,
    `Acct-Output-Octets = ${c.output % 2 ** 32}`,
    `Acct-Output-Gigawords = ${Math.floor(c.output / 2 ** 32)}`,
  ];
  if (status === 'Stop') lines.push('Acct-Terminate-Cause = User-Request');
  return lines.join('\n');
}

export interface LoadResult {
  sent: number;
  accepted: number;
  rejected: number;
  lost: number;
  seconds: number;
  rate: number;
}

/** One radclient run over a file of distinct packets, `parallel` outstanding at a time. */
export async function radclientRun(
  file: string,
  packets: string[],
  target: { port: number; kind: 'auth' | 'acct'; secret: string },
  opts: { parallel: number; timeout?: number },
): Promise<LoadResult> {
  writeFileSync(file, packets.join('\n\n') + '\n');
  const args = ['-q', '-s', '-r', '1', '-t', String(opts.timeout ?? 5), '-p', String(opts.parallel), '-f', file];
  args.push(`127.0.0.1:${target.port}`, target.kind, target.secret);
  const t0 = process.hrtime.bigint();
  const out = await new Promise<string>((resolve, reject) => {
    // radclient busy-polls while it waits for answers (~65 % of a core against a server
    // answering in a few ms). At the lowest priority it still keeps `parallel` packets
    // outstanding but only takes CPU the servers leave idle; the same for both stacks.
    const p = spawn('nice', ['-n', '19', 'radclient', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('error', reject);
    p.on('close', () => resolve(text));
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const num = (label: string) => Number(new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(out)?.[1] ?? NaN);
  const accepted = num('Accepted');
  const rejected = num('Rejected');
  if (isNaN(accepted)) throw new Error(`radclient printed no summary:\n${out.slice(-2000)}`);
  const sent = packets.length;
  return { sent, accepted, rejected, lost: sent - accepted - rejected, seconds, rate: Math.round((accepted + rejected) / seconds) };
}

export interface ProbeResult {
  rate: number;
  sent: number;
  answered: number;
  lost: number;
  p50: number;
  p99: number;
  max: number;
}

export type ProbePacket = { code: 'Access-Request' | 'Accounting-Request'; attributes: [string, string | number | Date][] };

/**
 * Latency probe: sends packets at a fixed rate (not closed-loop like radclient) and
 * times each answer, so p50/p99 describe a server that is busy but not saturated.
 */
export async function probe(
  target: { port: number; secret: string },
  rate: number,
  seconds: number,
  packetAt: (n: number) => ProbePacket,
): Promise<ProbeResult> {
  const total = Math.max(1, Math.round(rate * seconds));
  const sockets: Socket[] = [];
  const inflight = new Map<string, number>();
  const latencies: number[] = [];
  let nextId = 0;
  const SOCKETS = 8;
  for (let s = 0; s < SOCKETS; s++) {
    const sock = createSocket('udp4');
    const idx = s;
    sock.on('message', (msg) => {
      const key = `${idx}/${msg[1]}`;
      const t = inflight.get(key);
      if (t === undefined) return;
      inflight.delete(key);
      latencies.push(Number(process.hrtime.bigint() - BigInt(t)) / 1e6);
    });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    sockets.push(sock);
  }
  const start = Number(process.hrtime.bigint());
  const intervalNs = 1e9 / rate;
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = Number(process.hrtime.bigint());
      const due = Math.min(total, Math.floor((now - start) / intervalNs) + 1);
      while (sent < due) {
        const p = packetAt(sent);
        const s = nextId % SOCKETS;
        const id = Math.floor(nextId / SOCKETS) % 256;
        nextId++;
        const key = `${s}/${id}`;
        const buf = radius.encode({
          code: p.code,
          secret: target.secret,
          identifier: id,
          attributes: p.attributes,
          add_message_authenticator: p.code === 'Access-Request',
        });
        inflight.set(key, Number(process.hrtime.bigint()));
        sockets[s].send(buf, target.port, '127.0.0.1');
        sent++;
      }
      if (sent >= total) return done();
      setTimeout(tick, 1);
    };
    tick();
  });
  // wait for stragglers (up to 3 s)
  const deadline = Date.now() + 3000;
  while (inflight.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const s of sockets) s.close();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return {
    rate,
    sent,
    answered: latencies.length,
    lost: sent - latencies.length,
    p50: r1(pct(0.5)),
    p99: r1(pct(0.99)),
    max: r1(latencies[latencies.length - 1] ?? NaN),
  };
}

export function authProbePacket(u: BenchUser): ProbePacket {
  return {
    code: 'Access-Request',
    attributes: [
      ['User-Name', u.username],
      ['User-Password', u.password],
      ['Calling-Station-Id', u.mac],
      ['NAS-IP-Address', '127.0.0.1'],
      ['NAS-Identifier', 'bench-nas'],
    ],
  };
}

export function interimProbePacket(u: BenchUser, i: number, round: number): ProbePacket {
  const c = counters('Interim-Update', round);
  return {
    code: 'Accounting-Request',
    attributes: [
      ['Acct-Status-Type', 'Interim-Update'],
      ['Acct-Session-Id', sessionId(i)],
      ['User-Name', u.username],
      ['Calling-Station-Id', u.mac],
      ['Framed-IP-Address', u.framedIp],
      ['NAS-IP-Address', '127.0.0.1'],
      ['NAS-Identifier', 'bench-nas'],
      ['NAS-Port', i % 65536],
      ['Acct-Session-Time', c.time],
      ['Event-Timestamp', new Date(c.at * 1000)],
      ['Acct-Input-Octets', c.input % 2 ** 32],
      ['Acct-Input-Gigawords', Math.floor(c.input / 2 ** 32)],
      ['Acct-Output-Octets', c.output % 2 ** 32],
      ['Acct-Output-Gigawords', Math.floor(c.output / 2 ** 32)],
    ],
  };
}
