import request from 'supertest';
import { RADIUS_TOKEN } from './test-app';

/** Encodes attributes the way rlm_rest's `body = json` does. */
export function rlmBody(attrs: Record<string, string | number>): Record<string, { type: string; value: (string | number)[] }> {
  const out: Record<string, { type: string; value: (string | number)[] }> = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = { type: typeof v === 'number' ? 'integer' : 'string', value: [v] };
  return out;
}

export function radiusCall(baseUrl: string, path: string, nas: string, attrs: Record<string, string | number>, extraQuery = '') {
  return request(baseUrl).post(`/radius/${path}?nas=${nas}${extraQuery}`).set('x-radius-token', RADIUS_TOKEN).send(rlmBody(attrs));
}
