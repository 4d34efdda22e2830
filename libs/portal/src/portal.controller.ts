import {
  ArgumentsHost,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpException,
  Logger,
  OnModuleInit,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OwnAuth, RequestViewer } from '@app/aaa';
import { PORTAL_ASSETS } from './assets/assets';
import { messages } from './i18n';
import { parseCookies } from './portal-cookies';
import { PortalResponse, PortalService } from './portal.service';
import { PORTAL_SECURITY_HEADERS } from './security-headers';
import { messagePage } from './templates/pages';

const ERROR_PAGE = (status: number): PortalResponse => {
  const m = messages('en');
  const pc = { lang: 'en' as const, m, brand: { title: m.defaultTitle } };
  const client = status >= 400 && status < 500;
  const page = client ? messagePage(pc, m.badRequestHeading, m.badRequestText) : messagePage(pc, m.unavailableHeading, m.unavailableText);
  return { status: client ? status : 503, html: page.value };
};

function send(reply: FastifyReply, res: PortalResponse): void {
  reply.headers(PORTAL_SECURITY_HEADERS).header('cache-control', 'no-store').status(res.status);
  if (res.cookies?.length) reply.header('set-cookie', res.cookies);
  if (res.location) reply.header('location', res.location).send();
  else reply.type('text/html; charset=utf-8').send(res.html);
}

/** The app-wide filter answers JSON; a captive browser must always get a readable page. */
@Catch()
class PortalErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Portal');

  catch(err: unknown, host: ArgumentsHost): void {
    const status = err instanceof HttpException ? err.getStatus() : ((err as { statusCode?: number })?.statusCode ?? 503);
    if (status >= 500) this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    send(host.switchToHttp().getResponse<FastifyReply>(), ERROR_PAGE(status));
  }
}

/** Thin HTTP layer: Fastify request in, PortalService decision out. */
@ApiExcludeController()
@OwnAuth('open to captive browsers; logins carry a cookie-bound form token')
@UseFilters(PortalErrorFilter)
@Controller('portal')
export class PortalController implements OnModuleInit {
  private readonly log = new Logger('Portal');

  constructor(
    private readonly portal: PortalService,
    private readonly viewer: RequestViewer,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /**
   * uspot's uam_server conventionally ends in `/`, but Nest strips trailing slashes
   * from route paths and Fastify treats /portal/ as a different route: add it directly.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.get('/portal/', (req, reply) =>
      this.show(req, reply).catch((err) => {
        this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        send(reply, ERROR_PAGE(503));
      }),
    );
  }

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(
      reply,
      await this.portal.show({
        query: (req.query ?? {}) as Record<string, unknown>,
        url: req.url,
        view: this.viewer.view(req),
        acceptLanguage: req.headers['accept-language'],
        cookies: parseCookies(req.headers.cookie),
      }),
    );
  }

  @Post('login')
  async login(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    send(
      reply,
      await this.portal.login({
        body,
        view: this.viewer.view(req),
        headers: req.headers,
        acceptLanguage: req.headers['accept-language'],
        cookies: parseCookies(req.headers.cookie),
      }),
    );
  }

  /** Where a voucher card's QR code points: keeps the code for the next login page (PortalService.voucherLink). */
  @Get('voucher')
  voucher(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    send(
      reply,
      this.portal.voucherLink({
        query: (req.query ?? {}) as Record<string, unknown>,
        view: this.viewer.view(req),
        acceptLanguage: req.headers['accept-language'],
      }),
    );
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = Object.prototype.hasOwnProperty.call(PORTAL_ASSETS, name) ? PORTAL_ASSETS[name] : undefined;
    reply.headers(PORTAL_SECURITY_HEADERS);
    if (!asset) return void reply.status(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
    reply.status(200).type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body);
  }
}
