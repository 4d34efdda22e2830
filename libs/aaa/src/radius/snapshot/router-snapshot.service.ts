import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { join } from 'node:path';
import { Repository } from 'typeorm';
import { AppConfig } from '../../common/app-config';
import { CredentialVault } from '../../common/credential-vault';
import { PgNotifier } from '../../common/pg-notifier';
import { AAA_EVENTS } from '../../events';
import { ROUTER_CHANGED_CHANNEL } from '../../routers/router-directory.service';
import { Router } from '../../routers/router.entity';
import { SNAPSHOT_DIR, writePrivateFileAtomic } from './private-file';
import { renderRouterSnapshot } from './router-snapshot';

export const ROUTER_SNAPSHOT_FILE = 'routers';
/** Backstop for changes no notification announced (plain SQL on the routers table). */
const REFRESH_MS = 60_000;

/**
 * Keeps DATA_DIR/radius-snapshot/routers equal to the routers table, so a FreeRADIUS
 * restarted while the API is down still knows every router (docs/ARCHITECTURE.md,
 * "Failure modes"). Rendered at boot, on every router change made through any instance
 * and every minute; written only when the content changed, and never replaced by
 * anything but a complete read: with the database down, the last good file stays.
 */
@Injectable()
export class RouterSnapshotWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RouterSnapshotWriter.name);
  private readonly dir: string;
  private written?: string;
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly vault: CredentialVault,
    private readonly bus: PgNotifier,
    config: AppConfig,
  ) {
    this.dir = join(config.dataDir, SNAPSHOT_DIR);
  }

  get path(): string {
    return join(this.dir, ROUTER_SNAPSHOT_FILE);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.render(true).catch((err: Error) => this.log.warn(`router snapshot not written at boot: ${err.message}`));
    await this.bus.listen(ROUTER_CHANGED_CHANNEL, () => this.schedule());
    this.timer = setInterval(() => this.schedule(), REFRESH_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  @OnEvent(AAA_EVENTS.routerChanged)
  onRouterChanged(): void {
    this.schedule();
  }

  /** Resolves once every change scheduled so far is on disk (or failed and was logged). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Coalesces bursts: at most one render runs, and one more follows if anything changed meanwhile. */
  private schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.render(false).catch((err: Error) => this.log.warn(`router snapshot not updated: ${err.message}`));
      } while (this.again);
    })().finally(() => (this.running = undefined));
  }

  private async render(boot: boolean): Promise<void> {
    const rows = await this.routers.find();
    const { content, skipped } = renderRouterSnapshot(
      rows.map((r) => ({
        ip: r.nasIp,
        id: r.id,
        vendor: r.vendor,
        requireMessageAuthenticator: r.requireMessageAuthenticator,
        secret: this.vault.decrypt(r.radiusSecretEnc),
      })),
    );
    for (const s of skipped) this.log.warn(`router ${s.id} left out of the FreeRADIUS snapshot: ${s.reason}`);
    if (boot) this.warnAboutBlastRadius(rows);
    if (content === this.written) return;
    await writePrivateFileAtomic(this.dir, ROUTER_SNAPSHOT_FILE, content);
    this.written = content;
  }

  private warnAboutBlastRadius(rows: Router[]): void {
    const open = rows.filter((r) => !r.requireMessageAuthenticator);
    if (!open.length) return;
    const names = open
      .slice(0, 5)
      .map((r) => r.name)
      .join(', ');
    this.log.warn(
      `${open.length} router(s) accept Access-Requests without Message-Authenticator (BlastRADIUS, CVE-2024-3596): ` +
        `${names}${open.length > 5 ? ', …' : ''}. Set requireMessageAuthenticator once each sends it.`,
    );
  }
}
