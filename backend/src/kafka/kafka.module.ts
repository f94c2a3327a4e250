import { Global, Module } from '@nestjs/common';
import { KafkaClients } from './kafka-clients';

@Global()
@Module({ providers: [KafkaClients], exports: [KafkaClients] })
export class KafkaModule {}
