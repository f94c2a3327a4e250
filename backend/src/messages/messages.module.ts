import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoomsModule } from '../rooms/rooms.module';
import { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity]), RoomsModule],
  controllers: [MessagesController],
  providers: [MessageRepository, MessageWriter, MessagesService],
  exports: [MessageRepository, MessagesService, MessageWriter],
})
export class MessagesModule {}
