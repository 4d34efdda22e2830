import { AppConfig } from '@app/aaa';

/** Knobs the portal reads once at construction; test/dev only, never needed in production. */
export interface PortalOptions {
  /** PORTAL_ALLOW_LOOPBACK_UAMIP=1: accept uamip 127.x so tests can run a fake router on loopback. */
  allowLoopbackUamip: boolean;
}

export const PORTAL_OPTIONS = Symbol('PORTAL_OPTIONS');

export function portalOptionsFrom(config: AppConfig): PortalOptions {
  return { allowLoopbackUamip: config.portalAllowLoopbackUamip };
}
