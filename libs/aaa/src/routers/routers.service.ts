import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditLog } from '../audit/audit-log.service';
import { CredentialVault } from '../common/credential-vault';
import { orNotFound, rethrowDbError } from '../common/db-errors';
import { Page, PageQuery } from '../common/pagination';
import { generateRadiusSecret, generateToken, sha256Hex } from '../common/tokens';
import { AAA_EVENTS } from '../events';
import { AnswerCacheControl } from '../radius/answer-cache/answer-cache-control.service';
import { Router } from './router.entity';
import { CreateRouterDto, RouterView, RouterWithSecrets, UpdateRouterDto } from './router.dto';

/**
 * A crashed instance cannot clear its claim, so a router also counts as offline once
 * its heartbeat (every 15 s, recorded at most every 30 s) has been silent this long.
 */
const ONLINE_WINDOW_MS = 90_000;

export function toRouterView(r: Router, now = Date.now()): RouterView {
  // Sealed secrets and the token hash never leave the service.
  const { radiusSecretEnc: _s, uamSecretEnc, tokenHash: _t, connectedInstance, updatedAt: _u, ...rest } = r;
  const fresh = !!r.lastSeenAt && now - r.lastSeenAt.getTime() < ONLINE_WINDOW_MS;
  return { ...rest, hasUamSecret: !!uamSecretEnc, online: !!connectedInstance && fresh };
}

@Injectable()
export class RoutersService {
  constructor(
    @InjectRepository(Router) private readonly routers: Repository<Router>,
    private readonly vault: CredentialVault,
    private readonly events: EventEmitter2,
    private readonly radius: AnswerCacheControl,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateRouterDto): Promise<RouterWithSecrets> {
    const radiusSecret = dto.radiusSecret ?? generateRadiusSecret();
    const token = generateToken();
    const { radiusSecret: _r, uamSecret, ...fields } = dto;
    const saved = await this.routers
      .save(
        this.routers.create({
          ...fields,
          radiusSecretEnc: this.vault.encrypt(radiusSecret),
          uamSecretEnc: uamSecret ? this.vault.encrypt(uamSecret) : null,
          tokenHash: sha256Hex(token),
        }),
      )
      .catch(rethrowDbError);
    this.events.emit(AAA_EVENTS.routerChanged, { routerId: saved.id });
    const view = toRouterView(saved);
    this.audit.describe({ targetType: 'router', targetId: saved.id, after: view, secrets: ['radiusSecret', 'token'] });
    return { ...view, radiusSecret, token };
  }

  async list(q: PageQuery): Promise<Page<RouterView>> {
    const [items, total] = await this.routers.findAndCount({ order: { name: 'ASC' }, take: q.limit, skip: q.offset });
    return Page.of(
      items.map((r) => toRouterView(r)),
      total,
      q,
    );
  }

  async get(id: string): Promise<RouterView> {
    return toRouterView(await this.load(id));
  }

  async update(id: string, dto: UpdateRouterDto): Promise<RouterView> {
    const router = await this.load(id);
    const before = toRouterView(router);
    const { radiusSecret, uamSecret, ...fields } = dto;
    Object.assign(router, fields);
    if (radiusSecret) router.radiusSecretEnc = this.vault.encrypt(radiusSecret);
    if (uamSecret !== undefined) router.uamSecretEnc = uamSecret ? this.vault.encrypt(uamSecret) : null;
    const saved = await this.routers.save(router).catch(rethrowDbError);
    const after = toRouterView(saved);
    this.audit.describe({ targetType: 'router', targetId: id, before, after, secrets: radiusSecret ? ['radiusSecret'] : [] });
    this.events.emit(AAA_EVENTS.routerChanged, { routerId: id });
    // The vendor decides the reply attributes of every cached answer.
    await this.radius.bumpNow();
    return toRouterView(saved);
  }

  /** Issues a new WebSocket token; the old one stops working at once. */
  async rotateToken(id: string): Promise<{ token: string }> {
    await this.load(id);
    const token = generateToken();
    await this.routers.update({ id }, { tokenHash: sha256Hex(token) });
    this.audit.describe({ targetType: 'router', targetId: id, secrets: ['token'] });
    return { token };
  }

  async remove(id: string): Promise<void> {
    const before = toRouterView(await this.load(id));
    const { affected } = await this.routers.delete({ id });
    orNotFound(affected || null, 'Router');
    this.audit.describe({ targetType: 'router', targetId: id, before, after: null });
    this.events.emit(AAA_EVENTS.routerChanged, { routerId: id });
    await this.radius.bumpNow();
  }

  private async load(id: string): Promise<Router> {
    return orNotFound(await this.routers.findOneBy({ id }), 'Router');
  }
}
