/**
 * The API's own latency per rlm_rest call, from its Prometheus histogram
 * (radius_api_request_duration_seconds): scraped before and after a probe, the
 * bucket deltas give that window's distribution, and the quantiles are
 * interpolated inside buckets the way PromQL's histogram_quantile() does.
 */
export type Buckets = Map<number, number>;

export async function scrapeBuckets(apiUrl: string, path: string): Promise<Buckets> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const out: Buckets = new Map();
  const re = /^radius_api_request_duration_seconds_bucket\{([^}]*)\} (\d+)/gm;
  for (const m of text.matchAll(re)) {
    const labels = m[1];
    if (!labels.includes(`path="${path}"`)) continue;
    const le = /le="([^"]+)"/.exec(labels)![1];
    out.set(le === '+Inf' ? Infinity : Number(le), Number(m[2]));
  }
  return out;
}

export interface ApiLatency {
  count: number;
  p50: number;
  p99: number;
}

/** Quantiles in ms of the calls observed between two scrapes. */
export function latencyBetween(before: Buckets, after: Buckets): ApiLatency {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cumulative = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const count = cumulative[cumulative.length - 1] ?? 0;
  const quantile = (q: number) => {
    const rank = q * count;
    const i = cumulative.findIndex((c) => c >= rank);
    if (i < 0 || count === 0) return NaN;
    if (bounds[i] === Infinity) return bounds[i - 1] * 1000;
    const lower = i === 0 ? 0 : bounds[i - 1];
    const below = i === 0 ? 0 : cumulative[i - 1];
    const inBucket = cumulative[i] - below;
    const ms = (lower + (bounds[i] - lower) * (inBucket ? (rank - below) / inBucket : 1)) * 1000;
    return Math.round(ms * 100) / 100;
  };
  return { count, p50: quantile(0.5), p99: quantile(0.99) };
}
