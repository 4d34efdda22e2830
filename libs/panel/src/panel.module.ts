import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AaaModule, RequestViewer } from '@app/aaa';
import { RouterRpcModule } from '@app/router-rpc';
import { PanelAccessService } from './admin/panel-access.service';
import { PanelAdminController } from './admin/panel-admin.controller';
import { PANEL_INVITE_DELIVERY, WebhookInviteDelivery } from './admin/invite-delivery';
import { AuditLogPanelAudit, PANEL_AUDIT } from './audit/panel-audit';
import { PanelSessions } from './auth/panel-sessions.service';
import { SignInLockout } from './auth/sign-in-lockout.service';
import { SignInService } from './auth/sign-in.service';
import { PasswordHasher } from './credentials/password-hasher';
import { DeviceActions } from './devices/device-actions.service';
import { PANEL_ENTITIES } from './entities';
import { PanelJanitor } from './panel-janitor';
import { CustomerView } from './queries/customer-view.service';
import { AccountWeb } from './web/account-web.service';
import { AuthWeb, PanelAddressLimiter } from './web/auth-web.service';
import { PanelController } from './web/panel.controller';
import { PanelGate } from './web/panel-gate.service';

/** The customer panel at /panel, and the admin API for panel sign-ins (api/customers/:id/panel…). */
@Module({
  imports: [AaaModule, RouterRpcModule, TypeOrmModule.forFeature(PANEL_ENTITIES)],
  controllers: [PanelController, PanelAdminController],
  providers: [
    // The audit hook: every panel action in the append-only audit log, the customer as actor.
    { provide: PANEL_AUDIT, useClass: AuditLogPanelAudit },
    // The invite hook: PANEL_INVITE_WEBHOOK, or provide your own InviteDelivery here.
    { provide: PANEL_INVITE_DELIVERY, useClass: WebhookInviteDelivery },
    RequestViewer,
    PasswordHasher,
    PanelSessions,
    SignInLockout,
    SignInService,
    PanelAccessService,
    CustomerView,
    DeviceActions,
    PanelGate,
    PanelAddressLimiter,
    AuthWeb,
    AccountWeb,
    PanelJanitor,
  ],
})
export class PanelModule {}
