import { trustProxySetting } from './app-config';
import { validateEnvironment } from './environment';

const SCALED = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/chat',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'x'.repeat(32),
};

describe('validateEnvironment', () => {
  it('applies defaults for an empty environment (embedded mode)', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('converts numbers and accepts a complete scaled configuration, including rediss:// URLs', () => {
    const env = validateEnvironment({ ...SCALED, REDIS_URL: 'rediss://user:pw@redis.example:6380', PORT: '8080' });
    expect(env.PORT).toBe(8080);
  });

  it('believes forwarded headers from private networks only, unless TRUST_PROXY says otherwise', () => {
    expect(trustProxySetting(validateEnvironment({}).TRUST_PROXY)).toBe('loopback, linklocal, uniquelocal');
    expect(trustProxySetting(validateEnvironment({ TRUST_PROXY: 'all' }).TRUST_PROXY)).toBe(true);
    expect(trustProxySetting(validateEnvironment({ TRUST_PROXY: 'none' }).TRUST_PROXY)).toBe(false);
    expect(trustProxySetting(validateEnvironment({ TRUST_PROXY: '10.0.0.0/8' }).TRUST_PROXY)).toBe('10.0.0.0/8');
  });

  it('names the variable that is wrong', () => {
    expect(() => validateEnvironment({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => validateEnvironment({ ...SCALED, REDIS_URL: 'http://x' })).toThrow(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => validateEnvironment({ LOG_LEVEL: 'chatty' })).toThrow(/LOG_LEVEL/);
  });

  it('requires both DATABASE_URL and REDIS_URL, and a JWT_SECRET, in scaled mode', () => {
    expect(() => validateEnvironment({ DATABASE_URL: SCALED.DATABASE_URL, JWT_SECRET: SCALED.JWT_SECRET })).toThrow(
      /REDIS_URL: must be set/,
    );
    expect(() => validateEnvironment({ REDIS_URL: SCALED.REDIS_URL })).toThrow(/DATABASE_URL: must be set/);
    expect(() => validateEnvironment({ DATABASE_URL: SCALED.DATABASE_URL, REDIS_URL: SCALED.REDIS_URL })).toThrow(/JWT_SECRET/);
    expect(() => validateEnvironment({ ...SCALED, JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
  });

  it('wants the admin account configured completely or not at all', () => {
    expect(() => validateEnvironment({ ADMIN_USERNAME: 'root' })).toThrow(/ADMIN_USERNAME \/ ADMIN_PASSWORD/);
    expect(validateEnvironment({ ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'longenough' }).ADMIN_USERNAME).toBe('root');
  });

  it('treats empty strings as unset', () => {
    expect(validateEnvironment({ DATABASE_URL: '', REDIS_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('turns Kafka on with KAFKA_BROKERS in scaled mode only, with flags and SASL checked', () => {
    const env = validateEnvironment({ ...SCALED, KAFKA_BROKERS: 'k1:9092,k2:9092', KAFKA_SSL: 'true', KAFKA_WRITER: 'false' });
    expect(env.KAFKA_SSL).toBe(true);
    expect(env.KAFKA_WRITER).toBe(false);
    expect(env.KAFKA_INGEST_PARTITIONS).toBe(12);
    expect(() => validateEnvironment({ KAFKA_BROKERS: 'k1:9092' })).toThrow(/KAFKA_BROKERS: needs scaled mode/);
    expect(() => validateEnvironment({ ...SCALED, KAFKA_BROKERS: 'http://k1' })).toThrow(/KAFKA_BROKERS must be host:port/);
    expect(() => validateEnvironment({ ...SCALED, KAFKA_BROKERS: 'k1:9092', KAFKA_SSL: 'maybe' })).toThrow(/KAFKA_SSL/);
    expect(() => validateEnvironment({ ...SCALED, KAFKA_BROKERS: 'k1:9092', KAFKA_SASL_MECHANISM: 'PLAIN' })).toThrow(
      /KAFKA_SASL_MECHANISM \/ KAFKA_SASL_USERNAME \/ KAFKA_SASL_PASSWORD/,
    );
  });
});
