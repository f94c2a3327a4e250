import { Module } from '@nestjs/common';
import { TimelineEvents } from './timeline-events';
import { TimelineRelay } from './timeline-relay';

/** What every timeline write shares (seqs, the Kafka outbox) and the relay of that outbox to Kafka. */
@Module({
  providers: [TimelineEvents, TimelineRelay],
  exports: [TimelineEvents, TimelineRelay],
})
export class TimelineModule {}
