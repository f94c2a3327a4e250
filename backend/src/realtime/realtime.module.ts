import { Global, Module } from '@nestjs/common';
import { RoomsRepository } from '../rooms/rooms.repository';
import { Broadcaster } from './broadcaster';
import { PodRegistry } from './pod-registry';
import { PresenceService } from './presence.service';
import { RealtimePubSub } from './pubsub';

@Global()
@Module({
  providers: [RealtimePubSub, Broadcaster, PresenceService, PodRegistry, RoomsRepository],
  exports: [RealtimePubSub, Broadcaster, PresenceService, PodRegistry],
})
export class RealtimeModule {}
