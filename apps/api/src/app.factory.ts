import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/aaa';
import { AppModule } from './app.module';
import { JsonTolerantFastifyAdapter } from './http/empty-json-body';
import { BootNoiseFilter } from './logging/boot-noise.filter';

/**
 * Builds the Fastify-based app; shared by main.ts and the HTTP tests. `shutdownHooks:
 * false` leaves signals to the caller (main.ts stops the embedded database after the app).
 */
export async function createApp(config: AppConfig, opts: { shutdownHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new JsonTolerantFastifyAdapter({ bodyLimit: 256 * 1024, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true });
  app.useLogger(new BootNoiseFilter(app.get(Logger)));
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  // The OpenAPI document is public in the repository anyway; the switch is for operators
  // who want nothing but the API on the port.
  if (config.docsEnabled) serveDocs(app);
  return app;
}

function serveDocs(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('RADIUS backend admin API')
    .setDescription(
      'Customers, accounts, routers and sessions behind FreeRADIUS. Every operation names the weakest operator role it needs ' +
        '(`x-required-role`; readonly < support < admin < owner): a weaker one gets 403, a missing, unknown, revoked or expired token 401.',
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
    // Shows each operation's x-required-role in Swagger UI.
    swaggerOptions: { showExtensions: true },
  });
}
