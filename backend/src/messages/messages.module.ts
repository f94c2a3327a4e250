import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { MessageRepository } from './message.repository';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

@Module({
  imports: [RoomsModule],
  controllers: [MessagesController],
  providers: [MessageRepository, MessageWriter, MessagesService],
  exports: [MessageRepository, MessagesService, MessageWriter],
})
export class MessagesModule {}
