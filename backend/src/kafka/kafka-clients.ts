import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  Admin,
  Consumer,
  type ConsumerOptions,
  type MessageToProduce,
  ProduceAcks,
  Producer,
  type SASLOptions,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { withTimeout } from '../common/with-timeout';
import { AppConfig, KafkaSettings } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';

/** Connecting to a broker that is down fails within this, so callers answer UNAVAILABLE instead of hanging. */
const CONNECT_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
const TOPIC_RETRY_MS = 2_000;

export type KafkaRecord = MessageToProduce<string, string, string, string>;
export type StringConsumer = Consumer<string, string, string, string>;

/** Lag of the ingest writers' group: records in `<prefix>ingest` not yet stored, per partition. */
export interface IngestLag {
  total: number;
  partitions: { partition: number; lag: number }[];
}

function connectionOptions(settings: KafkaSettings, clientId: string) {
  const sasl: SASLOptions | undefined = settings.sasl ?? undefined;
  return {
    clientId,
    bootstrapBrokers: settings.brokers,
    connectTimeout: CONNECT_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retries: 2,
    retryDelay: 250,
    // Node's default TLS settings (system CAs, host name checked); SASL credentials come only from configuration.
    ...(settings.ssl ? { tls: {} } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

/**
 * The pod's Kafka clients when KAFKA_BROKERS is set (null settings otherwise, and nothing here runs):
 * one idempotent producer (acks=all) for both topics, an admin client for topics, health and lag, and
 * consumers made on request. Topics are created at start-up when missing, retried in the background
 * while the broker is unreachable (the pod starts anyway; readiness says why it is not ready).
 */
@Injectable()
export class KafkaClients implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly settings: KafkaSettings | null;
  private readonly logger = new Logger('Kafka');
  private readonly producer: Producer<string, string, string, string> | null = null;
  private readonly admin: Admin | null = null;
  private topicsCreated = false;
  private closed = false;
  private topicTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.kafka;
    if (!this.settings) return;
    this.producer = new Producer({
      ...connectionOptions(this.settings, `${config.podId}-producer`),
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: stringSerializers,
    });
    this.admin = new Admin(connectionOptions(this.settings, `${config.podId}-admin`));
    this.producer.on('error', (error: Error) => this.logger.warn(`producer: ${error.message}`));
    this.admin.on('error', (error: Error) => this.logger.warn(`admin: ${error.message}`));
  }

  get enabled(): boolean {
    return this.settings !== null;
  }

  /** Whether the topics exist (created now or found). */
  get topicsReady(): boolean {
    return this.topicsCreated;
  }

  onApplicationBootstrap(): void {
    if (this.settings) void this.ensureTopics();
  }

  private async ensureTopics(): Promise<void> {
    const settings = this.settings;
    const admin = this.admin;
    if (!settings || !admin || this.closed) return;
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [
        { name: settings.topics.ingest, partitions: settings.partitions.ingest },
        { name: settings.topics.timeline, partitions: settings.partitions.timeline },
      ].filter((topic) => !existing.has(topic.name));
      for (const topic of wanted) {
        await admin
          .createTopics({ topics: [topic.name], partitions: topic.partitions, replicas: settings.replicationFactor ?? -1 })
          .catch((error: Error) => {
            // Another pod created it at the same time.
            if (!/already exists/i.test(`${error.message} ${JSON.stringify((error as { errors?: unknown }).errors ?? '')}`)) throw error;
          });
        this.logger.log(`Created topic ${topic.name} (${topic.partitions} partitions)`);
      }
      this.topicsCreated = true;
    } catch (error) {
      this.logger.warn(`Kafka topics not ready (${(error as Error).message}); retrying`);
      this.topicTimer = setTimeout(() => void this.ensureTopics(), TOPIC_RETRY_MS);
    }
  }

  /** Produces records and resolves once the broker acknowledged all of them (acks=all), or rejects within `timeoutMs`. */
  async produce(records: KafkaRecord[], timeoutMs: number): Promise<void> {
    const producer = this.required(this.producer);
    const topic = records[0]?.topic ?? 'none';
    const timer = this.metrics.kafkaProduceSeconds.startTimer({ topic });
    try {
      await withTimeout(producer.send({ messages: records }), timeoutMs);
      timer({ outcome: 'ok' });
    } catch (error) {
      timer({ outcome: 'error' });
      throw error;
    }
  }

  /** A consumer of string keys and values in `groupId`, on this pod's connection settings. */
  consumer(groupId: string, options: Partial<ConsumerOptions<string, string, string, string>> = {}): StringConsumer {
    const settings = this.required(this.settings);
    const consumer = new Consumer<string, string, string, string>({
      ...connectionOptions(settings, `${this.config.podId}-writer`),
      groupId,
      deserializers: stringDeserializers,
      ...options,
    } as ConsumerOptions<string, string, string, string>);
    consumer.on('error', (error: Error) => this.logger.warn(`consumer: ${error.message}`));
    return consumer;
  }

  /** Readiness: the broker answers a metadata request for our topics within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const admin = this.required(this.admin);
    const settings = this.required(this.settings);
    if (!this.topicsCreated) throw new Error('topics not created yet (broker unreachable?)');
    await withTimeout(admin.metadata({ topics: [settings.topics.ingest], forceUpdate: true }), timeoutMs);
  }

  /** The ingest writers' lag, from the group's committed offsets and the partitions' ends. */
  async ingestLag(timeoutMs: number): Promise<IngestLag> {
    const admin = this.required(this.admin);
    const settings = this.required(this.settings);
    const topic = settings.topics.ingest;
    const work = async () => {
      const metadata = await admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_, index) => index);
      const [ends, groups] = await Promise.all([
        admin.listOffsets({
          topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
        }),
        admin.listConsumerGroupOffsets({
          groups: [{ groupId: settings.writerGroup, topics: [{ name: topic, partitionIndexes: partitions }] }],
        }),
      ]);
      const committed = new Map(
        (groups[0]?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]),
      );
      const rows = (ends[0]?.partitions ?? []).map((p) => {
        const done = committed.get(p.partitionIndex) ?? -1n;
        return { partition: p.partitionIndex, lag: Number(done < 0n ? p.offset : p.offset - done) };
      });
      rows.sort((a, b) => a.partition - b.partition);
      return { total: rows.reduce((sum, row) => sum + Math.max(0, row.lag), 0), partitions: rows };
    };
    return withTimeout(work(), timeoutMs);
  }

  private required<T>(value: T | null): T {
    if (value === null) throw new Error('Kafka is not configured (KAFKA_BROKERS)');
    return value;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.topicTimer) clearTimeout(this.topicTimer);
    await Promise.allSettled([this.producer?.close(), this.admin?.close()]);
  }
}
