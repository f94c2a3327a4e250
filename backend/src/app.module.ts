import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { join } from 'node:path';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RoomsModule } from './rooms/rooms.module';
import { UsersModule } from './users/users.module';

/** The built Angular client sits beside the backend build: dist/frontend/browser next to dist/backend. */
export const CLIENT_DIR = join(__dirname, '..', 'frontend', 'browser');

@Module({
  imports: [
    AppConfigModule,
    LoggingModule,
    MetricsModule,
    DatabaseModule,
    HealthModule,
    RealtimeModule,
    AuthModule,
    UsersModule,
    RoomsModule,
    MessagesModule,
    ChatModule,
    AdminModule,
    ServeStaticModule.forRoot({
      rootPath: CLIENT_DIR,
      exclude: ['/api/{*path}', '/health/{*path}', '/metrics', '/socket.io/{*path}'],
    }),
  ],
})
export class AppModule {}

/** Just enough to run migrations from the command line. */
@Module({ imports: [AppConfigModule, DatabaseModule] })
export class MigrateModule {}
