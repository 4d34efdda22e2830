import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { join } from 'node:path';
import pino from 'pino';
import { AppConfig, RadiusListener } from '@app/aaa';
import { projectRoot } from './project-root';
import { startupSummary } from './startup-summary';

/**
 * The one block a started API prints: where everything is and how to start FreeRADIUS.
 * A person at a terminal gets the block; a log collector gets the same facts as one
 * record. Either is written whatever LOG_LEVEL says: scripts and supervisors wait for it.
 */
export function printStartup(app: NestFastifyApplication, config: AppConfig, adminTokenCreated: boolean): void {
  const summary = startupSummary({
    host: config.host,
    port: (app.getHttpServer().address() as { port: number }).port,
    radiusApiUrl: app.get(RadiusListener).url,
    dataDir: config.dataDir,
    defaultDataDir: join(projectRoot(), 'data'),
    adminTokenFile: process.env.ADMIN_TOKEN ? undefined : join(config.dataDir, 'admin-token'),
    adminTokenCreated,
    adminTokenRetired: config.adminToken === undefined,
    radiusTokenFromEnv: !!process.env.RADIUS_API_TOKEN,
    answerCacheControl: config.answerCacheControl,
    docsEnabled: config.docsEnabled,
    metricsProtected: !!config.metricsToken,
  });
  if (config.logFormat === 'pretty') process.stdout.write(summary.lines.join('\n') + '\n');
  else pino({ level: 'info' }, pino.destination({ dest: 1, sync: true })).info({ context: 'Startup', ...summary.fields }, summary.headline);
}
