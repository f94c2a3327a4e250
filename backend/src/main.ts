import { LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, MigrateModule } from './app.module';
import { AppConfig } from './config/app-config';
import { LOG_LEVELS, LogLevelName, loadEnvironment } from './config/environment';
import { HttpErrorFilter } from './common/http-exception.filter';
import { ContractValidationPipe } from './common/validation.pipe';
import { Lifecycle } from './health/lifecycle';
import { RealtimePubSub } from './realtime/pubsub';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';

function logLevels(level: LogLevelName): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as LogLevel[];
}

async function serve(level: LogLevelName): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: logLevels(level) });
  const config = app.get(AppConfig);
  app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(new ContractValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: true });
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config, app.get(RealtimePubSub)));
  app.enableShutdownHooks();
  const lifecycle = app.get(Lifecycle);
  process.once('SIGTERM', () => {
    lifecycle.draining = true;
  });
  await app.listen(config.port);
  new Logger('Main').log(`Pod ${config.podId} (${config.mode} mode) listening on http://localhost:${config.port}`);
}

async function migrate(level: LogLevelName): Promise<void> {
  const context = await NestFactory.createApplicationContext(MigrateModule, { logger: logLevels(level) });
  await context.close();
}

async function main(): Promise<void> {
  let level: LogLevelName;
  try {
    level = loadEnvironment().LOG_LEVEL;
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  // A failed publish or a dropped connection must never take the pod down; log and carry on.
  process.on('unhandledRejection', (reason) => new Logger('Process').error(`Unhandled rejection: ${String(reason)}`));
  if (process.argv[2] === 'migrate') await migrate(level);
  else await serve(level);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
