import { Controller, Get, Header, Headers } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import { Public, bearerToken } from '../common/route-access';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Prometheus scrape endpoint; with METRICS_TOKEN set, scrapers must send it as a bearer token. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.metricsToken;
    if (token && !sameSecret(bearerToken(authorization), token)) throw new AppError('UNAUTHORIZED', 'Metrics need the METRICS_TOKEN');
    return this.metrics.registry.metrics();
  }
}
