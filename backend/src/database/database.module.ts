import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseHealth } from './database-health';
import { EmbeddedPostgres, EmbeddedPostgresModule } from './embedded-postgres';
import { runMigrations } from './migrations';
import { Database } from './sql';

/** Resolves once the schema is current; providers that query at start-up inject it to wait. */
export const SCHEMA_READY = Symbol('SCHEMA_READY');

/** Closes the pool before the embedded server it talks to (TypeORM's own hook then finds it closed). */
@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EmbeddedPostgres) private readonly embedded: EmbeddedPostgres,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded.close();
  }
}

@Global()
@Module({
  imports: [
    EmbeddedPostgresModule,
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedPostgresModule],
      inject: [AppConfig, EmbeddedPostgres],
      useFactory: async (config: AppConfig, embedded: EmbeddedPostgres) => ({
        ...dataSourceOptions({
          url: config.databaseUrl ?? (await embedded.start()),
          poolSize: config.mode === 'embedded' ? 1 : config.dbPoolSize,
          statementTimeoutMs: config.dbStatementTimeoutMs,
        }),
        retryAttempts: 10,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [
    DatabaseShutdown,
    DatabaseHealth,
    Database,
    {
      provide: SCHEMA_READY,
      inject: [DataSource, AppConfig],
      useFactory: (dataSource: DataSource, config: AppConfig) => runMigrations(dataSource, config.mode === 'scaled'),
    },
  ],
  exports: [SCHEMA_READY, DatabaseHealth, Database],
})
export class DatabaseModule {}
