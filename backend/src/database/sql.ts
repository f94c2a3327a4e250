import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResult } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { SqlLogger } from './sql-logger';

type Params = readonly unknown[];

/**
 * A statement PostgreSQL keeps parsed and planned on each pooled connection under `name` (a prepared
 * statement), for the few that run on every send; elsewhere (in a transaction) it runs as plain text.
 */
export interface NamedStatement {
  name: string;
  text: string;
}

type Statement = string | NamedStatement;

/**
 * Typed SQL on one connection: the pool for single statements, or a transaction's connection. Every
 * repository reaches PostgreSQL through this, with its row type named at the call; the schema is
 * the migrations'.
 */
export interface Sql {
  /** The rows of a SELECT, or of a write with RETURNING. */
  rows<T>(statement: Statement, params?: Params): Promise<T[]>;
  /** The first row, or undefined when there is none. */
  one<T>(statement: Statement, params?: Params): Promise<T | undefined>;
  /** How many rows an INSERT, UPDATE or DELETE touched. */
  affected(statement: Statement, params?: Params): Promise<number>;
}

interface Outcome {
  records: unknown[];
  affected?: number;
}

/** A Sql over a function that runs one statement (its structured results: rows and row count, whatever the command). */
class RunnerSql implements Sql {
  constructor(private readonly run: (statement: Statement, params: Params) => Promise<Outcome>) {}

  async rows<T>(statement: Statement, params: Params = []): Promise<T[]> {
    return (await this.run(statement, params)).records as T[];
  }

  async one<T>(statement: Statement, params: Params = []): Promise<T | undefined> {
    return (await this.rows<T>(statement, params))[0];
  }

  async affected(statement: Statement, params: Params = []): Promise<number> {
    return (await this.run(statement, params)).affected ?? 0;
  }
}

const textOf = (statement: Statement) => (typeof statement === 'string' ? statement : statement.text);

const structured = (runner: QueryRunner, statement: Statement, params: Params) =>
  runner.query(textOf(statement), [...params], true) as Promise<Outcome>;

/**
 * The pod's PostgreSQL. Single statements run on TypeORM's pool of node-postgres connections directly
 * (a pooled connection per statement, as a query runner would take, without its per-statement layers,
 * about 25 µs a statement here), failures logged by SqlLogger as TypeORM logs the transactions';
 * transactions go through TypeORM, which also runs the migrations.
 */
@Injectable()
export class Database extends RunnerSql {
  private static readonly logger = new SqlLogger();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super(async (statement, params) => {
      // TypeORM's postgres driver keeps its node-postgres pool as `master`.
      const pool = (dataSource.driver as unknown as { master: Pool }).master;
      const query = typeof statement === 'string' ? { text: statement } : statement;
      let result: QueryResult;
      try {
        result = await pool.query({ ...query, values: [...params] });
      } catch (error) {
        Database.logger.logQueryError(error as Error, query.text);
        throw error;
      }
      return { records: result.rows, affected: result.rowCount ?? undefined };
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
