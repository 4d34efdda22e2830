export * from './panel.module';
export * from './entities';
export * from './audit/panel-audit';
export * from './admin/invite-delivery';
export { PasswordHasher } from './credentials/password-hasher';
export { PanelAddressLimiter } from './web/auth-web.service';
export { PanelJanitor } from './panel-janitor';
