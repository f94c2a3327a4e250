import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RoomsModule } from '../rooms/rooms.module';
import { IngestReplies } from './ingest-replies';
import { IngestWriter } from './ingest-writer';
import { KafkaSendPipeline } from './kafka-send-pipeline';
import { MessageRepository } from './message.repository';
import { MessageWriter } from './message-writer';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { SendPipeline } from './send-pipeline';
import { TimelineModule } from '../timeline/timeline.module';

@Module({
  imports: [RoomsModule, TimelineModule],
  controllers: [MessagesController],
  providers: [
    MessageRepository,
    MessageWriter,
    IngestReplies,
    IngestWriter,
    KafkaSendPipeline,
    // Sends go straight to the group commit, or through Kafka when KAFKA_BROKERS is set.
    {
      provide: SendPipeline,
      inject: [AppConfig, MessageWriter, KafkaSendPipeline],
      useFactory: (config: AppConfig, direct: MessageWriter, kafka: KafkaSendPipeline): SendPipeline => (config.kafka ? kafka : direct),
    },
    MessagesService,
  ],
  exports: [MessageRepository, MessagesService, SendPipeline],
})
export class MessagesModule {}
