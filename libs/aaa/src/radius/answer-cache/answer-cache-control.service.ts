import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../common/app-config';
import { Clock } from '../../common/clock';
import { PgNotifier } from '../../common/pg-notifier';
import { ACCOUNT_CHANGED_CHANNEL } from '../account-lookup';
import { ROUTER_CHANGED_CHANNEL } from '../../routers/router-directory.service';
import { answerTtl, AnswerTtlInput } from './answer-ttl';
import { ControlChannel } from './control-channel';

/** FreeRADIUS keeps an epoch 30 s: without this heartbeat it stops answering from memory. */
const HEARTBEAT_MS = 10_000;
/** While a control port does not answer (FreeRADIUS not started yet, or restarting). */
const RETRY_MS = 1_000;
/** FreeRADIUS matches usernames with `[^ ]+` and lowercases ASCII only. */
const CACHEABLE_NAME = /^[\x21-\x7e]{1,64}$/;
const PRINTABLE = /^[\x20-\x7e]{1,64}$/;

interface Command {
  text: string;
  /** Sent once more after `answerCacheRepeatMs`. */
  repeat: boolean;
}

/**
 * Keeps the FreeRADIUS answer caches (mods-available/aaa_answer_cache) exact. Every
 * instance hears every change through the same notifications as its own account
 * cache and tells every FreeRADIUS in `answerCacheControl`: an account row changed
 * (`a:<id>:<user>`) drops that user's answers, a session opened (`s:<id>\t<device>\t<user>`)
 * drops them unless they are for that device, and shared data (speed profiles,
 * routers) or a gap in the notifications drops everything. Each eviction is sent again
 * after `answerCacheRepeatMs`, which outlasts a REST call already in flight with an
 * older answer. Answers are marked cacheable only while every control port acknowledges.
 */
@Injectable()
export class AnswerCacheControl implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AnswerCacheControl.name);
  private readonly channels: ControlChannel[];
  private listening = false;
  private readonly unreachable = new Set<ControlChannel>();
  private pending: Command[] = [];
  private flushScheduled = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deliveries = new Set<Promise<unknown>>();
  private repeatsDue = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly bus: PgNotifier,
    private readonly clock: Clock,
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
    await this.bus.listen(ACCOUNT_CHANGED_CHANNEL, (payload) => this.onAccountChange(payload));
    // The vendor decides which reply attributes an answer carries.
    await this.bus.listen(ROUTER_CHANGED_CHANNEL, () => this.bump());
    this.listening = true;
    // Changes made while this instance was not listening were evicted by nobody.
    this.bump();
    this.heartbeat();
  }

  /**
   * Resolves once every command queued so far, and its repeat, has been sent to every
   * control port (or given up on). Lets a caller that knows a notification arrived wait
   * for its eviction without guessing how long that takes.
   */
  async settled(): Promise<void> {
    while (this.flushScheduled || this.deliveries.size || this.repeatsDue) await new Promise((r) => setTimeout(r, 10));
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.repeatsDue = 0;
    for (const c of this.channels) c.close();
  }

  private onAccountChange(payload: string): void {
    if (payload === '*') return this.bump();
    const named = /^a:[^:]+:(.+)$/.exec(payload);
    if (named) return this.evict(named[1]);
    // A session opened: another device may have used the last of max_sessions; the
    // device's own session never counts against it.
    const opened = /^s:[^\t]+\t([^\t]*)\t(.+)$/.exec(payload);
    if (!opened) return;
    const [, device, user] = opened;
    if (!CACHEABLE_NAME.test(user)) return;
    const start = `start ${user} ${device}`;
    if (PRINTABLE.test(device) && device.trim() === device && Buffer.byteLength(start) <= 253) this.command(start);
    else this.evict(user);
  }

  private evict(user: string): void {
    if (CACHEABLE_NAME.test(user)) this.command(`evict ${user}`);
  }

  /** A new epoch makes every cached answer unreachable; the repeat is a fresh bump too. */
  private bump(): void {
    this.command(`epoch bump ${this.newEpoch()}`, false);
    this.repeat(() => this.command(`epoch bump ${this.newEpoch()}`, false));
  }

  /** `<unix seconds>-<random>`: FreeRADIUS takes only values made within a minute of its clock. */
  private newEpoch(): string {
    return `${Math.floor(this.clock.now().getTime() / 1000)}-${randomBytes(8).toString('hex')}`;
  }

  private heartbeat(): void {
    this.after(this.unreachable.size ? RETRY_MS : HEARTBEAT_MS, () => {
      this.command(`epoch set ${this.newEpoch()}`, false);
      this.heartbeat();
    });
  }

  private command(text: string, repeat = true): void {
    this.pending.push({ text, repeat });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    const again = batch.filter((c) => c.repeat).map((c) => c.text);
    // Counted from this send, for every command in it.
    if (again.length) this.repeat(() => again.forEach((c) => this.command(c, false)));
    const texts = batch.map((c) => c.text);
    const delivery = Promise.all(this.channels.map((c) => this.deliver(c, texts)));
    this.deliveries.add(delivery);
    await delivery.finally(() => this.deliveries.delete(delivery));
  }

  private repeat(fn: () => void): void {
    this.repeatsDue++;
    this.after(this.config.answerCacheRepeatMs, () => {
      this.repeatsDue--;
      fn();
    });
  }

  private async deliver(channel: ControlChannel, commands: string[]): Promise<void> {
    const where = `${channel.target.host}:${channel.target.port}`;
    if (await channel.send(commands)) {
      if (this.unreachable.delete(channel)) {
        this.log.log(`FreeRADIUS answer-cache control at ${where} answers; dropping whatever it cached before`);
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
}
