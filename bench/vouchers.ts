import { AdminClient } from './admin';

export interface VoucherBench {
  count: number;
  createSeconds: number;
  printSeconds: number;
  pdfMiB: number;
}

/**
 * Issue 14's number: one batch of `count` vouchers through the admin API (codes drawn,
 * sealed, bulk-inserted), then its printable cards (`cards.pdf`, 10 per page).
 */
export async function benchVouchers(admin: AdminClient, apiUrl: string, token: string, count: number): Promise<VoucherBench> {
  const plan = await admin.post<{ id: string }>('/api/plans', {
    name: 'Bench day pass',
    validitySeconds: 86400,
    validFrom: 'first_login',
    dataBytes: 1e9,
  });
  const t0 = Date.now();
  const batch = await admin.post<{ id: string; counts: { unused: number } }>('/api/voucher-batches', { planId: plan.id, count });
  const createSeconds = (Date.now() - t0) / 1000;
  if (batch.counts.unused !== count) throw new Error(`voucher batch has ${batch.counts.unused} unused vouchers, not ${count}`);
  const t1 = Date.now();
  const res = await fetch(`${apiUrl}/api/voucher-batches/${batch.id}/cards.pdf`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`cards.pdf: ${res.status}`);
  const pdf = Buffer.from(await res.arrayBuffer());
  const printSeconds = (Date.now() - t1) / 1000;
  return { count, createSeconds: round(createSeconds), printSeconds: round(printSeconds), pdfMiB: round(pdf.length / 2 ** 20) };
}

const round = (v: number) => Math.round(v * 10) / 10;

export function renderVoucherBench(v: VoucherBench): string {
  return (
    `Vouchers: a batch of ${v.count.toLocaleString('en-US')} created through the admin API in ${v.createSeconds} s ` +
    `(\`POST /api/voucher-batches\`: codes drawn, sealed, bulk-inserted), its cards printed in ${v.printSeconds} s ` +
    `(\`cards.pdf\`, ${Math.ceil(v.count / 10).toLocaleString('en-US')} pages, ${v.pdfMiB} MiB).`
  );
}
