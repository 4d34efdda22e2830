import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../common/app-config';
import { PgNotifier } from '../../common/pg-notifier';
import { answerTtl, AnswerTtlInput } from './answer-ttl';
import { ControlChannel } from './control-channel';

const CHANNEL = 'aaa_account_changed';
/** A restarted FreeRADIUS has no epoch, so it caches nothing until it hears one. */
const HEARTBEAT_MS = 10_000;
/** While a control port does not answer (FreeRADIUS not started yet, or restarting). */
const RETRY_MS = 1_000;
/** FreeRADIUS matches usernames with `[^ ]+` and lowercases ASCII only. */
const CACHEABLE_NAME = /^[\x21-\x7e]{1,64}$/;

const newEpoch = () => randomBytes(8).toString('hex');

/**
 * Keeps the FreeRADIUS answer caches (mods-available/aaa_answer_cache) exact. Every
 * instance hears every account change through the same notifications as its own
 * account cache and tells every FreeRADIUS to drop that user's answers; a change to
 * shared data (speed profiles) or a gap in the notifications drops everything.
 * Each eviction is sent again after `answerCacheRepeatMs`, which outlasts a REST call
 * that was already in flight with an older answer. Answers are marked cacheable only
 * while every control port acknowledges.
 */
@Injectable()
export class AnswerCacheControl implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AnswerCacheControl.name);
  private readonly channels: ControlChannel[];
  private epoch = newEpoch();
  private listening = false;
  private readonly unreachable = new Set<ControlChannel>();
  private pending: string[] = [];
  private repeats: string[] = [];
  private flushScheduled = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly config: AppConfig,
    private readonly bus: PgNotifier,
  ) {
    const on = config.answerCacheTtl > 0;
    this.channels = on ? config.answerCacheControl.map((t) => new ControlChannel(t, config.radiusApiToken)) : [];
  }

  get enabled(): boolean {
    return this.channels.length > 0;
  }

  /** Seconds FreeRADIUS may replay this answer itself; 0 while evictions could not reach it. */
  ttl(input: Omit<AnswerTtlInput, 'maxTtl'>): number {
    if (!this.listening || this.unreachable.size > 0) return 0;
    return answerTtl({ ...input, maxTtl: this.config.answerCacheTtl });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.bus.onGap((listening) => {
      this.listening = listening;
      this.bump();
    });
    await this.bus.listen(CHANNEL, (payload) => this.onChange(payload));
    this.listening = true;
    // Changes made while this instance was not listening were evicted by nobody.
    this.bump();
    this.heartbeat();
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.channels) c.close();
  }

  /**
   * Sessions just stored. Answers cached for the device that started stay valid (its
   * own session never counts against it); any other device's start may have used the
   * last of max_sessions, so that user's answers go.
   */
  sessionsStarted(starts: { username: string; callingStationId: string | null }[]): void {
    if (!this.enabled) return;
    for (const s of starts) {
      const user = s.username.toLowerCase();
      if (!CACHEABLE_NAME.test(user)) continue;
      const start = `start ${user} ${s.callingStationId ?? ''}`;
      this.command(s.callingStationId && Buffer.byteLength(start) <= 253 ? start : `evict ${user}`);
    }
  }

  private onChange(payload: string): void {
    if (payload === '*') return this.bump();
    // `a:<id>:<username>`: the account row changed. Session changes carry no name.
    const name = /^a:[^:]+:(.+)$/.exec(payload)?.[1];
    if (name && CACHEABLE_NAME.test(name)) this.command(`evict ${name}`);
  }

  /** A new epoch makes every cached answer unreachable; the repeat is a fresh bump too. */
  private bump(): void {
    this.epoch = newEpoch();
    this.command(`epoch bump ${this.epoch}`, false);
    this.after(this.config.answerCacheRepeatMs, () => {
      this.epoch = newEpoch();
      this.command(`epoch bump ${this.epoch}`, false);
    });
  }

  private command(cmd: string, repeat = true): void {
    this.pending.push(cmd);
    if (repeat) {
      if (!this.repeats.length) {
        this.after(this.config.answerCacheRepeatMs, () => {
          const again = this.repeats;
          this.repeats = [];
          for (const c of again) this.command(c, false);
        });
      }
      this.repeats.push(cmd);
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    await Promise.all(this.channels.map((c) => this.deliver(c, batch)));
  }

  private async deliver(channel: ControlChannel, commands: string[]): Promise<void> {
    const where = `${channel.target.host}:${channel.target.port}`;
    if (await channel.send(commands)) {
      if (this.unreachable.delete(channel)) {
        this.log.log(`FreeRADIUS answer-cache control at ${where} answers again; dropping its cached answers`);
        this.bump();
      }
      return;
    }
    if (this.unreachable.has(channel)) return;
    this.unreachable.add(channel);
    // Normal while FreeRADIUS is not started yet; a problem if it is running.
    this.log.warn(`FreeRADIUS answer-cache control at ${where} does not answer: no answers are cached until it does`);
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private heartbeat(): void {
    this.after(this.unreachable.size ? RETRY_MS : HEARTBEAT_MS, () => {
      this.command(`epoch set ${this.epoch}`, false);
      this.heartbeat();
    });
  }
}
