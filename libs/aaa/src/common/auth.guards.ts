import { applyDecorators, CanActivate, ExecutionContext, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OwnAuth } from '../operators/access';
import { AppConfig } from './app-config';
import { secretMatcher } from './tokens';

type HeaderBag = Record<string, string | string[] | undefined>;

function headerOf(ctx: ExecutionContext, name: string): string | undefined {
  const headers = ctx.switchToHttp().getRequest<{ headers: HeaderBag }>().headers;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function bearerOf(value: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

/** FreeRADIUS proves itself with a shared token header set via REST-HTTP-Header. */
@Injectable()
export class RadiusGuard implements CanActivate {
  private readonly matches: (token: string | undefined) => boolean;

  constructor(config: AppConfig) {
    this.matches = secretMatcher(config.radiusApiToken);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.matches(headerOf(ctx, 'x-radius-token'))) {
      throw new UnauthorizedException('A valid X-Radius-Token header is required');
    }
    return true;
  }
}

/**
 * An admin API controller, for the OpenAPI document: bearer authentication. The global
 * OperatorGuard does the checking, route by route, from each route's `@Role()`.
 */
export const AdminApi = () =>
  applyDecorators(ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'Missing, unknown, revoked or expired token' }));

/** The rlm_rest endpoints: FreeRADIUS's X-Radius-Token, not an operator's. */
export const RadiusApi = () =>
  applyDecorators(OwnAuth('X-Radius-Token'), UseGuards(RadiusGuard), ApiHeader({ name: 'X-Radius-Token', required: true }));
