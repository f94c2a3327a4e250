import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AdminSeeder } from './admin-seeder';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { resolveJwtSecret } from './jwt-secret';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { MemoryTokenRevocations, RedisTokenRevocations, TokenRevocations } from './token-revocations';
import { RedisClients } from '../redis/redis-clients';

@Global()
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A key object, made once: given a string, jsonwebtoken would first try (and fail) to parse it
        // as a public key on every verify, which a reconnect storm pays thousands of times.
        secret: createSecretKey(Buffer.from(resolveJwtSecret(config))),
        signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    PasswordHasher,
    LoginThrottle,
    AdminSeeder,
    {
      provide: TokenRevocations,
      inject: [RedisClients, AppConfig],
      useFactory: (redis: RedisClients, config: AppConfig): TokenRevocations =>
        redis.command ? new RedisTokenRevocations(redis.command, config.redisKeyPrefix) : new MemoryTokenRevocations(),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
