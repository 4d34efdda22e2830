import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/app-config';
import { generateToken, secretMatcher, sha256Hex } from '../common/tokens';
import type { AuditActor } from '../audit/audit-context';
import { OperatorRole } from './roles';
import { TokenDirectory } from './token-directory.service';

/** Whoever a request's token says it is: an operator, or the bootstrap owner (ADMIN_TOKEN). */
export interface Principal extends AuditActor {
  type: 'operator' | 'bootstrap';
  role: OperatorRole;
}

export type RefusedReason = 'missing' | 'unknown' | 'revoked' | 'expired';
export type Identity = { principal: Principal } | { refused: RefusedReason; tokenPrefix: string | null };

/**
 * Personal tokens look like `rbo_` + 43 URL-safe characters (32 random bytes): a
 * recognisable shape for secret scanners, and a prefix (`rbo_` + 8) that identifies a
 * token in lists and in the audit log without being usable.
 */
const PERSONAL_TOKEN = /^rbo_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12;

export function newPersonalToken(): { token: string; prefix: string; hash: string } {
  const token = `rbo_${generateToken(32)}`;
  return { token, prefix: token.slice(0, PREFIX_LENGTH), hash: sha256Hex(token) };
}

/** The prefix the audit log may show for a presented token: only for the personal token shape, never a part of another secret. */
export function tokenPrefixOf(token: string | undefined): string | null {
  return token && PERSONAL_TOKEN.test(token) ? token.slice(0, PREFIX_LENGTH) : null;
}

export const BOOTSTRAP_PRINCIPAL: Principal = {
  type: 'bootstrap',
  role: 'owner',
  operatorId: null,
  name: 'ADMIN_TOKEN',
  tokenId: null,
  tokenPrefix: null,
};

/** Says who a bearer token belongs to. No side effects beyond the token cache: the guard counts and throttles. */
@Injectable()
export class OperatorAuth {
  private readonly isBootstrap: (token: string | undefined) => boolean;

  constructor(
    config: AppConfig,
    private readonly tokens: TokenDirectory,
  ) {
    this.isBootstrap = config.adminToken ? secretMatcher(config.adminToken) : () => false;
  }

  async identify(token: string | undefined): Promise<Identity> {
    if (!token) return { refused: 'missing', tokenPrefix: null };
    if (this.isBootstrap(token)) return { principal: BOOTSTRAP_PRINCIPAL };
    // Anything else that is not shaped like a personal token cannot be one: no lookup.
    if (!PERSONAL_TOKEN.test(token)) return { refused: 'unknown', tokenPrefix: null };
    const found = await this.tokens.lookup(sha256Hex(token));
    if ('refused' in found) return { refused: found.refused, tokenPrefix: tokenPrefixOf(token) };
    const t = found.active;
    return {
      principal: {
        type: 'operator',
        role: t.role,
        operatorId: t.operatorId,
        name: t.operatorName,
        tokenId: t.tokenId,
        tokenPrefix: t.prefix,
      },
    };
  }
}
