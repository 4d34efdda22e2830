import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AAA_EVENTS, AppConfig, AuthEventsService, CredentialVault, PortalMode, Router, RouterVendor } from '@app/aaa';

/** What the portal needs of a NAS, with the uam_secret already decrypted. */
export interface PortalRouter {
  id: string;
  nasIdentifier: string;
  vendor: RouterVendor;
  uamAddresses: string[];
  uamHostname: string | null;
  uamSecret: string | null;
  uamServer: string | null;
  uamPort: number | null;
  loginPath: string | null;
  venueName: string | null;
  termsText: string | null;
  logoUrl: string | null;
  portalMode: PortalMode;
}

const TTL_MS = 30_000;
const MAX_ENTRIES = 5_000;
/** An auth event this much older than the browser's attempt is still its answer (clocks of API and database differ a little). */
const CLOCK_SLACK_MS = 60_000;

/** DB lookups for the portal. Router rows are cached briefly: every captive redirect hits this. */
@Injectable()
export class PortalDirectory {
  private readonly cache = new Map<string, { value: PortalRouter | null; expires: number }>();

  constructor(
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly vault: CredentialVault,
    private readonly authEvents: AuthEventsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The router a link names; for a missing or unknown nasid the operator's
   * PORTAL_DEFAULT_NASID router, or none (the link is refused).
   */
  async routerFor(nasid: string | undefined): Promise<PortalRouter | null> {
    const named = await this.router(nasid);
    if (named) return named;
    return this.config.portalDefaultNasid ? this.router(this.config.portalDefaultNasid) : null;
  }

  async router(nasid: string | undefined): Promise<PortalRouter | null> {
    if (!nasid) return null;
    const hit = this.cache.get(nasid);
    if (hit && hit.expires > Date.now()) return hit.value;
    const row = await this.routers.findOne({ where: { nasIdentifier: nasid } });
    const value = row ? this.toPortalRouter(row) : null;
    // Unknown nasids are cached too (negative cache), but bounded so random ones cannot grow memory.
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(nasid, { value, expires: Date.now() + TTL_MS });
    return value;
  }

  @OnEvent(AAA_EVENTS.routerChanged)
  invalidate(): void {
    this.cache.clear();
  }

  /** The RADIUS decision on the login this browser just tried (username and router from its signed cookie). */
  async rejectReason(routerId: string, username: string, attemptAt: number): Promise<string | null> {
    const event = await this.authEvents.latest({ routerId, username }, new Date(attemptAt - CLOCK_SLACK_MS));
    return event && event.result !== 'accept' ? event.reason : null;
  }

  private toPortalRouter(r: Router): PortalRouter {
    return {
      id: r.id,
      nasIdentifier: r.nasIdentifier,
      vendor: r.vendor,
      uamAddresses: r.uamAddresses ?? [],
      uamHostname: r.uamHostname,
      uamSecret: r.uamSecretEnc ? this.vault.decrypt(r.uamSecretEnc) : null,
      uamServer: r.uamServer,
      uamPort: r.uamPort,
      loginPath: r.loginPath,
      venueName: r.venueName,
      termsText: r.termsText,
      logoUrl: r.logoUrl,
      portalMode: r.portalMode ?? 'password',
    };
  }
}
