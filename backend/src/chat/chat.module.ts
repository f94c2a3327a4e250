import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { ChatGateway } from './chat.gateway';

/** The socket endpoint: gets the Redis pub/sub provider (RealtimeModule) and the message repository (MessagesModule) by DI. */
@Module({
  imports: [MessagesModule, RoomsModule],
  providers: [ChatGateway],
})
export class ChatModule {}
