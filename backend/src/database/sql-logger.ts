import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { errorSummary, sqlstateOf, statementName } from '../common/error-summary';

/**
 * TypeORM's logger for the pod: a failed statement is logged by SQLSTATE and statement name only.
 * TypeORM's own loggers print the parameters, which are message bodies, password hashes and tokens.
 */
export class SqlLogger implements TypeOrmLogger {
  private readonly logger = new Logger('SQL');

  logQuery(): void {
    // Successful statements are not logged: there are thousands a second.
  }

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'string' ? undefined : sqlstateOf(error);
    const what = code ? `SQLSTATE ${code}` : typeof error === 'string' ? 'error' : errorSummary(error);
    this.logger.warn(`${statementName(query)} failed: ${what}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`${statementName(query)} took ${time} ms`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : 'TypeORM message';
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}
