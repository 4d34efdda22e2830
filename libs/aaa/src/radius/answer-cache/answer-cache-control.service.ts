import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../common/app-config';
import { Clock } from '../../common/clock';
import { PgNotifier } from '../../common/pg-notifier';
import { ACCOUNT_CHANGED_CHANNEL } from '../account-row';
import { ROUTER_CHANGED_CHANNEL } from '../../routers/router-directory.service';
import { canonicalUsername } from '../../common/username';
import { answerTtl, AnswerTtlInput } from './answer-ttl';
import { ControlChannel } from './control-channel';
import { MissedEvictions } from './missed-evictions';
import { join } from 'node:path';

/** FreeRADIUS keeps an epoch 30 s: without this heartbeat it stops answering from memory. */
const HEARTBEAT_MS = 10_000;
/** While a control port does not answer (FreeRADIUS not started yet, or restarting). */
const RETRY_MS = 1_000;
const PRINTABLE = /^[\x20-\x7e]{1,64}$/;

interface Command {
  text: string;
  /** Sent once more after `answerCacheRepeatMs`. */
  repeat: boolean;
}

/**
 * Keeps the FreeRADIUS answer caches (mods-available/aaa_answer_cache) and admin
 * fail-safe caches (mods-available/aaa_cache) exact. Every instance hears every change
 * through the same notifications as its own account cache and tells every FreeRADIUS
 * in `answerCacheControl`: an account row changed (`a:<id>:<user>`) drops that user's
 * answers and what the admin fail-safe knows about the user, a session opened
 * (`s:<id>\t<device>\t<user>`) drops the answers unless they are for that device, and
 * shared data (speed profiles, routers) or a gap in the notifications drops every answer.
 * Each eviction is sent again after `answerCacheRepeatMs`, which outlasts a REST call
 * already in flight with an older answer.
 *
 * A FreeRADIUS that does not acknowledge is *untrusted* until it does: no answer is
 * marked cacheable, the first packet it acknowledges carries an epoch bump (never a
 * renewal of what it kept meanwhile), and the evictions it missed go with it.
 * Admin writes wait for their evictions (`evictNow`, `bumpNow`).
 */
