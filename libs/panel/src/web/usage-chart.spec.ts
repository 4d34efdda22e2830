import { formats } from './format';
import { niceCeiling, usageChart } from './usage-chart';

const text = { title: 'Data per day', description: (t: string, p: string, d: string) => `${t}; peak ${p} on ${d}`, empty: 'Nothing' };
const f = formats('en', 'UTC');
const days = (values: number[]) => values.map((bytes, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, bytes }));

describe('usage chart (server-side SVG)', () => {
  it.each([
    [0, 1000],
    [999, 1000],
    [1001, 2000],
    [4_200_000, 5_000_000],
    [5_000_000, 5_000_000],
    [7_000_000_000, 10_000_000_000],
  ])('niceCeiling(%i) → %i', (max, expected) => expect(niceCeiling(max)).toBe(expected));

  it('draws one bar per day, scaled to a round maximum, with a tooltip and a description', () => {
    const svg = usageChart(days([0, 1_000_000_000, 500_000_000, ...Array(27).fill(0)]), f, text).value;
    expect(svg.match(/<rect\s+class="bar"/g)).toHaveLength(2);
    expect(svg.match(/<rect\s+class="bar-empty"/g)).toHaveLength(28);
    expect(svg).toContain('<title>2 Nov: 1 GB</title>');
    expect(svg).toContain('<desc id="usage-desc">1.5 GB; peak 1 GB on 2 Nov</desc>');
    // The 1 GB bar fills the plot (max 1 GB), the 0.5 GB one half of it.
    const heights = [...svg.matchAll(/class="bar"[^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[1] / heights[0]).toBeCloseTo(0.5, 2);
    expect(svg).not.toMatch(/<script|on\w+=|style=/);
  });

  it('says so when nothing was used', () => {
    expect(usageChart(days(Array(30).fill(0)), f, text).value).toContain('<desc id="usage-desc">Nothing</desc>');
  });

  it('escapes what it is given', () => {
    expect(usageChart(days([5]), f, { ...text, title: '<b>x</b>' }).value).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});
