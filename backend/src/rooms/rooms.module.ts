import { Module } from '@nestjs/common';
import { TimelineModule } from '../timeline/timeline.module';
import { UsersModule } from '../users/users.module';
import { RoomsController } from './rooms.controller';
import { RoomRepository } from './room.repository';
import { RoomsService } from './rooms.service';
import { SessionAnnouncer } from './session-announcer';

@Module({
  imports: [UsersModule, TimelineModule],
  controllers: [RoomsController],
  providers: [RoomRepository, RoomsService, SessionAnnouncer],
  exports: [RoomRepository, RoomsService, SessionAnnouncer],
})
export class RoomsModule {}
