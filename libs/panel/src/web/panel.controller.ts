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
import { isDatabaseUnavailable, OwnAuth, RequestViewer } from '@app/aaa';
import { parseCookies } from '../auth/cookies';
import { AccountWeb } from './account-web.service';
import { PANEL_ASSETS, PANEL_SECURITY_HEADERS } from './assets';
import { AuthWeb } from './auth-web.service';
import { formats } from './format';
import { messages } from './i18n';
import { messagePage } from './templates/auth-pages';
import { WebRequest, WebResponse } from './web-types';

function send(reply: FastifyReply, res: WebResponse): void {
  reply.headers(PANEL_SECURITY_HEADERS).header('cache-control', 'no-store').status(res.status);
  if (res.cookies?.length) reply.header('set-cookie', res.cookies);
  if (res.location) reply.header('location', res.location).send();
  else reply.type('text/html; charset=utf-8').send(res.html);
}

/** A readable page for anything that goes wrong; the app-wide filter would answer JSON. */
function errorPage(status: number): WebResponse {
  const m = messages('en');
  const ctx = { lang: 'en' as const, m, f: formats('en', 'UTC'), zone: 'UTC', path: '/panel' };
  const client = status >= 400 && status < 500;
  const body = client
    ? messagePage(ctx, m.errors.notFoundHeading, m.errors.notFoundText)
    : messagePage(ctx, m.errors.unavailableHeading, m.errors.unavailableText);
  return { status: client ? status : 503, html: body.value };
}

@Catch()
class PanelErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Panel');

  catch(err: unknown, host: ArgumentsHost): void {
    const status = err instanceof HttpException ? err.getStatus() : ((err as { statusCode?: number })?.statusCode ?? 500);
    if (status >= 500 && !isDatabaseUnavailable(err)) this.log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    send(host.switchToHttp().getResponse<FastifyReply>(), errorPage(status));
  }
}

/** Thin HTTP layer of the customer panel: Fastify request in, a page or a redirect out. */
@ApiExcludeController()
@OwnAuth('panel session cookie, CSRF token on every form')
@UseFilters(PanelErrorFilter)
@Controller('panel')
export class PanelController implements OnModuleInit {
  constructor(
    private readonly auth: AuthWeb,
    private readonly account: AccountWeb,
    private readonly viewer: RequestViewer,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Nest strips trailing slashes from routes; /panel/ is a different route to Fastify. */
  onModuleInit(): void {
    this.adapterHost.httpAdapter?.getInstance<FastifyInstance>()?.get('/panel/', (_req, reply) => {
      send(reply, { status: 308, location: '/panel' });
    });
  }

  @Get()
  async overview(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.account.overview(this.web(req)));
  }

  @Get('sign-in')
  async signInForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.auth.signInForm(this.web(req)));
  }

  @Post('sign-in')
  async signIn(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.auth.signIn(this.web(req)));
  }

  @Post('sign-out')
  async signOut(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.auth.signOut(this.web(req)));
  }

  @Get('invite')
  async inviteForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.auth.inviteForm(this.web(req)));
  }

  @Post('invite')
  async invite(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.auth.invite(this.web(req)));
  }

  @Get('connections/:id')
  async connection(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.account.connection(this.web(req), id));
  }

  @Post('connections/:id/password')
  async changePassword(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.account.changePassword(this.web(req), id));
  }

  @Post('sessions/:id/disconnect')
  async disconnect(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.account.disconnect(this.web(req), id));
  }

  @Get('history')
  async history(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.account.history(this.web(req)));
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = Object.prototype.hasOwnProperty.call(PANEL_ASSETS, name) ? PANEL_ASSETS[name] : undefined;
    reply.headers(PANEL_SECURITY_HEADERS);
    if (!asset) return void reply.status(404).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send('Not found');
    reply.status(200).type(asset.type).header('cache-control', 'public, max-age=3600').send(asset.body);
  }

  /** Any other path under /panel: the panel's own 404 page, with its headers, not the API's JSON. */
  @Get('*')
  async unknown(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.account.unknownPath(this.web(req)));
  }

  private web(req: FastifyRequest): WebRequest {
    const object = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
    return {
      view: this.viewer.view(req),
      headers: req.headers,
      cookies: parseCookies(req.headers.cookie),
      query: object(req.query),
      body: object(req.body),
      path: req.url.split('?')[0],
    };
  }
}
