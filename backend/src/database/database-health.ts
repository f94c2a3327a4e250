import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../common/with-timeout';

/**
 * Readiness ping for PostgreSQL. At most one ping is in flight: when the database hangs, frequent
 * probes share it instead of each holding a pooled connection that sends need.
 */
@Injectable()
export class DatabaseHealth {
  private inFlight: Promise<void> | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async ping(timeoutMs: number): Promise<void> {
    this.inFlight ??= this.db
      .query('SELECT 1')
      .then(() => undefined)
      .finally(() => {
        this.inFlight = null;
      });
    await withTimeout(this.inFlight, timeoutMs);
  }
}
