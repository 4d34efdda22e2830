import { Module } from '@nestjs/common';
import { AaaModule, AppConfig, RequestViewer } from '@app/aaa';
import { LoginRateLimiter } from './login-rate-limiter';
import { PortalController } from './portal.controller';
import { PortalDirectory } from './portal-directory.service';
import { PORTAL_OPTIONS, portalOptionsFrom } from './portal-options';
import { PortalService } from './portal.service';

/** The captive-portal (UAM) login page: GET /portal, POST /portal/login, /portal/assets/*. */
@Module({
  imports: [AaaModule],
  controllers: [PortalController],
  providers: [
    // The test/dev loopback switch (PORTAL_ALLOW_LOOPBACK_UAMIP), from the validated config.
    { provide: PORTAL_OPTIONS, useFactory: portalOptionsFrom, inject: [AppConfig] },
    LoginRateLimiter,
    PortalDirectory,
    PortalService,
    RequestViewer,
  ],
  exports: [PortalService],
})
export class PortalModule {}
