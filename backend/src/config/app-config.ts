import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { EnvironmentVariables, LogLevelName } from './environment';

export type RunMode = 'embedded' | 'scaled';

/** Kafka settings, when KAFKA_BROKERS turns it on. */
export interface KafkaSettings {
  brokers: string[];
  topics: { ingest: string; timeline: string };
  /** Consumer group of the ingest writers (one per topic prefix). */
  writerGroup: string;
  ssl: boolean;
  sasl: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string } | null;
  partitions: { ingest: number; timeline: number };
  /** Unset: the broker's default. */
  replicationFactor: number | undefined;
  writer: boolean;
  sessionTimeoutMs: number;
}

/** At most `points` within each window of `windowMs`. */
export interface Rate {
  points: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a validated `<count>/<window>` (see RATE_PATTERN). */
export function parseRate(text: string): Rate {
  const match = /^(\d+)\/(\d+)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a rate: ${text}`);
  return { points: Number(match[1]), windowMs: Number(match[2]) * (UNIT_MS[match[3] ?? ''] ?? 1) };
}

/** Abuse limits; see docs/security.md. */
export interface LimitSettings {
  messageSend: Rate;
  messageChange: Rate;
  rest: Rate;
  loginAddress: Rate;
  registerAddress: Rate;
  loginFailures: Rate;
  loginAccountFailures: Rate;
  loginBackoff: { baseSeconds: number; maxSeconds: number };
  passwordHash: { concurrency: number; queue: number };
  socketsPerUser: number;
  typingRelayIntervalMs: number;
}

/** Express's `trust proxy` setting from TRUST_PROXY: `all`, `none`, or its list of addresses and names. */
export function trustProxySetting(value: string): boolean | string {
  const setting = value.trim();
  return setting === 'all' ? true : setting === 'none' ? false : setting;
}

/** Typed, validated settings. Inject this rather than ConfigService. */
@Injectable()
export class AppConfig {
  readonly mode: RunMode;
  readonly podId: string;

  constructor(private readonly config: ConfigService<EnvironmentVariables, true>) {
    this.mode = this.get('DATABASE_URL') ? 'scaled' : 'embedded';
    this.podId = this.get('POD_ID') ?? hostname();
  }

  private get<K extends keyof EnvironmentVariables>(key: K): EnvironmentVariables[K] {
    return this.config.get(key, { infer: true });
  }

  get port(): number {
    return this.get('PORT');
  }
  get production(): boolean {
    return this.get('NODE_ENV') === 'production';
  }
  get databaseUrl(): string | undefined {
    return this.get('DATABASE_URL');
  }
  get redisUrl(): string | undefined {
    return this.get('REDIS_URL');
  }
  get redisKeyPrefix(): string {
    return this.get('REDIS_KEY_PREFIX');
  }
  /** Unset in embedded mode, where the node keeps its own secret under DATA_DIR. */
  get jwtSecret(): string | undefined {
    return this.get('JWT_SECRET');
  }
  get jwtTtlSeconds(): number {
    return this.get('JWT_TTL_SECONDS');
  }
  get presenceOfflineGraceMs(): number {
    return this.get('PRESENCE_OFFLINE_GRACE_MS');
  }
  get trustProxy(): boolean | string {
    return trustProxySetting(this.get('TRUST_PROXY'));
  }
  get corsOrigins(): string[] {
    return (this.get('CORS_ORIGINS') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  }
  get admin(): { username: string; password: string } | null {
    const username = this.get('ADMIN_USERNAME');
    const password = this.get('ADMIN_PASSWORD');
    return username && password ? { username, password } : null;
  }
  get dataDir(): string {
    return resolve(this.get('DATA_DIR'));
  }
  get logLevel(): LogLevelName {
    return this.get('LOG_LEVEL');
  }
  get prettyLogs(): boolean {
    return (this.get('LOG_FORMAT') ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty';
  }
  get dbPoolSize(): number {
    return this.get('DB_POOL_SIZE');
  }
  get dbStatementTimeoutMs(): number {
    return this.get('DB_STATEMENT_TIMEOUT_MS');
  }
  get metricsToken(): string | undefined {
    return this.get('METRICS_TOKEN');
  }
  get shutdownGraceMs(): number {
    return this.get('SHUTDOWN_GRACE_MS');
  }
  get drainSpreadMs(): number {
    return this.get('DRAIN_SPREAD_MS');
  }
  get socketBacklog(): { maxBytes: number; maxPackets: number } {
    return { maxBytes: this.get('SOCKET_MAX_BACKLOG_BYTES'), maxPackets: this.get('SOCKET_MAX_BACKLOG_PACKETS') };
  }
  /** Null unless KAFKA_BROKERS is set. */
  get kafka(): KafkaSettings | null {
    const brokers = this.get('KAFKA_BROKERS');
    if (!brokers) return null;
    const prefix = this.get('KAFKA_TOPIC_PREFIX');
    const mechanism = this.get('KAFKA_SASL_MECHANISM');
    const username = this.get('KAFKA_SASL_USERNAME');
    const password = this.get('KAFKA_SASL_PASSWORD');
    return {
      brokers: brokers.split(',').map((broker) => broker.trim()),
      topics: { ingest: `${prefix}ingest`, timeline: `${prefix}timeline` },
      writerGroup: `${prefix}ingest-writers`,
      ssl: this.get('KAFKA_SSL'),
      sasl: mechanism && username && password ? { mechanism, username, password } : null,
      partitions: { ingest: this.get('KAFKA_INGEST_PARTITIONS'), timeline: this.get('KAFKA_TIMELINE_PARTITIONS') },
      replicationFactor: this.get('KAFKA_REPLICATION_FACTOR'),
      writer: this.get('KAFKA_WRITER'),
      sessionTimeoutMs: this.get('KAFKA_SESSION_TIMEOUT_MS'),
    };
  }
  get limits(): LimitSettings {
    return {
      messageSend: parseRate(this.get('RATE_LIMIT_MESSAGE_SEND')),
      messageChange: parseRate(this.get('RATE_LIMIT_MESSAGE_CHANGE')),
      rest: parseRate(this.get('RATE_LIMIT_REST')),
      loginAddress: parseRate(this.get('RATE_LIMIT_LOGIN_ADDRESS')),
      registerAddress: parseRate(this.get('RATE_LIMIT_REGISTER_ADDRESS')),
      loginFailures: parseRate(this.get('RATE_LIMIT_LOGIN_FAILURES')),
      loginAccountFailures: parseRate(this.get('RATE_LIMIT_LOGIN_ACCOUNT_FAILURES')),
      loginBackoff: { baseSeconds: this.get('LOGIN_BACKOFF_BASE_SECONDS'), maxSeconds: this.get('LOGIN_BACKOFF_MAX_SECONDS') },
      passwordHash: { concurrency: this.get('PASSWORD_HASH_CONCURRENCY'), queue: this.get('PASSWORD_HASH_QUEUE') },
      socketsPerUser: this.get('SOCKETS_PER_USER'),
      typingRelayIntervalMs: this.get('TYPING_RELAY_INTERVAL_MS'),
    };
  }
  /** Group commit settings; `deadlineMs` bounds how long a send waits for its answer. */
  get writeBatch(): { max: number; concurrency: number; deadlineMs: number } {
    return {
      max: this.get('WRITE_BATCH_MAX'),
      concurrency: this.get('WRITE_CONCURRENCY'),
      deadlineMs: this.get('DB_STATEMENT_TIMEOUT_MS') + 1000,
    };
  }
}
