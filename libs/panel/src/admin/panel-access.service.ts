import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import { AppConfig, Clock, Customer, pgCode, sha256Hex } from '@app/aaa';
import { newToken } from '../auth/cookies';
import { PanelSessions } from '../auth/panel-sessions.service';
import { SignInLockout } from '../auth/sign-in-lockout.service';
import { panelEmail } from '../credentials/panel-email';
import { PanelLogin } from '../credentials/panel-login.entity';
import { PasswordHasher } from '../credentials/password-hasher';
import { InviteDelivery, PANEL_INVITE_DELIVERY } from './invite-delivery';
import { CreatePanelInviteDto, PanelAccessView, PanelInviteView, SetPanelPasswordDto } from './panel-admin.dto';
import { PanelInvite } from './panel-invite.entity';

/** What the admin API does with a customer's panel sign-in. */
@Injectable()
export class PanelAccessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: PanelSessions,
    private readonly lockout: SignInLockout,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Inject(PANEL_INVITE_DELIVERY) private readonly delivery: InviteDelivery,
  ) {}

  async status(customerId: string): Promise<PanelAccessView> {
    await this.customer(customerId);
    const login = await this.db.getRepository(PanelLogin).findOneBy({ customerId });
    const invite = await this.db
      .getRepository(PanelInvite)
      .findOne({ where: { customerId, usedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) }, order: { expiresAt: 'DESC' } });
    return {
      customerId,
      enabled: !!login,
      email: login?.email ?? null,
      passwordSet: !!login?.passwordHash,
      passwordSetAt: login?.passwordSetAt ?? null,
      lastSignInAt: login?.lastSignInAt ?? null,
      lockedUntil: login ? await this.lockout.lockedUntil(this.lockout.keyOf(login.email)) : null,
      activeSessions: await this.sessions.count(customerId),
      inviteExpiresAt: invite?.expiresAt ?? null,
    };
  }

  /** Sets (or resets) the password: every signed-in browser of the customer is signed out, a lockout lifted. */
  async setPassword(customerId: string, dto: SetPanelPasswordDto): Promise<PanelAccessView> {
    const hash = await this.hasher.hash(dto.password);
    const login = await this.db.transaction(async (tx) => {
      const email = await this.emailFor(tx, customerId, dto.email);
      return this.upsertLogin(tx, customerId, email, { passwordHash: hash, passwordSetAt: this.clock.now() });
    });
    await this.sessions.endAll(customerId);
    await this.lockout.clear(this.lockout.keyOf(login.email));
    return this.status(customerId);
  }

  /**
   * A one-time link to set the password, valid PANEL_INVITE_HOURS. Earlier unused links of
   * the customer stop working. A pending invite does not lock out an existing password.
   */
  async invite(customerId: string, dto: CreatePanelInviteDto, baseUrl: string): Promise<PanelInviteView> {
    const token = newToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.panelInviteHours * 3_600_000);
    const { login, customer } = await this.db.transaction(async (tx) => {
      const customer = await this.customer(customerId, tx);
      const email = await this.emailFor(tx, customerId, dto.email, customer);
      const existing = await tx.getRepository(PanelLogin).findOneBy({ customerId });
      const login = await this.upsertLogin(tx, customerId, email, existing ? {} : { passwordHash: null, passwordSetAt: null });
      await tx.getRepository(PanelInvite).delete({ customerId, usedAt: IsNull() });
      await tx.getRepository(PanelInvite).insert({ tokenHash: sha256Hex(token), customerId, createdAt: now, expiresAt });
      return { login, customer };
    });
    const url = `${baseUrl.replace(/\/+$/, '')}/panel/invite?token=${token}`;
    const deliveryError = await this.delivery.deliver({
      event: 'panel.invite',
      customerId,
      customerName: customer.name,
      email: login.email,
      url,
      expiresAt: expiresAt.toISOString(),
    });
    return { url, expiresAt, email: login.email, delivery: this.delivery.method, deliveryError };
  }

  async unlock(customerId: string): Promise<PanelAccessView> {
    await this.customer(customerId);
    const login = await this.db.getRepository(PanelLogin).findOneBy({ customerId });
    if (!login) throw new NotFoundException('The customer has no panel sign-in');
    await this.lockout.clear(this.lockout.keyOf(login.email));
    return this.status(customerId);
  }

  /** No more sign-in: the login, its invites and its sessions go. */
  async revoke(customerId: string): Promise<void> {
    await this.customer(customerId);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(PanelInvite).delete({ customerId });
      await tx.getRepository(PanelLogin).delete({ customerId });
    });
    await this.sessions.endAll(customerId);
  }

  private async customer(id: string, tx: EntityManager = this.db.manager): Promise<Customer> {
    const customer = await tx.getRepository(Customer).findOneBy({ id });
    if (!customer) throw new NotFoundException('Customer not found');
    return customer;
  }

  /** The sign-in email: the one given, else the login's, else the customer's own. */
  private async emailFor(tx: EntityManager, customerId: string, given: string | undefined, known?: Customer): Promise<string> {
    if (given !== undefined) {
      const email = panelEmail(given);
      if (!email) throw new BadRequestException('email must be an email address in ASCII');
      return email;
    }
    const existing = await tx.getRepository(PanelLogin).findOneBy({ customerId });
    if (existing) return existing.email;
    const customer = known ?? (await this.customer(customerId, tx));
    const email = panelEmail(customer.email);
    if (!email) throw new BadRequestException('The customer has no email usable for sign-in: give one in email (ASCII)');
    return email;
  }

  private async upsertLogin(tx: EntityManager, customerId: string, email: string, fields: Partial<PanelLogin>): Promise<PanelLogin> {
    const repo = tx.getRepository(PanelLogin);
    try {
      await repo.upsert({ customerId, email, ...fields }, ['customerId']);
    } catch (err) {
      if (pgCode(err) === '23505') throw new ConflictException('Another customer signs in to the panel with this email');
      if (pgCode(err) === '23503') throw new NotFoundException('Customer not found');
      throw err;
    }
    return repo.findOneByOrFail({ customerId });
  }
}
