import { Global, Module } from '@nestjs/common';
import { OnlineUsers } from '../rooms/online-users';
import { RoomsModule } from '../rooms/rooms.module';
import { PodRegistry } from './pod-registry';
import { PresenceService } from './presence.service';
import { TypingRelay } from './typing-relay';

/** Global so that RoomsModule, below it, gets OnlineUsers without importing it back. */
@Global()
@Module({
  imports: [RoomsModule],
  providers: [PresenceService, PodRegistry, TypingRelay, { provide: OnlineUsers, useExisting: PresenceService }],
  exports: [PresenceService, PodRegistry, TypingRelay, OnlineUsers],
})
export class PresenceModule {}
