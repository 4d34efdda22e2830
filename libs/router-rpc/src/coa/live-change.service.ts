import { HttpException, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig, AuditLog, CredentialVault, LiveAuthorization, Router, Session } from '@app/aaa';
import { DisconnectService } from '../disconnect/disconnect.service';
import { coaPlan } from './coa-attributes';
import { CoaClient, CoaTimeoutError } from './coa-client';

export type CoaReason = 'account' | 'speed-profile' | 'restriction' | 'reset' | 'limit' | 'manual';

export interface CoaJob {
  id: string;
  sessionId: string;
  changeId: string;
  reason: CoaReason;
  /** The change must take effect (a limit reached): what cannot be applied live is disconnected. */
  enforce: boolean;
  restriction: 'set' | 'lifted' | null;
}

/**
 * What became of one job. `ack`/`nak`/`timeout`: the CoA-Request's fate; `disconnected`: the
 * change could not be applied live and restricts (or enforces a limit), so the session was cut
 * and its next login gets the new state; `unsupported`: nothing this router can change live;
 * `skipped`: the session closed meanwhile; `failed`: the fallback disconnect failed too.
 */
export interface CoaOutcome {
  outcome: 'ack' | 'nak' | 'timeout' | 'disconnected' | 'unsupported' | 'skipped' | 'failed';
  errorCause?: string | null;
  detail?: string | null;
  sent?: [string, string | number][];
}

/**
 * Applies one live change to one open session: asks aaa what the session should have now
 * (LiveAuthorization: the login decision and reply builder), turns that into the CoA-Request
 * its router accepts (coa-attributes.ts), sends it, and falls back to a disconnect when a
 * restriction or a limit cannot be applied live (RFC 5176 NAK, no answer, or the vendor cannot
 * change it by CoA). Every other change that cannot be applied is only recorded.
 */
@Injectable()
export class LiveChangeService {
  private readonly log = new Logger(LiveChangeService.name);

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly live: LiveAuthorization,
    private readonly coa: CoaClient,
    private readonly vault: CredentialVault,
    private readonly config: AppConfig,
    private readonly disconnects: DisconnectService,
    private readonly audit: AuditLog,
  ) {}

  async apply(job: CoaJob): Promise<CoaOutcome> {
    const session = await this.sessions.findOneBy({ id: job.sessionId });
    if (!session || session.stoppedAt) return { outcome: 'skipped', detail: 'the session is closed' };
    const router = session.accountId ? await this.routers.findOneBy({ id: session.routerId }) : null;
    const live = router && session.accountId ? await this.live.forSession(session.accountId, router.vendor, session.startedAt) : null;
    if (!router || !live) return { outcome: 'skipped', detail: 'the session has no account or router any more' };
    if (live.result === 'reject') return this.cut(session.id, `a login would be rejected now (${live.reason})`);

    const plan = coaPlan(router.vendor, session, live.reply, live.restricted, job.restriction);
    const mustApply = job.enforce || job.restriction !== null;
    const notLive = plan.notLive.length ? `not live on ${router.vendor}: ${plan.notLive.join(', ')}` : null;
    if (notLive && mustApply) return this.cut(session.id, notLive);
    if (!plan.changes.length) return { outcome: 'unsupported', detail: notLive ?? 'nothing this router can change live', sent: [] };

    const target = { host: router.nasIp, port: router.coaPort, secret: this.vault.decrypt(router.radiusSecretEnc) };
    const sent = plan.changes;
    try {
      const result = await this.coa.coa(target, plan.attributes, this.config.rpcTimeoutMs);
      if (result.outcome === 'ack') return { outcome: 'ack', detail: notLive, sent };
      const errorCause = result.errorCause ?? null;
      if (mustApply) return this.cut(session.id, `CoA-NAK${errorCause ? ` (${errorCause})` : ''}`, errorCause, sent);
      return { outcome: 'nak', errorCause, detail: notLive, sent };
    } catch (err) {
      if (!(err instanceof CoaTimeoutError)) throw err;
      if (mustApply) return this.cut(session.id, `no CoA answer: ${err.message}`, null, sent);
      return { outcome: 'timeout', detail: err.message, sent };
    }
  }

  /** The fallback: the router could not take the change live, and it must take effect. */
  private async cut(sessionId: string, why: string, errorCause: string | null = null, sent?: CoaOutcome['sent']): Promise<CoaOutcome> {
    const change = { action: 'sessions.disconnect', targetType: 'session', targetId: sessionId, detail: `live change: ${why}` };
    try {
      await this.audit.system('automatic disconnect', change, () => this.disconnects.disconnect(sessionId));
      this.log.log(`session ${sessionId} disconnected instead of a live change: ${why}`);
      return { outcome: 'disconnected', errorCause, detail: why, sent };
    } catch (err) {
      if (err instanceof HttpException && err.getStatus() === 409) return { outcome: 'skipped', detail: 'the session is closed' };
      return { outcome: 'failed', errorCause, detail: `${why}; disconnect failed: ${(err as Error).message}`, sent };
    }
  }
}
