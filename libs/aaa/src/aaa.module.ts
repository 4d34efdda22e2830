import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { AuthEventsController } from './auth-events/auth-events.controller';
import { AuthEventsService } from './auth-events/auth-events.service';
import { AuditLogController } from './audit/audit-log.controller';
import { AuditLog } from './audit/audit-log.service';
import { AuditQueryService } from './audit/audit-query.service';
import { AuditRetention } from './audit/audit-retention';
import { AuditInterceptor } from './audit/audit.interceptor';
import { RejectedWrites } from './audit/rejected-writes';
import { RadiusGuard } from './common/auth.guards';
import { Clock } from './common/clock';
import { CredentialVault } from './common/credential-vault';
import { PgNotifier } from './common/pg-notifier';
import { CustomersController } from './customers/customers.controller';
import { CustomersService } from './customers/customers.service';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { DeadLetterRetention } from './dead-letters/dead-letter-retention';
import { AAA_ENTITIES } from './entities';
import { IpPoolsController } from './ip-pools/ip-pools.controller';
import { IpPoolsService } from './ip-pools/ip-pools.service';
import { Ip6PoolsController } from './ip6-pools/ip6-pools.controller';
import { Ip6PoolsService } from './ip6-pools/ip6-pools.service';
import { OperatorAuth } from './operators/operator-auth';
import { OperatorGuard } from './operators/operator.guard';
import { OperatorTokensService } from './operators/operator-tokens.service';
import { OperatorsController, WhoAmIController } from './operators/operators.controller';
import { OperatorsService } from './operators/operators.service';
import { TokenDirectory } from './operators/token-directory.service';
import { RoutersController } from './routers/routers.controller';
import { RoutersService } from './routers/routers.service';
import { LiveAuthorization } from './radius/live-authorization';
import { AccountLookup } from './radius/account-lookup';
import { AdminFailsafe } from './radius/admin-failsafe/admin-failsafe.service';
import { AnswerCacheControl } from './radius/answer-cache/answer-cache-control.service';
import { AccountingService } from './radius/accounting.service';
import { AuthorizeService } from './radius/authorize.service';
import { RadiusController } from './radius/radius.controller';
import { RadiusEndpoints } from './radius/radius-endpoints.service';
import { RadiusListener } from './radius/radius-listener';
import { RouterSnapshotWriter } from './radius/snapshot/router-snapshot.service';
import { RouterDirectory } from './routers/router-directory.service';
import { SessionsController } from './sessions/sessions.controller';
import { StaleSessionReaper } from './sessions/stale-session.reaper';
import { SessionArchiver } from './sessions/session-archiver';
import { SessionsQueryService } from './sessions/sessions.query.service';
import { PlansController } from './plans/plans.controller';
import { PeriodResetAnnouncer } from './plans/period-reset.announcer';
import { PlanLimitListener } from './plans/plan-limit.listener';
import { PlansService } from './plans/plans.service';
import { VoucherCodeMask } from './accounts/voucher-code-mask';
import { UsageController } from './plans/usage.controller';
import { UsageService } from './plans/usage.service';
import { SpeedProfilesController } from './speed-profiles/speed-profiles.controller';
import { SpeedProfilesService } from './speed-profiles/speed-profiles.service';

/** The core: customers, accounts, pools, routers, sessions, the RADIUS decisions, and who may change them (operators, audit log). */
@Module({
  imports: [TypeOrmModule.forFeature(AAA_ENTITIES)],
  controllers: [
    CustomersController,
    AccountsController,
    SpeedProfilesController,
    PlansController,
    UsageController,
    IpPoolsController,
    Ip6PoolsController,
    RoutersController,
    SessionsController,
    AuthEventsController,
    DeadLettersController,
    OperatorsController,
    WhoAmIController,
    AuditLogController,
    RadiusController,
  ],
  providers: [
    Clock,
    CredentialVault,
    PgNotifier,
    RadiusGuard,
    AuditLog,
    AuditQueryService,
    AuditRetention,
    AuditInterceptor,
    RejectedWrites,
    TokenDirectory,
    OperatorAuth,
    OperatorGuard,
    OperatorsService,
    OperatorTokensService,
    CustomersService,
    AccountsService,
    SpeedProfilesService,
    PlansService,
    UsageService,
    PlanLimitListener,
    VoucherCodeMask,
    PeriodResetAnnouncer,
    IpPoolsService,
    Ip6PoolsService,
    RoutersService,
    SessionsQueryService,
    AuthEventsService,
    DeadLettersService,
    DeadLetterRetention,
    RouterDirectory,
    AccountLookup,
    LiveAuthorization,
    AdminFailsafe,
    AnswerCacheControl,
    RadiusEndpoints,
    RadiusListener,
    RouterSnapshotWriter,
    AuthorizeService,
    AccountingService,
    StaleSessionReaper,
    SessionArchiver,
  ],
  exports: [
    TypeOrmModule,
    // The customer panel changes a device password exactly as the admin API does (evictions awaited).
    AccountsService,
    // Voucher revocation waits for FreeRADIUS to forget the vouchers, as account writes do.
    AnswerCacheControl,
    Clock,
    CredentialVault,
    PgNotifier,
    AuditLog,
    AuditInterceptor,
    RejectedWrites,
    OperatorAuth,
    OperatorGuard,
    AuthEventsService,
    RoutersService,
    RouterDirectory,
    SessionsQueryService,
    RadiusListener,
    // router-rpc asks what an open session should have now (live changes by CoA).
    LiveAuthorization,
  ],
})
export class AaaModule {}
