import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { ClientModule } from './client/client.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { KafkaModule } from './kafka/kafka.module';
import { LimitsModule } from './limits/limits.module';
import { LoggingModule } from './logging/logging.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { PresenceModule } from './presence/presence.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RedisModule } from './redis/redis.module';
import { RoomsModule } from './rooms/rooms.module';
import { SearchModule } from './search/search.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    MetricsModule,
    DatabaseModule,
    RedisModule,
    LimitsModule,
    KafkaModule,
    HealthModule,
    RealtimeModule,
    AuthModule,
    UsersModule,
    RoomsModule,
    PresenceModule,
    MessagesModule,
    SearchModule,
    ChatModule,
    AccountsModule,
    AdminModule,
    ClientModule,
  ],
})
export class AppModule {}

/** Just enough to run migrations from the command line. */
@Module({ imports: [AppConfigModule, DatabaseModule] })
export class MigrateModule {}
