import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/aaa';
import { AppModule } from './app.module';
import { JsonTolerantFastifyAdapter } from './http/empty-json-body';

/** Builds the Fastify-based app; shared by main.ts and the HTTP tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new JsonTolerantFastifyAdapter({ bodyLimit: 256 * 1024, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('RADIUS backend admin API')
    .setDescription('Customers, accounts, routers and sessions behind FreeRADIUS.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
  return app;
}
