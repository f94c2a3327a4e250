import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { RoomMemberEntity } from './room-member.entity';
import { RoomEntity } from './room.entity';
import { RoomsController } from './rooms.controller';
import { RoomRepository } from './room.repository';
import { RoomsService } from './rooms.service';

@Module({
  imports: [TypeOrmModule.forFeature([RoomEntity, RoomMemberEntity]), UsersModule],
  controllers: [RoomsController],
  providers: [RoomRepository, RoomsService],
  exports: [RoomRepository, RoomsService],
})
export class RoomsModule {}
