import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Tunables of the router channel. Mutable on purpose: AppConfig has no fields for them and
 * e2e tests shorten them through `app.get(RouterRpcOptions)`; each new socket reads them.
 */
@Injectable()
export class RouterRpcOptions {
  /** Ping every router this often; one missed pong terminates the socket. */
  heartbeatMs = 15_000;
  /** Write routers.last_seen_at at most this often per router (pongs and messages are frequent). */
  lastSeenThrottleMs = 30_000;
  /**
   * Check every local socket's token against the database this often: the backstop for a
   * revocation notification lost while the notification connection was down.
   */
  revalidateMs = 15_000;
  /** Largest accepted frame; router messages are tiny. */
  maxPayloadBytes = 64 * 1024;
}

/**
 * Identifies this app instance in routers.connected_instance and on the bus. One per app
 * (not per process) so two instances in one test process stay distinct.
 */
@Injectable()
export class InstanceId {
  readonly value = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
