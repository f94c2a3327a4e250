import { DataSourceOptions } from 'typeorm';
import { SqlLogger } from './sql-logger';
import { InitialSchema1763856000000 } from './migrations/1763856000000-initial-schema';
import { AuditLog1763942400000 } from './migrations/1763942400000-audit-log';
import { WriteBatchFunction1764460800000 } from './migrations/1764460800000-write-batch-function';
import { WriteOneFunction1764547200000 } from './migrations/1764547200000-write-one-function';
import { KafkaIngest1765000000000 } from './migrations/1765000000000-kafka-ingest';
import { MessageSearch1766000000000 } from './migrations/1766000000000-message-search';
import { MessageReactions1767000000000 } from './migrations/1767000000000-message-reactions';
import { MessageMentions1768000000000 } from './migrations/1768000000000-message-mentions';
import { MessageThreads1769000000000 } from './migrations/1769000000000-message-threads';
import { RoomNotices1770000000000 } from './migrations/1770000000000-room-notices';
import { WritePlansByIndex1771000000000 } from './migrations/1771000000000-write-plans-by-index';
import { WriteBatchLinear1772000000000 } from './migrations/1772000000000-write-batch-linear';

export const MIGRATIONS = [
  InitialSchema1763856000000,
  AuditLog1763942400000,
  WriteBatchFunction1764460800000,
  WriteOneFunction1764547200000,
  KafkaIngest1765000000000,
  MessageSearch1766000000000,
  MessageReactions1767000000000,
  MessageMentions1768000000000,
  MessageThreads1769000000000,
  RoomNotices1770000000000,
  WritePlansByIndex1771000000000,
  WriteBatchLinear1772000000000,
];

export interface ConnectionSettings {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

/**
 * TypeORM options shared by the app and the `migrate` command. TypeORM holds the pool and runs the
 * migrations, which are the schema; repositories query through `Database` (typed SQL), so there are no
 * entities.
 */
export function dataSourceOptions(settings: ConnectionSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // Errors by SQLSTATE and statement name, never with their parameters (see SqlLogger).
    logging: ['error', 'migration'],
    logger: new SqlLogger(),
    poolSize: settings.poolSize,
    extra: {
      // A dead database gives errors within these bounds instead of hung requests.
      connectionTimeoutMillis: 3000,
      statement_timeout: settings.statementTimeoutMs,
      query_timeout: settings.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'chat-backend',
    },
  };
}
