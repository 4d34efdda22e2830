import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { HotAccountingUpdates1763900000000 } from './1763900000000-hot-accounting-updates';
import { AccountingBatchFunction1763900000001 } from './1763900000001-accounting-batch-function';
import { AccountChangeNotify1764000000000 } from './1764000000000-account-change-notify';
import { AccountingBatchLinear1764000000001 } from './1764000000001-accounting-batch-linear';
import { AnswerCacheSupport1764100000000 } from './1764100000000-answer-cache-support';
import { SessionsHistory1764200000000 } from './1764200000000-sessions-history';
import { CanonicalUsernames1764300000000 } from './1764300000000-canonical-usernames';
import { AccountingDeadLetters1764300000001 } from './1764300000001-accounting-dead-letters';
import { ReusedSessionIds1764300000002 } from './1764300000002-reused-session-ids';
import { RouterRequireMessageAuthenticator1764310000000 } from './1764310000000-router-require-message-authenticator';
import { PortalRouterBinding1764330000000 } from './1764330000000-portal-router-binding';
import { RouterRevokeNotify1764340000000 } from './1764340000000-router-revoke-notify';
import { Operators1764420000000 } from './1764420000000-operators';
import { AuditLog1764420000001 } from './1764420000001-audit-log';
import { CustomerPanel1764430000000 } from './1764430000000-customer-panel';
import { Plans1764500000000 } from './1764500000000-plans';
import { PlanUsage1764500000001 } from './1764500000001-plan-usage';
import { RouterPortalMode1764510000000 } from './1764510000000-router-portal-mode';
import { VoucherBatches1764510000001 } from './1764510000001-voucher-batches';
import { CoaAndThrottling1764520000000 } from './1764520000000-coa-and-throttling';
import { Ipv61764530000000 } from './1764530000000-ipv6';
import { PlanThrottle1764540000000 } from './1764540000000-plan-throttle';

/** Listed explicitly (no globs) so the same list works from ts-jest and from dist/. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  HotAccountingUpdates1763900000000,
  AccountingBatchFunction1763900000001,
  AccountChangeNotify1764000000000,
  AccountingBatchLinear1764000000001,
  AnswerCacheSupport1764100000000,
  SessionsHistory1764200000000,
  CanonicalUsernames1764300000000,
  AccountingDeadLetters1764300000001,
  ReusedSessionIds1764300000002,
  RouterRequireMessageAuthenticator1764310000000,
  PortalRouterBinding1764330000000,
  RouterRevokeNotify1764340000000,
  Operators1764420000000,
  AuditLog1764420000001,
  CustomerPanel1764430000000,
  Plans1764500000000,
  PlanUsage1764500000001,
  RouterPortalMode1764510000000,
  VoucherBatches1764510000001,
  CoaAndThrottling1764520000000,
  Ipv61764530000000,
  PlanThrottle1764540000000,
];
