import { Global, Module } from '@nestjs/common';
import { Broadcaster } from './broadcaster';

/** Socket.IO transport shared by every feature: emits to rooms and users on every pod. */
@Global()
@Module({
  providers: [Broadcaster],
  exports: [Broadcaster],
})
export class RealtimeModule {}
