import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AppConfig, bearerOf, secretMatcher } from '@app/aaa';

/**
 * /metrics tells anyone how busy the server is and what fails: with METRICS_TOKEN set it wants
 * `Authorization: Bearer <METRICS_TOKEN>` (what Prometheus sends with
 * `authorization.credentials`). Unset, it stays open for a scraper on a private network.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  private readonly matches?: (token: string | undefined) => boolean;

  constructor(config: AppConfig) {
    if (config.metricsToken) this.matches = secretMatcher(config.metricsToken);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.matches) return true;
    const header = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    if (!this.matches(bearerOf(header))) throw new UnauthorizedException('A valid metrics bearer token (METRICS_TOKEN) is required');
    return true;
  }
}
