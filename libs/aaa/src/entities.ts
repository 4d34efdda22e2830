import { Account } from './accounts/account.entity';
import { AuthEvent } from './auth-events/auth-event.entity';
import { Customer } from './customers/customer.entity';
import { AccountingDeadLetter } from './dead-letters/dead-letter.entity';
import { IpPool } from './ip-pools/ip-pool.entity';
import { Ip6Pool } from './ip6-pools/ip6-pool.entity';
import { Plan } from './plans/plan.entity';
import { Operator, OperatorToken } from './operators/operator.entity';
import { Router } from './routers/router.entity';
import { Session } from './sessions/session.entity';
import { SpeedProfile } from './speed-profiles/speed-profile.entity';

export const AAA_ENTITIES = [
  Customer,
  Account,
  SpeedProfile,
  Plan,
  IpPool,
  Ip6Pool,
  Router,
  Session,
  AuthEvent,
  AccountingDeadLetter,
  Operator,
  OperatorToken,
];
