import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { AppError } from '../common/app-error';
import { withTimeout } from '../common/with-timeout';
import { DatabaseHealth } from '../database/database-health';
import { Public } from '../common/route-access';
import { KafkaClients } from '../kafka/kafka-clients';
import { RedisClients } from '../redis/redis-clients';
import { DrainState } from './draining';

const PING_TIMEOUT_MS = 1500;

/** Liveness (the process answers) and readiness (dependencies up, not draining); 503 when not ready. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealth,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisClients,
    private readonly drainState: DrainState,
    private readonly kafka: KafkaClients,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 `UNAVAILABLE` whose message names each dependency that is down and why (e.g. `kafka: …`). */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.checks();
    } catch (error) {
      const result = error instanceof ServiceUnavailableException ? (error.getResponse() as Partial<HealthCheckResult>) : null;
      if (!result?.error) throw error;
      const reasons = Object.entries(result.error).map(([name, detail]) => `${name}: ${String(detail?.['message'] ?? 'down')}`);
      throw AppError.unavailable(`Not ready: ${reasons.join('; ')}`);
    }
  }

  private checks(): Promise<HealthCheckResult> {
    const redis = this.redis.command;
    return this.health.check([
      () => this.probe('database', () => this.database.ping(PING_TIMEOUT_MS)),
      () =>
        redis
          ? this.probe('redis', () => withTimeout(redis.ping(), PING_TIMEOUT_MS))
          : this.indicators.check('redis').up({ mode: 'embedded' }),
      // With Kafka on, a send cannot be taken without the broker.
      ...(this.kafka.enabled ? [() => this.probe('kafka', () => this.kafka.ping(PING_TIMEOUT_MS))] : []),
      () => {
        const indicator = this.indicators.check('lifecycle');
        return this.drainState.draining ? indicator.down({ message: 'draining' }) : indicator.up();
      },
    ]);
  }

  private async probe(name: string, ping: () => Promise<unknown>) {
    const indicator = this.indicators.check(name);
    try {
      await ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
