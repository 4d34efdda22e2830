import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstanceId, RouterRpcOptions } from '../router-rpc.options';

/**
 * Persists online/offline and last_seen_at in the routers row, which GET /api/routers reads.
 * Writes per router are chained so a quick disconnect+reconnect cannot land out of order.
 */
@Injectable()
export class RouterPresence {
  private readonly log = new Logger(RouterPresence.name);
  private readonly chains = new Map<string, Promise<void>>();
  private readonly lastTouch = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly instance: InstanceId,
    private readonly options: RouterRpcOptions,
  ) {}

  online(routerId: string): Promise<void> {
    this.lastTouch.set(routerId, Date.now());
    return this.enqueue(routerId, 'UPDATE routers SET connected_instance = $2, last_seen_at = now() WHERE id = $1', [
      routerId,
      this.instance.value,
    ]);
  }

  /** Only clears the row if we still own it: another instance may have taken the router over. */
  offline(routerId: string): Promise<void> {
    this.lastTouch.delete(routerId);
    return this.enqueue(
      routerId,
      'UPDATE routers SET connected_instance = NULL, last_seen_at = now() WHERE id = $1 AND connected_instance = $2',
      [routerId, this.instance.value],
    );
  }

  /** Throttled: pongs arrive every heartbeat from every router. */
  touch(routerId: string): void {
    const now = Date.now();
    if (now - (this.lastTouch.get(routerId) ?? 0) < this.options.lastSeenThrottleMs) return;
    this.lastTouch.set(routerId, now);
    void this.enqueue(routerId, 'UPDATE routers SET last_seen_at = now() WHERE id = $1', [routerId]);
  }

  /** Shutdown: every router we held goes offline in one statement. */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
    await this.db
      .query('UPDATE routers SET connected_instance = NULL, last_seen_at = now() WHERE connected_instance = $1', [this.instance.value])
      .catch((err: Error) => this.log.warn(`could not release routers: ${err.message}`));
  }

  private enqueue(routerId: string, sql: string, params: unknown[]): Promise<void> {
    const prev = this.chains.get(routerId) ?? Promise.resolve();
    const next = prev
      .then(() => this.db.query(sql, params))
      .then(() => undefined)
      .catch((err: Error) => this.log.warn(`presence update for router ${routerId} failed: ${err.message}`));
    this.chains.set(routerId, next);
    void next.then(() => {
      if (this.chains.get(routerId) === next) this.chains.delete(routerId);
    });
    return next;
  }
}
