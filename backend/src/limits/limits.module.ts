import { Global, Module } from '@nestjs/common';
import { RateLimits } from './rate-limits';
import { SocketQuota } from './socket-quota';

/** Abuse limits (docs/security.md), for auth, REST and the gateway. */
@Global()
@Module({ providers: [RateLimits, SocketQuota], exports: [RateLimits, SocketQuota] })
export class LimitsModule {}
