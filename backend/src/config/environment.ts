/* eslint-disable @typescript-eslint/no-inferrable-types -- explicit types feed the decorator metadata that converts env strings */
import 'reflect-metadata';
import { Transform, plainToInstance } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidationError,
  validateSync,
} from 'class-validator';
import { LIMITS, USERNAME_PATTERN } from '@chat/contracts';

/** `true`/`false` (also 1/0, yes/no); anything else stays a string and fails @IsBoolean (implicit conversion would take "false" as true). */
const Flag = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    if (typeof raw === 'boolean' || raw === undefined) return raw;
    const text = String(raw).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return true;
    if (['false', '0', 'no'].includes(text)) return false;
    return raw;
  });

/** `<count>/<window>`: count ≥ 1, window a whole number of seconds, minutes or hours. */
export const RATE_PATTERN = /^[1-9]\d{0,8}\/[1-9]\d{0,6}(s|m|h)$/;
const RATE_MESSAGE = '$property must be <count>/<window> with the window in s, m or h (e.g. 30/10s)';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Every setting the service reads, validated at start. The only place that reads process.env
 * (through @nestjs/config); everything else asks AppConfig.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'production';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /**
   * Lifetime of an access token (one token per login, revocable at once: see docs/security.md). A socket
   * is closed when the token it authenticated with expires. Short values (down to 5 s) are for tests.
   */
  @IsInt()
  @Min(5)
  @Max(30 * 24 * 3600)
  JWT_TTL_SECONDS: number = 7 * 24 * 3600;

  /**
   * Which peers' X-Forwarded-For/-Proto are believed (client addresses for the per-address limits, https
   * for the CSP): `all`, `none`, or Express's list of addresses, CIDRs and names. The default believes
   * private networks only (a load balancer, an ingress, nginx beside the pods), so a client that reaches a
   * pod directly cannot choose its own address.
   */
  @IsString()
  @Matches(/^\S/, { message: 'TRUST_PROXY must be all, none or a list of addresses' })
  TRUST_PROXY = 'loopback, linklocal, uniquelocal';

  /** Comma-separated origins allowed by CORS (REST and Socket.IO). Empty: same origin only. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @MinLength(LIMITS.usernameMin)
  @MaxLength(LIMITS.usernameMax)
  @Matches(USERNAME_PATTERN, { message: 'ADMIN_USERNAME may only contain a-z, 0-9, _, . and -' })
  ADMIN_USERNAME?: string;

  @IsOptional()
  @MinLength(LIMITS.passwordMin)
  @MaxLength(LIMITS.passwordMax)
  ADMIN_PASSWORD?: string;

  @IsString()
  DATA_DIR: string = './data';

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'POD_ID must be 1-64 of A-Z a-z 0-9 _ . -' })
  POD_ID?: string;

  /** Prefix of every Redis key and pub/sub channel, so several deployments can share one Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,32}$/, { message: 'REDIS_KEY_PREFIX must be 1-32 of A-Z a-z 0-9 _ . : -' })
  REDIS_KEY_PREFIX: string = 'chat:';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';

  /** json: one JSON object per line (for log pipelines); pretty: human-readable. Default: pretty on a terminal. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE: number = 10;

  /** Bound on every database statement, so a stuck database gives UNAVAILABLE instead of a hang. */
  @IsInt()
  @Min(100)
  DB_STATEMENT_TIMEOUT_MS: number = 5000;

  @IsInt()
  @Min(1)
  @Max(5000)
  WRITE_BATCH_MAX: number = 500;

  /**
   * How long a user stays shown online after their last socket closed: a reload, a blip or a pod's death
   * followed by a reconnect within it sends no presence events. Offline is announced at the first
   * heartbeat (every 5 s) after it.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  PRESENCE_OFFLINE_GRACE_MS: number = 30_000;

  /** With it set, GET /metrics wants `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** SIGTERM to exit: the pod drains and exits within this; keep it below the orchestrator's grace period. */
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_GRACE_MS: number = 25_000;

  /** Draining spreads client disconnects over this window so the rest of the fleet is not hit at once. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  DRAIN_SPREAD_MS: number = 3_000;

  /** A socket whose unsent output passes this many bytes (or SOCKET_MAX_BACKLOG_PACKETS packets) is disconnected. */
  @IsInt()
  @Min(64 * 1024)
  SOCKET_MAX_BACKLOG_BYTES: number = 4 * 1024 * 1024;

  @IsInt()
  @Min(100)
  SOCKET_MAX_BACKLOG_PACKETS: number = 5_000;

  /**
   * Group-commit lanes: batches written at once, rooms spread over them (each holds one pooled
   * connection). One lane makes the fewest, largest batches, which is best while PostgreSQL's CPU is
   * the limit (measured with `npm run bench -- many-rooms` on 2 cores); more lanes suit a database with
   * cores to spare.
   */
  @IsInt()
  @Min(1)
  @Max(32)
  WRITE_CONCURRENCY: number = 1;

  // Abuse limits (docs/security.md). A rate is `<count>/<window>` with the window in s, m or h
  // (e.g. `30/10s`): at most count within each fixed window, counted in Redis across pods (scaled) or
  // in memory (embedded). Tests and the bench raise them here; nothing turns them off.

  /** message:send per user. */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_MESSAGE_SEND: string = '30/10s';

  /** message:edit and message:delete per user. */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_MESSAGE_CHANGE: string = '30/1m';

  /** Authenticated REST requests per user. */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_REST: string = '300/1m';

  /** Login attempts per client address (any account). */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_LOGIN_ADDRESS: string = '10/1m';

  /** Registrations per client address. */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_REGISTER_ADDRESS: string = '10/1h';

  /** Failed logins per (account, address) before that pair backs off (LOGIN_BACKOFF_*). */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_LOGIN_FAILURES: string = '5/15m';

  /** Failed logins per account from all addresses; past it only addresses without failures get one try. */
  @Matches(RATE_PATTERN, { message: RATE_MESSAGE })
  RATE_LIMIT_LOGIN_ACCOUNT_FAILURES: string = '50/15m';

  /** First backoff of an (account, address) pair that used up RATE_LIMIT_LOGIN_FAILURES; doubles each time. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_BACKOFF_BASE_SECONDS: number = 60;

  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_BACKOFF_MAX_SECONDS: number = 3600;

  /** Password hashes (scrypt, 32 MiB each) computed at once; more wait in a queue of PASSWORD_HASH_QUEUE. */
  @IsInt()
  @Min(1)
  @Max(64)
  PASSWORD_HASH_CONCURRENCY: number = 2;

  /** Hashes that may wait; a login or registration beyond that is refused at once with RATE_LIMITED. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  PASSWORD_HASH_QUEUE: number = 16;

  /** Open sockets per user across the fleet; one more is refused at the handshake. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  SOCKETS_PER_USER: number = 20;

  /** `typing` events relayed per user and room at most once per this; the rest are answered ok and coalesced. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  TYPING_RELAY_INTERVAL_MS: number = 1500;

  /** `host:port,...`: turns Kafka on (scaled mode only): sends go through `<prefix>ingest`, events out to `<prefix>timeline`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]+:\d{1,5}(,[A-Za-z0-9_.-]+:\d{1,5})*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{0,100}$/, { message: 'KAFKA_TOPIC_PREFIX may only contain A-Z a-z 0-9 _ . - (at most 100)' })
  KAFKA_TOPIC_PREFIX: string = 'chat.';

  /** TLS to the brokers (managed Kafka). */
  @Flag()
  @IsBoolean()
  KAFKA_SSL: boolean = false;

  @IsOptional()
  @IsIn(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])
  KAFKA_SASL_MECHANISM?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

  @IsOptional()
  @IsString()
  KAFKA_SASL_USERNAME?: string;

  @IsOptional()
  @IsString()
  KAFKA_SASL_PASSWORD?: string;

  /** Partitions of `<prefix>ingest` when the pods create it: the most writers that can share the load. */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_INGEST_PARTITIONS: number = 12;

  /** Partitions of `<prefix>timeline` when the pods create it. */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TIMELINE_PARTITIONS: number = 12;

  /** Replicas of the topics the pods create; unset: the broker's default.replication.factor. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(16)
  KAFKA_REPLICATION_FACTOR?: number;

  /** Whether this pod is one of the ingest writers (the consumer group that stores sends). */
  @Flag()
  @IsBoolean()
  KAFKA_WRITER: boolean = true;

  /** A writer that does not heartbeat for this long loses its partitions to the others. */
  @IsInt()
  @Min(1000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 10_000;
}

