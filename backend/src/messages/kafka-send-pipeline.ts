import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Message } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { KafkaClients, KafkaRecord } from '../kafka/kafka-clients';
import { IngestReplies, IngestReply, IngestRequest } from './ingest-replies';
import { IngestWriter } from './ingest-writer';
import type { PendingSend, SendOutcome } from './message.repository';
import { SendPipeline } from './send-pipeline';

/** Most sends waiting for their outcome before new ones are refused at once (as MessageWriter's queue). */
const WAITING_LIMIT = 10_000;
/** A broker that does not acknowledge a produce within this is treated as down for that send. */
const PRODUCE_TIMEOUT_MS = 3_000;

interface Waiting {
  resolve: (outcome: SendOutcome) => void;
  deadline: NodeJS.Timeout;
}

/**
 * Kafka mode's send path (KAFKA_BROKERS): each send is produced to `<prefix>ingest`, keyed by room id
 * (sends of one event-loop turn share one produce request), and answered when the writer that owns the
 * room's partition reports the commit (IngestReplies), or UNAVAILABLE at the deadline
 * (DB_STATEMENT_TIMEOUT_MS + 1 s, as in direct mode) or at once when the broker does not take it.
 * A send answered UNAVAILABLE may still be stored later; the retry with the same clientMsgId returns it.
 */
@Injectable()
export class KafkaSendPipeline extends SendPipeline implements OnApplicationBootstrap {
  private readonly waiting = new Map<string, Waiting>();
  private outgoing: { record: KafkaRecord; requestId: string }[] = [];
  private scheduled = false;

  constructor(
    private readonly config: AppConfig,
    private readonly kafka: KafkaClients,
    private readonly replies: IngestReplies,
    private readonly writer: IngestWriter,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (this.config.kafka) this.replies.listen((reply) => this.answer(reply));
  }

  get pending(): number {
    return this.waiting.size;
  }

  onCommitted(listener: (message: Message) => void): void {
    this.writer.onCommitted(listener);
  }

  write(send: PendingSend): Promise<SendOutcome> {
    const settings = this.config.kafka;
    if (!settings) return Promise.resolve({ error: AppError.unavailable('Kafka is not configured') });
    if (this.waiting.size >= WAITING_LIMIT) {
      return Promise.resolve({ error: AppError.unavailable('Too many messages are waiting to be stored; try again') });
    }
    const requestId = randomUUID();
    const request: IngestRequest = { requestId, replyTo: this.config.podId, ...send };
    return new Promise((resolve) => {
      const deadline = setTimeout(
        () => this.settle(requestId, { error: AppError.unavailable('The message was not confirmed in time; try again') }),
        this.config.writeBatch.deadlineMs,
      );
      this.waiting.set(requestId, { resolve, deadline });
      this.outgoing.push({ requestId, record: { topic: settings.topics.ingest, key: send.roomId, value: JSON.stringify(request) } });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.outgoing;
      this.outgoing = [];
      if (batch.length) void this.produce(batch);
    });
  }

  private async produce(batch: { record: KafkaRecord; requestId: string }[]): Promise<void> {
    try {
      await this.kafka.produce(
        batch.map((entry) => entry.record),
        Math.min(PRODUCE_TIMEOUT_MS, this.config.writeBatch.deadlineMs),
      );
    } catch {
      // Not acknowledged: maybe not written, maybe written (then stored later, and found by the retry).
      const error = AppError.unavailable('The message queue is not reachable; try again');
      for (const entry of batch) this.settle(entry.requestId, { error });
    }
  }

  private answer(reply: IngestReply): void {
    if ('error' in reply) {
      this.settle(reply.requestId, { error: new AppError(reply.error.code, reply.error.message, reply.error.fields) });
    } else {
      this.settle(reply.requestId, { message: reply.message, created: reply.created });
    }
  }

  private settle(requestId: string, outcome: SendOutcome): void {
    const waiting = this.waiting.get(requestId);
    if (!waiting) return;
    this.waiting.delete(requestId);
    clearTimeout(waiting.deadline);
    waiting.resolve(outcome);
  }
}