@Injectable()
export class AnswerCacheControl implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(AnswerCacheControl.name);
  private readonly channels: ControlChannel[];
  private listening = false;
  private readonly untrusted = new Set<ControlChannel>();
  private readonly missed: MissedEvictions;
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
    // Also with answer caching off (TTL 0): the admin fail-safe is evicted on the same port.
    this.channels = config.answerCacheControl.map((t) => new ControlChannel(t, config.radiusApiToken));
    this.missed = new MissedEvictions(config.dataDir ? join(config.dataDir, 'radius-control') : undefined);
    // A server that missed evictions before this process started is untrusted until it
    // acknowledges them (with an epoch bump, like any server that comes back).
    for (const c of this.channels) if (this.missed.of(targetOf(c)).length) this.untrusted.add(c);
  }

  get enabled(): boolean {
    return this.channels.length > 0;
  }

  /** Seconds FreeRADIUS may replay this answer itself; 0 while evictions could not reach it. */
  ttl(input: Omit<AnswerTtlInput, 'maxTtl'>): number {
    if (!this.listening || this.untrusted.size > 0) return 0;
    return answerTtl({ ...input, maxTtl: this.config.answerCacheTtl });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) {
      this.log.warn(
        "RADIUS_ANSWER_CACHE_CONTROL is empty: nothing evicts FreeRADIUS's admin fail-safe; run it with RADIUS_ADMIN_FAILSAFE=0",
      );
      return;
    }
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

  /**
   * Drops these users' answers and admin fail-safe entries on every FreeRADIUS, and
   * resolves once each one that is trusted has acknowledged, or failed to within the
   * channel's retries (it is then untrusted). For writes that must not be answered
   * before FreeRADIUS has forgotten: if this process dies right after, nothing else
   * would tell it. The notification of the same change evicts again, harmlessly.
   */
  async evictNow(usernames: string[]): Promise<void> {
    const keys = usernames.map(canonicalUsername).filter((k): k is string => k !== null);
    const commands = [...new Set(keys)].map((k) => `evict ${k}`);
    if (!commands.length || !this.enabled) return;
    this.repeat(() => commands.forEach((c) => this.command(c, false)));
    await this.sendNow(commands);
  }

  /** Drops every cached answer on every FreeRADIUS; resolves like `evictNow`. */
  async bumpNow(): Promise<void> {
    if (!this.enabled) return;
    this.repeat(() => this.command(`epoch bump ${this.newEpoch()}`, false));
    await this.sendNow([`epoch bump ${this.newEpoch()}`]);
  }

  /** Queues evictions (admin fail-safe entries whose snapshot changed, see AdminFailsafe). */
  evict(usernames: Iterable<string>): void {
    for (const u of usernames) this.evictUser(u);
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.repeatsDue = 0;
    for (const c of this.channels) c.close();
  }

  private onAccountChange(payload: string): void {
    if (payload === '*') return this.bump();
    const named = /^a:[^:]+:(.+)$/.exec(payload);
    if (named) return this.evictUser(named[1]);
    // A session opened: another device may have used the last of max_sessions; the
    // device's own session never counts against it.
    const opened = /^s:[^\t]+\t([^\t]*)\t(.+)$/.exec(payload);
    if (!opened) return;
    const [, device, name] = opened;
    // Only canonical names can have answers cached (authorize refuses the rest).
    const user = canonicalUsername(name);
    if (!user) return;
    const start = `start ${user} ${device}`;
    if (PRINTABLE.test(device) && device.trim() === device && Buffer.byteLength(start) <= 253) this.command(start);
    else this.evictUser(user);
  }

  /** FreeRADIUS keys its caches by `%{tolower:}`, the same ASCII-only folding as canonicalUsername(). */
  private evictUser(name: string): void {
    const user = canonicalUsername(name);
    if (user) this.command(`evict ${user}`);
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
    this.after(this.untrusted.size ? RETRY_MS : HEARTBEAT_MS, () => {
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

  /** Straight to every trusted FreeRADIUS; untrusted ones get the commands when they answer again. */
  private async sendNow(commands: string[]): Promise<void> {
    const sends = this.channels.map((c) => (this.untrusted.has(c) ? this.remember(c, commands) : this.deliver(c, commands)));
    const delivery = Promise.all(sends);
    this.deliveries.add(delivery);
    await delivery.finally(() => this.deliveries.delete(delivery));
  }

  private async deliver(channel: ControlChannel, commands: string[]): Promise<void> {
    const where = `${channel.target.host}:${channel.target.port}`;
    const wasUntrusted = this.untrusted.has(channel);
    // Its first acknowledged packet must drop what it answered from while we could not
    // reach it (an epoch renewal would keep that), and bring the evictions it missed.
    const missed = wasUntrusted ? this.missed.of(targetOf(channel)) : [];
    const texts = wasUntrusted ? [`epoch bump ${this.newEpoch()}`, ...missed, ...commands] : commands;
    if (await channel.send(texts)) {
      if (wasUntrusted && this.untrusted.delete(channel)) {
        await this.missed.delivered(targetOf(channel), missed);
        this.log.log(`FreeRADIUS answer-cache control at ${where} answers; dropped whatever it cached before`);
        // Once more, for an answer that was in flight during the bump.
        this.bump();
      }
      return;
    }
    await this.remember(channel, commands);
    if (this.untrusted.has(channel)) return;
    this.untrusted.add(channel);
    // Normal while FreeRADIUS is not started yet; a problem if it is running.
    this.log.warn(`FreeRADIUS answer-cache control at ${where} does not answer: no answers are cached until it does`);
  }

  /** Evictions it did not acknowledge, on disk before a write answers; epochs need no keeping (the bump on return covers them). */
  private async remember(channel: ControlChannel, commands: string[]): Promise<void> {
    const kept = await this.missed.add(targetOf(channel), commands).catch((err: Error) => {
      this.log.error(`evictions FreeRADIUS missed could not be saved (${err.message}); they are kept in memory only`);
      return true;
    });
    if (!kept) {
      this.log.error(`FreeRADIUS at ${targetOf(channel)} missed too many evictions to keep; restart it once it answers`);
    }
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

function targetOf(channel: ControlChannel): string {
  return `${channel.target.host}:${channel.target.port}`;
}
