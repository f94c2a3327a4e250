import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { RoomsModule } from '../rooms/rooms.module';
import { ChatGateway } from './chat.gateway';
import { DrainService } from './drain.service';
import { SlowConsumerWatchdog } from './slow-consumer.watchdog';
import { SocketSessions } from './socket-sessions';
import { TokenExpiry } from './token-expiry';

/** The socket endpoint, on top of every feature; Redis, realtime transport and presence come from their global modules. */
@Module({
  imports: [MessagesModule, RoomsModule],
  providers: [ChatGateway, SocketSessions, DrainService, SlowConsumerWatchdog, TokenExpiry],
})
export class ChatModule {}
