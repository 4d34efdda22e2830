import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const PG_EXCLUSION_VIOLATION = '23P01';

/** Postgres error code of a failed query, if it is one. */
export function pgCode(err: unknown): string | undefined {
  return err instanceof QueryFailedError ? (err.driverError as { code?: string })?.code : undefined;
}

/**
 * PostgreSQL refused the values themselves (SQLSTATE class 22, data exception: out of
 * range, invalid text; class 23, a constraint), as opposed to not answering or a
 * conflict that a retry resolves (class 08 connection, 40 rollback, 53/57 resources).
 * Sending the same values again can never succeed. Works on TypeORM's QueryFailedError
 * and on node-postgres errors from the hot path alike.
 */
export function isRefusedValue(err: unknown): boolean {
  const code = pgCode(err) ?? (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** Per-constraint messages, so a 409 says what clashed instead of leaking SQL. */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  uq_accounts_username: 'Username already exists',
  uq_accounts_static_ip: 'Static IP is already taken',
  uq_routers_nas_identifier: 'A router with this nasIdentifier already exists',
  uq_routers_nas_ip: 'A router with this nasIp already exists',
  uq_speed_profiles_name: 'A speed profile with this name already exists',
  uq_ip_pools_name: 'An IP pool with this name already exists',
  uq_ip6_pools_name: 'An IPv6 pool with this name already exists',
  ex_ip6_pools_overlap: 'prefix overlaps another IPv6 pool',
  ex_accounts_delegated_prefix: 'delegatedPrefix overlaps another account’s delegated prefix',
  ex_accounts_framed_ipv6_prefix: 'framedIpv6Prefix overlaps another account’s framed IPv6 prefix',
};

/** Maps constraint violations to 409/400; anything else is rethrown untouched. */
export function rethrowDbError(err: unknown, notFound = 'Referenced entity not found'): never {
  const code = pgCode(err);
  if (code === PG_UNIQUE_VIOLATION || code === PG_EXCLUSION_VIOLATION) {
    const constraint = (err as QueryFailedError & { driverError: { constraint?: string } }).driverError.constraint;
    throw new ConflictException(CONSTRAINT_MESSAGES[constraint ?? ''] ?? 'Conflicts with an existing record');
  }
  if (code === PG_FOREIGN_KEY_VIOLATION) throw new BadRequestException(notFound);
  throw err;
}

export function orNotFound<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new NotFoundException(`${what} not found`);
  return value;
}
