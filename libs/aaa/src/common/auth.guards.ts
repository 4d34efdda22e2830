import { applyDecorators, CanActivate, ExecutionContext, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiUnauthorizedResponse } from '@nestjs/swagger';
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

@Injectable()
export class AdminGuard implements CanActivate {
  private readonly matches: (token: string | undefined) => boolean;

  constructor(config: AppConfig) {
    this.matches = secretMatcher(config.adminToken);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.matches(bearerOf(headerOf(ctx, 'authorization')))) {
      throw new UnauthorizedException('A valid admin bearer token is required');
    }
    return true;
  }
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

export const AdminApi = () =>
  applyDecorators(UseGuards(AdminGuard), ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'Missing or wrong token' }));

export const RadiusApi = () => applyDecorators(UseGuards(RadiusGuard), ApiHeader({ name: 'X-Radius-Token', required: true }));
