import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { RoomMemberEntity } from './room-member.entity';
import { RoomEntity } from './room.entity';
import { RoomsController } from './rooms.controller';
import { RoomRepository } from './room.repository';
import { RoomsService } from './rooms.service';
import { SessionAnnouncer } from './session-announcer';

@Module({
  imports: [TypeOrmModule.forFeature([RoomEntity, RoomMemberEntity]), UsersModule],
  controllers: [RoomsController],
  providers: [RoomRepository, RoomsService, SessionAnnouncer],
  exports: [RoomRepository, RoomsService, SessionAnnouncer],
})
export class RoomsModule {}
