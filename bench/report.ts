import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ApiLatency } from './api-latency';
import { LoadResult, ProbeResult } from './traffic';
import { renderVoucherBench, VoucherBench } from './vouchers';

export interface PhaseResult {
  phase: string;
  load: LoadResult;
  cpu: Record<string, number>;
  /** End-to-end from the probe; `api`: inside the API over the same window (ours only). */
  probe?: ProbeResult & { api?: ApiLatency };
  check?: string;
}

export interface RunReport {
  date: string;
  cores: number;
  cpuModel: string;
  accounts: number;
  parallel: number;
  smoke: boolean;
  createRate: number;
  apiPeakRssMiB: number;
  ours: PhaseResult[];
  baseline?: PhaseResult[];
  vouchers?: VoucherBench;
  seconds: number;
}

const n = (v: number) => (isNaN(v) ? 'n/a' : v.toLocaleString('en-US'));

export function renderReport(r: RunReport): string {
  const out: string[] = [];
  out.push(
    `Run on ${r.date}: ${r.cores} cores (${r.cpuModel.trim()}), ${n(r.accounts)} accounts, radclient \`-p ${r.parallel}\` on the same machine` +
      `${r.smoke ? ' (smoke run)' : ''}; the whole run took ${r.seconds} s.`,
    '',
    '| phase | ours req/s | baseline req/s | ratio | ours lost | probe rate | ours p50 / p99 ms | inside our API p50 / p99 ms | baseline p50 / p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const o of r.ours) {
    const b = r.baseline?.find((x) => x.phase === o.phase);
    const ratio = b ? `**${(o.load.rate / b.load.rate).toFixed(2)}×**` : 'n/a';
    const lat = (p?: { p50: number; p99: number; count?: number }) => (!p ? '' : p.count === 0 ? 'not called' : `${p.p50} / ${p.p99}`);
    out.push(
      `| ${o.phase} | ${n(o.load.rate)} | ${b ? n(b.load.rate) : 'n/a'} | ${ratio} | ${o.load.lost + (o.probe?.lost ?? 0)} | ${o.probe ? `${n(o.probe.rate)}/s` : ''} | ${lat(o.probe)} | ${lat(o.probe?.api)} | ${lat(b?.probe)} |`,
    );
  }
  out.push('', `API peak RSS (VmHWM): ${r.apiPeakRssMiB} MiB. Accounts created through the admin API at ${n(r.createRate)}/s.`, '');
  out.push('CPU during each phase, % of one core (evidence for where the limit is):', '');
  const groups = ['freeradius', 'api', 'postgres', 'radclient'];
  out.push(
    `| phase | ${groups.map((g) => `ours ${g}`).join(' | ')} | ${groups
      .filter((g) => g !== 'api')
      .map((g) => `baseline ${g}`)
      .join(' | ')} |`,
  );
  out.push(
    `|---|${groups.map(() => '---:').join('|')}|${groups
      .filter((g) => g !== 'api')
      .map(() => '---:')
      .join('|')}|`,
  );
  for (const o of r.ours) {
    const b = r.baseline?.find((x) => x.phase === o.phase);
    const cells = groups.map((g) => `${o.cpu[g] ?? ''}`);
    const bcells = groups.filter((g) => g !== 'api').map((g) => `${b?.cpu[g] ?? ''}`);
    out.push(`| ${o.phase} | ${cells.join(' | ')} | ${bcells.join(' | ')} |`);
  }
  const checks = r.ours.filter((o) => o.check).map((o) => `${o.phase}: ${o.check}`);
  if (checks.length) out.push('', `Checked in PostgreSQL right after each accounting phase: ${checks.join('; ')}.`);
  if (r.vouchers) out.push('', renderVoucherBench(r.vouchers));
  return out.join('\n');
}

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, or appends it. */
export function updateDoc(path: string, name: string, body: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const block = `${open}\n${body.trim()}\n${close}`;
  const i = text.indexOf(open);
  const j = text.indexOf(close);
  const next = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + close.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
