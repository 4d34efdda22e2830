import 'reflect-metadata';
import { ConfigError, embeddedPgPort, loadConfig } from './config/load-config';
import { startEmbeddedDatabase } from './database/embedded-database';
import { createApp } from './app.factory';
import { closeOnSignals } from './shutdown';
import { printStartup } from './startup/print-startup';
import { explainListenError, StartupError } from './startup-errors';

async function bootstrap(): Promise<void> {
  let adminTokenCreated = false;
  const config = loadConfig(process.env, {
    onAdminTokenCreated: () => (adminTokenCreated = true),
    stdoutIsTTY: process.stdout.isTTY === true,
  });
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, embeddedPgPort());
  if (embedded) config.databaseUrl = embedded.url;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    app = await createApp(config, { shutdownHooks: false });
    const running = app;
    // The database goes last: the app's shutdown hooks still write to it (batched auth events).
    closeOnSignals(
      async () => {
        await running.close();
        await embedded?.stop();
      },
      (err) => process.stderr.write(`Shutdown failed: ${(err as Error)?.stack ?? err}\n`),
    );
    await app.listen(config.port, config.host);
  } catch (err) {
    // Shut down in order (the app, then the database we started) before exiting.
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    throw (
      explainListenError(err, [
        { portVar: 'PORT', hostVar: 'HOST', host: config.host, port: config.port },
        { portVar: 'RADIUS_API_PORT', hostVar: 'RADIUS_API_HOST', host: config.radiusApiHost, port: config.radiusApiPort },
      ]) ?? err
    );
  }
  printStartup(app, config, adminTokenCreated);
}

bootstrap().catch((err) => {
  const oneLine = err instanceof ConfigError || err instanceof StartupError;
  process.stderr.write(oneLine ? `${err.message}\n` : `Failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
