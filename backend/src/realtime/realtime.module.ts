import { Global, Module } from '@nestjs/common';
import { RoomsRepository } from '../rooms/rooms.repository';
import { Broadcaster } from './broadcaster';
import { PresenceService } from './presence.service';
import { RealtimePubSub } from './pubsub';

@Global()
@Module({
  providers: [RealtimePubSub, Broadcaster, PresenceService, RoomsRepository],
  exports: [RealtimePubSub, Broadcaster, PresenceService],
})
export class RealtimeModule {}
