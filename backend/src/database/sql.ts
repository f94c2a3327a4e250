import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';

type Params = readonly unknown[];

/**
 * Typed SQL on one connection: the pool for single statements, or a transaction's connection. Every
 * repository reaches PostgreSQL through this, with its row type named at the call; the schema is
 * the migrations'.
 */
export interface Sql {
  /** The rows of a SELECT, or of a write with RETURNING. */
  rows<T>(text: string, params?: Params): Promise<T[]>;
  /** The first row, or undefined when there is none. */
  one<T>(text: string, params?: Params): Promise<T | undefined>;
  /** How many rows an INSERT, UPDATE or DELETE touched. */
  affected(text: string, params?: Params): Promise<number>;
}

interface Outcome {
  records: unknown[];
  affected?: number;
}

/** A Sql over one TypeORM query runner (its structured results: rows and row count, whatever the command). */
class RunnerSql implements Sql {
  constructor(private readonly run: (text: string, params: Params) => Promise<Outcome>) {}

  async rows<T>(text: string, params: Params = []): Promise<T[]> {
    return (await this.run(text, params)).records as T[];
  }

  async one<T>(text: string, params: Params = []): Promise<T | undefined> {
    return (await this.rows<T>(text, params))[0];
  }

  async affected(text: string, params: Params = []): Promise<number> {
    return (await this.run(text, params)).affected ?? 0;
  }
}

const structured = (runner: QueryRunner, text: string, params: Params) => runner.query(text, [...params], true) as Promise<Outcome>;

/** The pod's PostgreSQL, through TypeORM's pool (which also runs the migrations). */
@Injectable()
export class Database extends RunnerSql {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super(async (text, params) => {
      const runner = dataSource.createQueryRunner();
      try {
        return await structured(runner, text, params);
      } finally {
        await runner.release();
      }
    });
  }

  /**
   * Runs `work` in one READ COMMITTED transaction (the server's default: no isolation statement, so no
   * extra round trip) on one connection; commits when it resolves, rolls back when it throws.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => {
      const runner = manager.queryRunner;
      if (!runner) throw new Error('TypeORM gave a transaction without a query runner');
      return work(new RunnerSql((text, params) => structured(runner, text, params)));
    });
  }
}

/** A LIKE pattern's literal part: `%`, `_` and `\` match only themselves. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
