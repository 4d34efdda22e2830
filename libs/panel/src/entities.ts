import { PanelInvite } from './admin/panel-invite.entity';
import { PanelSession } from './auth/panel-session.entity';
import { SignInFailure } from './auth/sign-in-failure.entity';
import { PanelLogin } from './credentials/panel-login.entity';

export const PANEL_ENTITIES = [PanelLogin, PanelSession, PanelInvite, SignInFailure];
export { PanelInvite, PanelLogin, PanelSession, SignInFailure };
