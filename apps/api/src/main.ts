import 'reflect-metadata';
import { join } from 'node:path';
import { ConfigError, embeddedPgPort, loadConfig } from './config/load-config';
import { EmbeddedDb, startEmbeddedPostgres } from './database/embedded-postgres';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env, {
    onAdminTokenCreated: (token, path) =>
      // Printed once, on the start that generated it; later starts read it from the file.
      process.stdout.write(`\nGenerated admin token (saved to ${path}):\n  ${token}\n\n`),
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
  process.stdout.write(`API listening on http://${config.host}:${config.port} (Swagger UI at /docs)\n`);
}

bootstrap().catch((err) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `Failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
