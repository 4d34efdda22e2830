import type { Lang } from './i18n';
import { messages } from './i18n';

/** Numbers, sizes and dates as the customer reads them, in their language and the operator's zone. Pure. */
export interface Formats {
  bytes(n: number): string;
  rate(kbps: number): string;
  percent(part: number, whole: number): string;
  dateTime(d: Date): string;
  day(isoDay: string): string;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function formats(lang: Lang, timeZone: string): Formats {
  const locale = messages(lang).locale;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return {
    // Decimal units, as ISPs sell data (1 GB = 10^9 bytes).
    bytes(n) {
      let value = Math.max(0, n);
      let unit = 0;
      while (value >= 1000 && unit < UNITS.length - 1) {
        value /= 1000;
        unit++;
      }
      return `${number.format(unit === 0 ? Math.round(value) : value)} ${UNITS[unit]}`;
    },
    rate(kbps) {
      return kbps >= 1000 ? `${number.format(kbps / 1000)} Mbit/s` : `${number.format(kbps)} kbit/s`;
    },
    percent(part, whole) {
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(whole > 0 ? part / whole : 0);
    },
    dateTime: (d) => dateTime.format(d),
    // A calendar day (already in the operator's zone): formatted as that date, not converted again.
    day: (isoDay) => day.format(new Date(`${isoDay}T00:00:00Z`)),
  };
}
