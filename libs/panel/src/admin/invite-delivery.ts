import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/aaa';

/**
 * The hook for sending invite links (a mailer, a CRM, a ticket): the admin API always
 * returns the link; when PANEL_INVITE_WEBHOOK is set, each new invite is also POSTed
 * there as JSON (`PanelInviteMessage`), and a 2xx means it was taken. The link is a
 * credential until used: point the hook at https or at a service on this host.
 * To deliver some other way, provide PANEL_INVITE_DELIVERY with your own `InviteDelivery`.
 */
export interface PanelInviteMessage {
  event: 'panel.invite';
  customerId: string;
  customerName: string;
  email: string;
  url: string;
  expiresAt: string;
}

export interface InviteDelivery {
  readonly method: 'none' | 'webhook';
  /** Resolves with an error text when the hook did not take it; never throws. */
  deliver(message: PanelInviteMessage): Promise<string | null>;
}

export const PANEL_INVITE_DELIVERY = Symbol('PANEL_INVITE_DELIVERY');
const TIMEOUT_MS = 5000;

@Injectable()
export class WebhookInviteDelivery implements InviteDelivery {
  private readonly log = new Logger('PanelInvite');
  private readonly url?: string;
  readonly method: 'none' | 'webhook';

  constructor(config: AppConfig) {
    this.url = config.panelInviteWebhook;
    this.method = this.url ? 'webhook' : 'none';
  }

  async deliver(message: PanelInviteMessage): Promise<string | null> {
    if (!this.url) return null;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
      await res.body?.cancel();
      if (res.ok) return null;
      return this.failed(`the webhook answered ${res.status}`, message);
    } catch (err) {
      const timeout = (err as Error)?.name === 'TimeoutError';
      return this.failed(
        timeout ? `the webhook did not answer within ${TIMEOUT_MS / 1000} s` : 'the webhook could not be reached',
        message,
      );
    }
  }

  /** Logged without the URL (it may hold a credential) or the link. */
  private failed(why: string, message: PanelInviteMessage): string {
    this.log.warn(`invite for customer ${message.customerId} not delivered: ${why}`);
    return why;
  }
}
