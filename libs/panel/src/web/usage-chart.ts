import type { DayUsage } from '../queries/customer-view.service';
import type { Formats } from './format';
import { html, SafeHtml } from './templates/html';

/**
 * Data per day as a bar chart in inline SVG, rendered here: no script, nothing fetched,
 * and within the CSP (geometry and colours are attributes, the stylesheet only adds
 * dark-mode colours by class). Each bar carries a <title> (the browser's tooltip) and the
 * whole chart a text description for screen readers. Pure.
 */
const W = 640;
const H = 220;
const LEFT = 64;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 28;

/** The smallest 1, 2 or 5 × 10^k at or above `max` (at least 1 kB, so an idle month still has a scale). */
export function niceCeiling(max: number): number {
  const floor = 1000;
  if (max <= floor) return floor;
  const exp = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * exp).find((v) => v >= max)!;
}

export interface ChartText {
  title: string;
  description: (total: string, peak: string, peakDay: string) => string;
  empty: string;
}

export function usageChart(days: DayUsage[], f: Formats, text: ChartText, id = 'usage'): SafeHtml {
  const max = niceCeiling(Math.max(0, ...days.map((d) => d.bytes)));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (bytes: number) => TOP + plotH - (bytes / max) * plotH;
  const total = days.reduce((sum, d) => sum + d.bytes, 0);
  const peak = days.reduce<DayUsage | undefined>((best, d) => (d.bytes > (best?.bytes ?? 0) ? d : best), undefined);
  const description = peak ? text.description(f.bytes(total), f.bytes(peak.bytes), f.day(peak.day)) : text.empty;
  const grid = [0, max / 2, max].map(
    (v) =>
      html`<line
          class="grid"
          x1="${LEFT}"
          x2="${W - RIGHT}"
          y1="${y(v).toFixed(1)}"
          y2="${y(v).toFixed(1)}"
          stroke="#c9d1d9"
          stroke-width="1"
        />
        <text class="axis" x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#545d66"
          >${f.bytes(v)}</text
        >`,
  );
  const bars = days.map((d, i) => {
    const x = LEFT + i * slot + (slot - barW) / 2;
    // Every seventh day, counted back from today, so the last label never crowds another.
    const label = (days.length - 1 - i) % 7 === 0;
    const h = plotH - (y(d.bytes) - TOP);
    return html`<g>
      <title>${f.day(d.day)}: ${f.bytes(d.bytes)}</title>
      ${
        d.bytes > 0
          ? html`<rect
              class="bar"
              x="${x.toFixed(1)}"
              y="${y(d.bytes).toFixed(1)}"
              width="${barW.toFixed(1)}"
              height="${Math.max(1, h).toFixed(1)}"
              fill="#0b62d6"
              data-day="${d.day}"
              data-bytes="${d.bytes}"
            />`
          : html`<rect
              class="bar-empty"
              x="${x.toFixed(1)}"
              y="${(TOP + plotH - 1).toFixed(1)}"
              width="${barW.toFixed(1)}"
              height="1"
              fill="#c9d1d9"
              data-day="${d.day}"
              data-bytes="0"
            />`
      }
      ${
        label
          ? html`<text
              class="axis"
              x="${(i === days.length - 1 ? x + barW : x + barW / 2).toFixed(1)}"
              y="${H - 8}"
              text-anchor="${i === days.length - 1 ? 'end' : 'middle'}"
              font-size="11"
              fill="#545d66"
              >${f.day(d.day)}</text
            >`
          : ''
      }
    </g>`;
  });
  return html`<svg
    class="chart"
    viewBox="0 0 ${W} ${H}"
    width="100%"
    role="img"
    aria-labelledby="${id}-title ${id}-desc"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${id}-title">${text.title}</title>
    <desc id="${id}-desc">${description}</desc>
    ${grid} ${bars}
  </svg>`;
}