function describe(errors: ValidationError[]): string {
  return errors
    .map((error) => {
      const reasons = Object.values(error.constraints ?? {}).join('; ');
      return `  ${error.property}: ${reasons}`;
    })
    .join('\n');
}

function kafkaProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (env.KAFKA_BROKERS && !env.DATABASE_URL) {
    problems.push('  KAFKA_BROKERS: needs scaled mode (DATABASE_URL and REDIS_URL)');
  }
  const sasl = [env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD];
  if (sasl.some(Boolean) && !sasl.every(Boolean)) {
    problems.push('  KAFKA_SASL_MECHANISM / KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD: set all three or none');
  }
  return problems;
}

/** ConfigModule's validate hook: converts, checks, and throws a message naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  // Treat empty strings as unset, as shells and compose files often pass them.
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const env = plainToInstance(EnvironmentVariables, cleaned, { enableImplicitConversion: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  const problems: string[] = errors.length ? [describe(errors)] : [];
  if (env.REDIS_URL && !env.DATABASE_URL) {
    problems.push('  DATABASE_URL: must be set when REDIS_URL is set (scaled mode needs both)');
  }
  if (env.DATABASE_URL && !env.REDIS_URL) {
    problems.push('  REDIS_URL: must be set when DATABASE_URL is set (scaled mode needs both)');
  }
  if (env.DATABASE_URL && !env.JWT_SECRET) {
    problems.push('  JWT_SECRET: must be set in scaled mode (all pods sign tokens with it)');
  }
  if (Boolean(env.ADMIN_USERNAME) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('  ADMIN_USERNAME / ADMIN_PASSWORD: set both or neither');
  }
  if (env.LOGIN_BACKOFF_MAX_SECONDS < env.LOGIN_BACKOFF_BASE_SECONDS) {
    problems.push('  LOGIN_BACKOFF_MAX_SECONDS: must be at least LOGIN_BACKOFF_BASE_SECONDS');
  }
  problems.push(...kafkaProblems(env));
  if (problems.length) {
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return env;
}

/** Validates the process environment before Nest starts, so a bad value stops the pod with a clear message. */
export function loadEnvironment(): EnvironmentVariables {
  return validateEnvironment(process.env);
}
