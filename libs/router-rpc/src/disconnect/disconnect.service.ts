import { BadGatewayException, ConflictException, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig, AuditLog, CredentialVault, Router, Session } from '@app/aaa';
import { RpcBus } from '../bus/rpc-bus';
import { CoaClient, CoaTimeoutError } from '../coa/coa-client';
import { disconnectAttributes } from './disconnect-attributes';
import { ClientRemoveParams, normalizeMac } from '../protocol/json-rpc';
import { RouterCallError, RouterOfflineError, RouterTimeoutError } from '../rpc-errors';

export interface DisconnectResult {
  sessionId: string;
  routerId: string;
  method: 'websocket' | 'coa';
  outcome: 'ack';
  stoppedAt: Date;
}

/**
 * Cuts one session at its router, then closes it in the database. Channel per router:
 * uspot with a live WebSocket (any instance) gets `client_remove`; everything else an
 * RFC 5176 Disconnect-Request to nasIp:coaPort. The row changes only after the router confirmed.
 */
@Injectable()
export class DisconnectService {
  private readonly log = new Logger(DisconnectService.name);

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly db: DataSource,
    private readonly bus: RpcBus,
    private readonly coa: CoaClient,
    private readonly vault: CredentialVault,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  async disconnect(sessionId: string): Promise<DisconnectResult> {
    const session = await this.sessions.findOneBy({ id: sessionId });
    if (!session) throw new NotFoundException('Session not found');
    if (session.stoppedAt) throw new ConflictException('Session is already stopped');
    const router = await this.routers.findOneBy({ id: session.routerId });
    if (!router) throw new NotFoundException('Router of the session not found');

    const mac = session.callingStationId ? normalizeMac(session.callingStationId) : null;
    const useSocket = router.vendor === 'uspot' && !!mac && this.bus.reachable(router);
    if (useSocket) await this.viaSocket(router, mac!);
    else await this.viaCoa(router, session);

    const stoppedAt = await this.close(session.id);
    const method = useSocket ? 'websocket' : 'coa';
    this.audit.describe({
      targetType: 'session',
      targetId: session.id,
      before: { stoppedAt: null, terminateCause: session.terminateCause },
      after: { stoppedAt, terminateCause: 'Admin-Reset', username: session.username, routerId: router.id, method },
    });
    this.log.log(`session ${session.id} disconnected via ${method}`);
    return { sessionId: session.id, routerId: router.id, method: useSocket ? 'websocket' : 'coa', outcome: 'ack', stoppedAt };
  }

  private async viaSocket(router: Router, mac: string): Promise<void> {
    const params: ClientRemoveParams = { uspot: router.uspotSection || 'captive', address: mac };
    try {
      await this.bus.call(router, 'client_remove', params, this.config.rpcTimeoutMs);
    } catch (err) {
      if (err instanceof RouterCallError) throw new BadGatewayException(`Router refused client_remove: ${err.message} (code ${err.code})`);
      if (err instanceof RouterOfflineError || err instanceof RouterTimeoutError) {
        throw new ServiceUnavailableException(`Router offline or unreachable: ${err.message}`);
      }
      throw err;
    }
  }

  private async viaCoa(router: Router, session: Session): Promise<void> {
    const attrs = disconnectAttributes(router.vendor, session);
    const target = { host: router.nasIp, port: router.coaPort, secret: this.vault.decrypt(router.radiusSecretEnc) };
    let result;
    try {
      result = await this.coa.disconnect(target, attrs, this.config.rpcTimeoutMs);
    } catch (err) {
      if (err instanceof CoaTimeoutError) throw new ServiceUnavailableException(`Router offline or unreachable: ${err.message}`);
      throw err;
    }
    if (result.outcome === 'nak') {
      const cause = result.errorCause ? ` (Error-Cause ${result.errorCause})` : '';
      const retry = result.retransmitted
        ? ' to a retransmission: an earlier try may have ended it, in which case the router’s Accounting-Stop closes the session'
        : '';
      throw new BadGatewayException(`Router answered Disconnect-NAK${cause}${retry}`);
    }
  }

  /**
   * Records the admin's disconnect once the router confirmed it. The session was open when the
   * request began (else 409), so a Stop already stored now arrived inside the RPC window. uspot's
   * `client_remove` sends its own Accounting-Stop with cause User-Request before it answers
   * (uspot.uc: radius_terminate(…, radtc_logout)); that Stop is the admin's doing, so its cause
   * becomes Admin-Reset. Any other cause (Idle-Timeout, Lost-Carrier, …) is the router's word
   * and stays, as does the router's stop time. Accounting keeps the first stop, so a Stop
   * arriving after this cannot undo it either.
   */
  private async close(sessionId: string): Promise<Date> {
    // Wrapped in a CTE because TypeORM returns [rows, count] for a bare UPDATE but plain rows for a SELECT.
    const rows: { stopped_at: Date }[] = await this.db.query(
      `WITH closed AS (
         UPDATE sessions SET stopped_at = COALESCE(stopped_at, now()), terminate_cause = 'Admin-Reset'
          WHERE id = $1 AND (stopped_at IS NULL OR terminate_cause = 'User-Request') RETURNING stopped_at
       ) SELECT stopped_at FROM closed`,
      [sessionId],
    );
    if (rows[0]) return rows[0].stopped_at;
    // The router stopped it for a reason of its own meanwhile: closed either way.
    const s = await this.sessions.findOneByOrFail({ id: sessionId });
    return s.stoppedAt ?? new Date();
  }
}
