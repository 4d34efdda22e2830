import { Module } from '@nestjs/common';
import { AaaModule } from '@app/aaa';
import { LoginRateLimiter } from './login-rate-limiter';
import { PortalController } from './portal.controller';
import { PortalDirectory } from './portal-directory.service';
import { PORTAL_OPTIONS, portalOptionsFromEnv } from './portal-options';
import { PortalService } from './portal.service';
import { RequestViewer } from './request-viewer';

/** The captive-portal (UAM) login page: GET /portal, POST /portal/login, /portal/assets/*. */
@Module({
  imports: [AaaModule],
  controllers: [PortalController],
  providers: [
    // Read once at construction; the only env the portal touches (test/dev loopback switch).
    { provide: PORTAL_OPTIONS, useFactory: () => portalOptionsFromEnv(process.env) },
    LoginRateLimiter,
    PortalDirectory,
    PortalService,
    RequestViewer,
  ],
  exports: [PortalService],
})
export class PortalModule {}
