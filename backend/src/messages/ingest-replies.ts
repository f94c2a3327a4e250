import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ApiError, Message, MessageSender } from '@chat/contracts';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';

/** The value of a `<prefix>ingest` record (its key is the room id). */
export interface IngestRequest {
  requestId: string;
  /** Pod whose sender waits for the outcome. */
  replyTo: string;
  roomId: string;
  sender: MessageSender;
  clientMsgId: string;
  body: string;
}

/** A writer's answer to one ingest request, after the PostgreSQL commit. */
export type IngestReply = { requestId: string; message: Message; created: boolean } | { requestId: string; error: ApiError };

const CHANNEL = 'ingest-replies';

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** The request in a record's value, or null when it is not one (such a record is skipped). */
export function parseIngestRequest(value: string): IngestRequest | null {
  try {
    const parsed = JSON.parse(value) as Partial<IngestRequest> | null;
    const sender = parsed?.sender;
    if (
      !parsed ||
      ![parsed.requestId, parsed.replyTo, parsed.roomId, parsed.clientMsgId, parsed.body].every(isString) ||
      !sender ||
      ![sender.id, sender.username, sender.displayName].every(isString)
    ) {
      return null;
    }
    return parsed as IngestRequest;
  } catch {
    return null;
  }
}

/**
 * Carries writers' answers back to the pods whose senders wait for them: to this pod directly, to
 * another over its own Redis shard channel (`<prefix>pod:<podId>:ingest-replies`). At most once: an
 * answer that finds no one waiting (the sender's deadline passed, its pod died) is dropped, and the
 * client's retry with the same clientMsgId finds the stored original.
 */
@Injectable()
export class IngestReplies implements OnApplicationBootstrap {
  private readonly logger = new Logger(IngestReplies.name);
  private listener: (reply: IngestReply) => void = () => undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisClients,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.kafka) return;
    this.redis.onPodMessage(this.config.podId, CHANNEL, (message) => {
      try {
        for (const reply of JSON.parse(message.toString()) as IngestReply[]) this.listener(reply);
      } catch (error) {
        this.logger.warn(`unreadable ingest reply: ${(error as Error).message}`);
      }
    });
  }

  /** Where this pod's answers go (the Kafka send pipeline). */
  listen(listener: (reply: IngestReply) => void): void {
    this.listener = listener;
  }

  /** Delivers answers to the pod `podId`. */
  send(podId: string, replies: IngestReply[]): void {
    if (podId === this.config.podId) {
      for (const reply of replies) this.listener(reply);
      return;
    }
    this.redis.toPod(podId, CHANNEL, JSON.stringify(replies)).catch((error: Error) => {
      this.logger.warn(`ingest replies to ${podId} lost (${error.message}); its senders retry`);
    });
  }
}
