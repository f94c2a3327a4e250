import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { ChatGateway } from './chat.gateway';
import { DrainService } from './drain.service';
import { SlowConsumerGuard } from './slow-consumer.guard';

/** The socket endpoint: gets the Redis pub/sub provider (RealtimeModule) and the message repository (MessagesModule) by DI. */
@Module({
  imports: [MessagesModule, RoomsModule],
  providers: [ChatGateway, DrainService, SlowConsumerGuard],
})
export class ChatModule {}
