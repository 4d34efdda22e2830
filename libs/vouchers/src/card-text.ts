/** Pure: the lines a printed voucher card shows, from a plan and a batch. Table-tested in card-text.spec.ts. */

/** What a card needs to know of a plan (the plan entity's fields, by value). */
export interface CardPlan {
  name: string;
  price: string | number | null;
  currency: string | null;
  validitySeconds: number | null;
  validFrom: 'first_login' | 'creation' | string;
  dataBytes: number | null;
  timeSeconds: number | null;
  period: string;
}

export interface CardText {
  plan: string;
  validity: string;
  data: string;
  time: string;
  price: string | null;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units, as operators sell them ("1 GB"), without trailing zeros. */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Number(v.toFixed(v < 10 && u > 0 ? 2 : 1))} ${UNITS[u]}`;
}

/** The largest units that say it exactly enough: "30 days", "1 h 30 min", "45 min". */
export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts: string[] = [];
  if (d) parts.push(d === 1 ? '1 day' : `${d} days`);
  if (h) parts.push(`${h} h`);
  if (m && !d) parts.push(`${m} min`);
  if (s && !d && !h) parts.push(`${s} s`);
  return parts.join(' ') || '0 s';
}

const PERIOD: Record<string, string> = { daily: ' per day', weekly: ' per week', monthly: ' per month', anniversary: ' per month' };

export function formatPrice(price: string | number | null, currency: string | null): string | null {
  if (price === null || price === undefined || price === '') return null;
  const n = Number(price);
  const amount = Number.isFinite(n) ? n.toFixed(2) : String(price);
  return currency ? `${amount} ${currency}` : amount;
}

/** `expiresAt` is the batch's own last day of use, which bounds the plan's validity. */
export function cardText(plan: CardPlan, expiresAt: Date | null): CardText {
  const per = PERIOD[plan.period] ?? '';
  let validity: string;
  if (plan.validitySeconds) {
    const span = formatDuration(plan.validitySeconds);
    validity = plan.validFrom === 'first_login' ? `${span} from first login` : `${span} from issue`;
  } else {
    validity = 'No time limit';
  }
  if (expiresAt) validity += `, use by ${expiresAt.toISOString().slice(0, 10)}`;
  return {
    plan: plan.name,
    validity,
    data: plan.dataBytes ? `${formatBytes(plan.dataBytes)}${per}` : 'Unlimited data',
    time: plan.timeSeconds ? `${formatDuration(plan.timeSeconds)} online${per}` : 'Unlimited time online',
    price: formatPrice(plan.price, plan.currency),
  };
}
