import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CredentialVault } from '../common/credential-vault';
import { PgNotifier } from '../common/pg-notifier';
import { AAA_EVENTS } from '../events';
import { Router } from './router.entity';

const TTL_MS = 30_000;
/** Any instance changed a router (payload empty). */
export const ROUTER_CHANGED_CHANNEL = 'aaa_router_changed';
const CHANNEL = ROUTER_CHANGED_CHANNEL;

/**
 * Routers by NAS source IP, read on every RADIUS request, so cached. A change on
 * any API instance clears every instance's cache through LISTEN/NOTIFY; the TTL
 * covers a missed notification.
 */
@Injectable()
export class RouterDirectory implements OnApplicationBootstrap {
  private readonly byIp = new Map<string, { router: Router | null; at: number }>();

  constructor(
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly vault: CredentialVault,
    private readonly bus: PgNotifier,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.listen(CHANNEL, () => this.byIp.clear());
  }

  async findByIp(ip: string): Promise<Router | null> {
    const hit = this.byIp.get(ip);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.router;
    try {
      const router = await this.routers.createQueryBuilder('r').where('r.nas_ip = :ip::inet', { ip }).getOne();
      this.byIp.set(ip, { router, at: Date.now() });
      return router;
    } catch (err) {
      // With the database down, a router we knew a moment ago is still that router:
      // admins' fail-safe logins and accounting spooling depend on it.
      if (hit) return hit.router;
      throw err;
    }
  }

  findByNasIdentifier(nasIdentifier: string): Promise<Router | null> {
    return this.routers.findOneBy({ nasIdentifier });
  }

  radiusSecret(router: Router): string {
    return this.vault.decrypt(router.radiusSecretEnc);
  }

  @OnEvent(AAA_EVENTS.routerChanged)
  onChanged(): void {
    this.byIp.clear();
    void this.bus.notify(CHANNEL, '').catch(() => undefined);
  }
}
