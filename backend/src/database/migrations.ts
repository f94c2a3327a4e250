import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

// Any constant works; all pods must agree on it.
const MIGRATION_LOCK_KEY = 724_118_301;

/**
 * Runs pending migrations. Pods starting together serialise on a PostgreSQL advisory lock, so exactly
 * one applies each migration and the others find them done. Embedded mode has one connection and one
 * node, so it needs no lock.
 */
export async function runMigrations(dataSource: DataSource, exclusive: boolean): Promise<string[]> {
  const logger = new Logger('Migrations');
  const lock = exclusive ? dataSource.createQueryRunner() : null;
  try {
    if (lock) {
      await lock.connect();
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((migration) => migration.name);
    logger.log(names.length ? `Applied ${names.join(', ')}` : 'Schema is up to date');
    return names;
  } finally {
    if (lock) {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
  }
}
