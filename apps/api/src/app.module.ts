import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AaaModule, AppConfig, AuditInterceptor, OperatorGuard, StrictValidationPipe } from '@app/aaa';
import { PanelModule } from '@app/panel';
import { PortalModule } from '@app/portal';
import { RouterRpcModule } from '@app/router-rpc';
import { VouchersModule } from '@app/vouchers';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { dataSourceOptions } from './database/data-source-options';
import { HealthController } from './health/health.controller';
import { loggerOptions } from './logger.options';

@Global()
@Module({})
class ConfigHolderModule {
  static with(config: AppConfig): DynamicModule {
    return { module: ConfigHolderModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}

/** Composition only: config, database, logging, health; the libs hold the features. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigHolderModule.with(config),
        LoggerModule.forRoot(loggerOptions(config.logLevel, config.logFormat)),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl)),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        TerminusModule,
        AaaModule,
        PortalModule,
        RouterRpcModule,
        PanelModule,
        VouchersModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useValue: new StrictValidationPipe() },
        // Every route, whichever lib it is in: an admin route without @Role() is refused to everyone.
        { provide: APP_GUARD, useExisting: OperatorGuard },
        { provide: APP_INTERCEPTOR, useExisting: AuditInterceptor },
      ],
    };
  }
}
