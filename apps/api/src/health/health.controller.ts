import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { collectDefaultMetrics, register } from 'prom-client';
import { OwnAuth } from '@app/aaa';
import { MetricsGuard } from './metrics.guard';

collectDefaultMetrics();

@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  /** 200 when the database answers, 503 otherwise. */
  @Get('health')
  @OwnAuth('open: for probes')
  @HealthCheck()
  check() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @OwnAuth('METRICS_TOKEN, or open when unset')
  @UseGuards(MetricsGuard)
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
