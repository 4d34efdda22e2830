import { CardPlan, cardText, formatBytes, formatDuration, formatPrice } from './card-text';

describe('card text', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 KB'],
    [1_500_000, '1.5 MB'],
    [1_000_000_000, '1 GB'],
    [5_368_709_120, '5.37 GB'],
    [250_000_000_000, '250 GB'],
    [3e15, '3000 TB'],
  ])('formats %d bytes as %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [5400, '1 h 30 min'],
    [3600, '1 h'],
    [86400, '1 day'],
    [30 * 86400, '30 days'],
    [86400 + 7200 + 60, '1 day 2 h'],
  ])('formats %d seconds as %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it.each<[string | number | null, string | null, string | null]>([
    [null, 'EUR', null],
    ['', 'EUR', null],
    ['5', 'EUR', '5.00 EUR'],
    [2.5, null, '2.50'],
    ['12.345', 'USD', '12.35 USD'],
  ])('formats the price %p %p', (price, currency, text) => expect(formatPrice(price, currency)).toBe(text));

  const plan: CardPlan = {
    name: 'Day pass',
    price: '3',
    currency: 'EUR',
    validitySeconds: 86400,
    validFrom: 'first_login',
    dataBytes: 1e9,
    timeSeconds: null,
    period: 'none',
  };

  it.each<[string, Partial<CardPlan>, Date | null, Partial<ReturnType<typeof cardText>>]>([
    [
      'validity from first login',
      {},
      null,
      { validity: '1 day from first login', data: '1 GB', time: 'Unlimited time online', price: '3.00 EUR' },
    ],
    [
      'validity from issue, with a use-by date',
      { validFrom: 'creation' },
      new Date('2027-01-31T00:00:00Z'),
      { validity: '1 day from issue, use by 2027-01-31' },
    ],
    ['no validity', { validitySeconds: null }, null, { validity: 'No time limit' }],
    [
      'periodic limits',
      { period: 'daily', timeSeconds: 7200, dataBytes: 5e8 },
      null,
      { data: '500 MB per day', time: '2 h online per day' },
    ],
    ['no data limit, no price', { dataBytes: null, price: null }, null, { data: 'Unlimited data', price: null }],
  ])('%s', (_n, over, expiresAt, expected) => {
    expect(cardText({ ...plan, ...over }, expiresAt)).toMatchObject(expected);
  });
});
