import { ValueTransformer } from 'typeorm';

/**
 * pg returns bigint as string to avoid precision loss. Byte counters stay far below
 * 2^53 (9 PB), so numbers are safe and friendlier in JSON.
 */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? v : Number(v)),
};
