import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RateWindow } from './rate-window';

/**
 * Prometheus metrics of this pod. Labels stay low-cardinality: never a room, user or message id.
 * Default metrics include process CPU/memory, GC, and event-loop lag.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly persistedWindow = new RateWindow();
  private connectionCount: () => number = () => 0;

  readonly connections: Gauge = new Gauge({
    name: 'chat_connections',
    help: 'Socket.IO connections open on this pod',
    registers: [this.registry],
    collect: (): void => this.connections.set(this.connectionCount()),
  });
  readonly messagesReceived = new Counter({
    name: 'chat_messages_received_total',
    help: 'message:send requests received',
    registers: [this.registry],
  });
  readonly messagesPersisted = new Counter({
    name: 'chat_messages_persisted_total',
    help: 'New messages committed to PostgreSQL (resends not counted)',
    registers: [this.registry],
  });
  readonly messagesDelivered = new Counter({
    name: 'chat_messages_delivered_total',
    help: 'message:new events written to sockets of this pod',
    registers: [this.registry],
  });
  readonly sendAck = new Histogram({
    name: 'chat_send_ack_seconds',
    help: 'Time from a message:send to its answer (stored, or refused)',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'chat_db_batch_size',
    help: 'Sends per group-commit transaction',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'chat_db_batch_seconds',
    help: 'Duration of group-commit transactions',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly fanoutReceived = new Counter({
    name: 'chat_fanout_received_total',
    help: 'Fan-out messages this pod received from Redis, by channel: room (events of a room with a socket here), user (of a user connected here), cluster (membership changes, multi-room broadcasts, pod-to-pod requests)',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'chat_rate_limited_total',
    help: 'Requests refused with RATE_LIMITED, by limit (message_send, message_change, rest, login_address, login_failures, login_account, register_address, password_hash_queue, sockets_per_user)',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly typingCoalesced = new Counter({
    name: 'chat_typing_coalesced_total',
    help: 'typing events answered ok but not relayed (at most one per user and room per TYPING_RELAY_INTERVAL_MS)',
    registers: [this.registry],
  });
  readonly redisReconnects = new Counter({
    name: 'chat_redis_reconnects_total',
    help: 'Redis reconnection attempts',
    labelNames: ['connection'],
    registers: [this.registry],
  });

  readonly kafkaProduceSeconds = new Histogram({
    name: 'chat_kafka_produce_seconds',
    help: 'Time for the broker to acknowledge (acks=all) a produce request, by topic',
    labelNames: ['topic', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly kafkaCommitSeconds = new Histogram({
    name: 'chat_kafka_commit_seconds',
    help: 'Time to commit the ingest writers’ offsets after a batch is stored',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly kafkaBatchSize = new Histogram({
    name: 'chat_kafka_ingest_batch_size',
    help: 'Records of <prefix>ingest written to PostgreSQL per batch by this pod’s writer',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
    registers: [this.registry],
  });
  readonly kafkaRebalances = new Counter({
    name: 'chat_kafka_rebalances_total',
    help: 'Ingest consumer group joins of this pod (each one bumps the epochs of the partitions it was given)',
    registers: [this.registry],
  });
  readonly kafkaFenced = new Counter({
    name: 'chat_kafka_fenced_records_total',
    help: 'Ingest records a stale writer was refused (its partition epoch had moved on); they are redelivered to the owner',
    registers: [this.registry],
  });
  readonly kafkaConsumerLag = new Gauge({
    name: 'chat_kafka_consumer_lag',
    help: 'Records of <prefix>ingest not yet stored, per partition this pod writes (high watermark minus next offset)',
    labelNames: ['partition'],
    registers: [this.registry],
  });
  readonly kafkaOutboxRelayed = new Counter({
    name: 'chat_kafka_timeline_relayed_total',
    help: 'Timeline events this pod’s relay produced to <prefix>timeline (and deleted from the outbox)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  countConnectionsWith(reader: () => number): void {
    this.connectionCount = reader;
  }

  persisted(count: number): void {
    this.messagesPersisted.inc(count);
    this.persistedWindow.add(count);
  }

  /** New messages this pod committed in the last minute. */
  persistedLastMinute(): number {
    return this.persistedWindow.total();
  }
}
