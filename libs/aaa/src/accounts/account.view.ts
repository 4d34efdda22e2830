import { Account } from './account.entity';
import { AccountView } from './account.dto';

/** Everything except the sealed password and NT hash, which never leave the service. */
export function toAccountView(a: Account): AccountView {
  return {
    id: a.id,
    customerId: a.customerId,
    username: a.username,
    kind: a.kind,
    group: a.group,
    status: a.status,
    speedProfileId: a.speedProfileId,
    throttleProfileId: a.throttleProfileId,
    planId: a.planId,
    firstLoginAt: a.firstLoginAt,
    ipPoolId: a.ipPoolId,
    staticIp: a.staticIp,
    ip6PoolId: a.ip6PoolId,
    delegatedPrefix: a.delegatedPrefix,
    framedIp6PoolId: a.framedIp6PoolId,
    framedIpv6Prefix: a.framedIpv6Prefix,
    expiresAt: a.expiresAt,
    quotaBytes: a.quotaBytes,
    usedBytes: a.usedBytes,
    maxSessions: a.maxSessions,
    panelAllowlist: a.panelAllowlist,
    restrictions: a.restrictions,
    notes: a.notes,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
