import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.guard';
import { RealtimePubSub } from '../realtime/pubsub';
import { Lifecycle } from './lifecycle';

/** Liveness (the process answers) and readiness (dependencies up, not draining); 503 when not ready. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly pubsub: RealtimePubSub,
    private readonly lifecycle: Lifecycle,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      async () => {
        const indicator = this.indicators.check('redis');
        const redis = this.pubsub.redis;
        if (!redis) return indicator.up({ mode: 'embedded' });
        try {
          await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500))]);
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      },
      () => {
        const indicator = this.indicators.check('lifecycle');
        return this.lifecycle.draining ? indicator.down({ message: 'draining' }) : indicator.up();
      },
    ]);
  }
}
