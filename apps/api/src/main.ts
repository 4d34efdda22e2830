import 'reflect-metadata';
import { join } from 'node:path';
import pino from 'pino';
import { RadiusListener } from '@app/aaa';
import { ConfigError, embeddedPgPort, loadConfig } from './config/load-config';
import { EmbeddedDb, startEmbeddedPostgres } from './database/embedded-postgres';
import { createApp } from './app.factory';
import { projectRoot } from './startup/project-root';
import { startupSummary } from './startup/startup-summary';

async function bootstrap(): Promise<void> {
  let adminTokenCreated = false;
  const config = loadConfig(process.env, {
    onAdminTokenCreated: () => (adminTokenCreated = true),
    stdoutIsTTY: process.stdout.isTTY === true,
  });
  let embedded: EmbeddedDb | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres(join(config.dataDir, 'pg'), embeddedPgPort());
    config.databaseUrl = embedded.url;
  }
  const app = await createApp(config);
  const stopEmbedded = async () => embedded?.stop().catch(() => undefined);
  process.once('beforeExit', () => void stopEmbedded());
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => stopEmbedded());
  await app.listen(config.port, config.host);

  const summary = startupSummary({
    host: config.host,
    port: (app.getHttpServer().address() as { port: number }).port,
    radiusApiUrl: app.get(RadiusListener).url,
    dataDir: config.dataDir,
    defaultDataDir: join(projectRoot(), 'data'),
    adminTokenFile: process.env.ADMIN_TOKEN ? undefined : join(config.dataDir, 'admin-token'),
    adminTokenCreated,
    radiusTokenFromEnv: !!process.env.RADIUS_API_TOKEN,
    answerCacheControl: config.answerCacheControl,
    docsEnabled: config.docsEnabled,
    metricsProtected: !!config.metricsToken,
  });
  // A person at a terminal gets the block; a log collector gets the same facts as one record.
  // Either is written whatever LOG_LEVEL says: scripts and supervisors wait for it.
  if (config.logFormat === 'pretty') process.stdout.write(summary.lines.join('\n') + '\n');
  else pino({ level: 'info' }, pino.destination({ dest: 1, sync: true })).info({ context: 'Startup', ...summary.fields }, summary.headline);
}

bootstrap().catch((err) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `Failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
