import { BadRequestException } from '@nestjs/common';
import { isIpAddress } from '../common/ip';
import { isStorableText } from '../common/text';

/**
 * Query parameters of the rlm_rest calls, checked by hand: one isIpAddress() per packet
 * instead of a class-transformer and class-validator round (they showed in profiles).
 */
export type RawQuery = Record<string, unknown>;

export function ipParam(q: RawQuery, name: 'nas' | 'ip'): string {
  const value = q[name];
  if (!isIpAddress(value)) {
    throw new BadRequestException(name === 'nas' ? 'nas must be the IP address of the NAS' : 'ip must be an IP address');
  }
  return value;
}

export interface PostAuthParams {
  nas: string;
  result: 'accept' | 'reject';
  /** control:Aaa-Auth-Reason from authorize. */
  reason?: string;
}

export function postAuthParams(q: RawQuery): PostAuthParams {
  const nas = ipParam(q, 'nas');
  if (q.result !== 'accept' && q.result !== 'reject') throw new BadRequestException('result must be one of: accept, reject');
  const reason = q.reason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 200 || !isStorableText(reason))) {
    throw new BadRequestException('reason must be text of at most 200 characters');
  }
  return { nas, result: q.result, reason: reason || undefined };
}
