import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who did something. `bootstrap` is ADMIN_TOKEN; `anonymous` a request whose token was not
 * recognised; `customer` a customer acting on their own accounts (the customer panel).
 */
export interface AuditActor {
  type: 'operator' | 'bootstrap' | 'system' | 'anonymous' | 'customer';
  operatorId: string | null;
  customerId?: string | null;
  /** The operator's name at the time (entries outlive operators), or what the system part is called. */
  name: string | null;
  tokenId: string | null;
  tokenPrefix: string | null;
}

/** What a write changed, as the service that made it describes it. */
export interface AuditChange {
  /**
   * `<area>.<verb>`: `accounts.update`, `sessions.disconnect`. Admin routes get theirs from
   * the route (its OpenAPI tag and handler); system work names its own.
   */
  action?: string;
  targetType?: string;
  targetId?: string | null;
  /** Views of the record before and after (null or absent for a create or a delete); only changed fields are kept. */
  before?: object | null;
  after?: object | null;
  /** Secret fields that changed but that no view shows (a new password): logged as redacted. */
  secrets?: string[];
  detail?: string;
}

/** One write in progress: a request through the admin API, or a piece of system work. */
export interface AuditScope {
  actor: AuditActor;
  sourceIp: string | null;
  method: string | null;
  path: string | null;
  change?: AuditChange;
}

/**
 * The write in progress, for the services it calls: they describe what they change
 * (`AuditLog.describe`) without every signature carrying the request.
 */
export const auditScope = new AsyncLocalStorage<AuditScope>();

export const SYSTEM_ACTOR = (name: string): AuditActor => ({ type: 'system', operatorId: null, name, tokenId: null, tokenPrefix: null });
