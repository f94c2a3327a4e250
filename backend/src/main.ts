import { LogLevel, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule, MigrateModule } from './app.module';
import { AppConfig } from './config/app-config';
import { LOG_LEVELS, LogLevelName, loadEnvironment } from './config/environment';
import { contentSecurityPolicy } from './common/content-security-policy';
import { HttpErrorFilter } from './common/http-exception.filter';
import { setUpOpenApi } from './common/openapi';
import { ContractValidationPipe } from './common/validation.pipe';
import { floodGate } from './chat/flood-gate';
import { RateLimits } from './limits/rate-limits';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';
import { RedisClients } from './redis/redis-clients';

/** Pending connections the kernel queues for the pod (capped by net.core.somaxconn, 4096 on current kernels). */
const LISTEN_BACKLOG = 4096;

function logLevels(level: LogLevelName): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as LogLevel[];
}

async function serve(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const config = app.get(AppConfig);
  const log = new NestLogger('Main');
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // helmet's headers, but our own CSP: helmet's fixed upgrade-insecure-requests blanks the page over plain http.
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(contentSecurityPolicy(config.corsOrigins));
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(new ContractValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: true });
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, config, app.get(RedisClients), floodGate(app.get(RateLimits))));
  setUpOpenApi(app);

  // SIGTERM/SIGINT: drain (DrainService), close servers, Redis and the database, then exit 0 — or exit 1
  // if that takes longer than SHUTDOWN_GRACE_MS.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.log(`${signal}: shutting down`);
    setTimeout(() => {
      log.error(`Shutdown took longer than ${config.shutdownGraceMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  // A reconnect storm (a pod died and its clients all come here) opens thousands of connections at once;
  // Node's default accept backlog (511) drops most of them, and each dropped client backs off for seconds.
  // Nest passes listen's arguments on to http.Server#listen, which takes a backlog after the port.
  const listen = app.listen.bind(app) as unknown as (port: number, backlog: number) => Promise<unknown>;
  await listen(config.port, LISTEN_BACKLOG);
  log.log(`Pod ${config.podId} (${config.mode} mode) listening on http://localhost:${config.port}`);
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
  process.on('unhandledRejection', (reason) => new NestLogger('Process').error(`Unhandled rejection: ${String(reason)}`));
  if (process.argv[2] === 'migrate') await migrate(level);
  else await serve();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
