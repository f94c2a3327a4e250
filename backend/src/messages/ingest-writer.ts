import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  type ConsumerGroupJoinPayload,
  ListOffsetTimestamps,
  type Message as KafkaMessage,
  type MessagesStream,
} from '@platformatic/kafka';
import type { Message } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { toAppError } from '../common/to-app-error';
import { withTimeout } from '../common/with-timeout';
import { AppConfig, KafkaSettings } from '../config/app-config';
import { KafkaClients, StringConsumer } from '../kafka/kafka-clients';
import { MetricsService } from '../metrics/metrics.service';
import { IngestReplies, IngestReply, IngestRequest, parseIngestRequest } from './ingest-replies';
import { FencedSend, MessageRepository, SendOutcome } from './message.repository';
import { errorStack, errorSummary } from '../common/error-summary';

type Record = KafkaMessage<string, string, string, string>;

/** What this writer knows of a partition it was assigned in the current generation. */
interface PartitionState {
  epoch: number;
  /** The next offset to take: records below it are done (or in a batch), a record above it means a gap. */
  next: bigint;
  /** Offset after the last record stored (for the lag gauge). */
  stored: bigint;
  /** A batch was refused because another writer bumped the epoch: skip the partition until the next join. */
  fenced: boolean;
  /** Records taken, in offset order, not yet in a batch. */
  queue: Taken[];
}

interface Taken {
  record: Record;
  request: IngestRequest | null;
}

/** Records waiting for a batch (all partitions) past which the stream is paused (back-pressure while PostgreSQL is slow or down). */
const QUEUE_HIGH = 5_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;
const START_RETRY_MS = 2_000;
const LAG_INTERVAL_MS = 5_000;
const CLOSE_TIMEOUT_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One ingest writer (KAFKA_WRITER, on by default): a member of the writers' consumer group that stores
 * the sends of the `<prefix>ingest` partitions it is assigned, in large batches, as their rooms' single
 * writer.
 *
 * - Pipelined per partition: each partition has its own queue and at most one batch in flight (a room is
 *   one partition, so its sends stay in order), while batches of different partitions are written at
 *   once, at most half of DB_POOL_SIZE of them so that reads, edits and the relay still find connections.
 *   A partition whose batch is done goes to the back of the line for the next free slot.
 * - Fencing: on every join it claims its partitions (bumps their epochs in PostgreSQL) and every batch
 *   is written only while those epochs are current (`chat_write_batch_fenced`), so a writer that lost a
 *   partition (paused past its session, cut off) writes nothing more of it; its records are dropped
 *   uncommitted and the new owner reads them from the committed offset.
 * - Order and exactly once: records of a partition are taken strictly in offset order from the committed
 *   offset on (a stale or skipped-ahead record rewinds the fetch position); a batch that meets an outage is
 *   retried as is until PostgreSQL answers (each partition on its own backoff: the others need no
 *   coordination to wait, and go on when the outage was one batch's, e.g. a statement timeout); offsets
 *   are committed per partition only after the PostgreSQL commit, and a redelivered record finds its
 *   stored original by clientMsgId.
 * - Answers go to the sender's pod (IngestReplies); new messages to the committed listeners (broadcast).
 */
@Injectable()
export class IngestWriter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestWriter.name);
  private readonly settings: KafkaSettings | null;
  private readonly batchMax: number;
  /** Batches in flight at once, over all partitions. */
  private readonly concurrency: number;
  private consumer: StringConsumer | null = null;
  private stream: MessagesStream<string, string, string, string> | null = null;
  private generation = 0;
  private joining = true;
  private readonly partitions = new Map<number, PartitionState>();
  /** Batches in flight, by partition: at most one each, also across rejoins (an old generation's batch ends first). */
  private readonly writing = new Map<number, Promise<void>>();
  private stopped = false;
  private lagTimer?: NodeJS.Timeout;
  private readonly committedListeners: ((message: Message) => void)[] = [];

  constructor(
    config: AppConfig,
    private readonly kafka: KafkaClients,
    private readonly repository: MessageRepository,
    private readonly replies: IngestReplies,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.kafka?.writer ? config.kafka : null;
    this.batchMax = config.writeBatch.max;
    this.concurrency = Math.max(1, Math.floor(config.dbPoolSize / 2));
  }

  onCommitted(listener: (message: Message) => void): void {
    this.committedListeners.push(listener);
  }

  onApplicationBootstrap(): void {
    if (!this.settings) return;
    void this.start(this.settings);
    this.lagTimer = setInterval(() => void this.measureLag(), LAG_INTERVAL_MS);
    this.lagTimer.unref();
  }

  /** Joins the group once the topics exist; starts again whenever the stream ends (e.g. after a failed commit). */
  private async start(settings: KafkaSettings): Promise<void> {
    while (!this.stopped) {
      if (!this.kafka.topicsReady) {
        await sleep(START_RETRY_MS / 4);
        continue;
      }
      const consumer = this.kafka.consumer(settings.writerGroup, {
        sessionTimeout: settings.sessionTimeoutMs,
        heartbeatInterval: Math.max(200, Math.floor(settings.sessionTimeoutMs / 10)),
        rebalanceTimeout: settings.sessionTimeoutMs,
        autocommit: false,
        maxWaitTime: 500,
      });
      consumer.on('consumer:group:join', (payload) => this.joined(consumer, payload));
      try {
        const stream = await consumer.consume({
          topics: [settings.topics.ingest],
          mode: 'committed',
          fallbackMode: 'earliest',
          autocommit: false,
        });
        if (this.stopped) {
          await this.close(consumer, stream);
          return;
        }
        this.consumer = consumer;
        this.stream = stream;
        stream.on('data', (record) => this.receive(record));
        stream.on('error', (error: Error) => this.logger.warn(`ingest stream: ${error.message}`));
        await new Promise<void>((resolve) => stream.once('close', resolve));
        if (this.stopped) return;
        this.logger.warn('ingest stream closed; rejoining');
      } catch (error) {
        this.logger.warn(`ingest writer could not join (${errorSummary(error)}); retrying`);
      }
      this.generation += 1;
      this.joining = true;
      this.partitions.clear();
      this.stream = null;
      this.consumer = null;
      await this.close(consumer, null);
      await sleep(START_RETRY_MS);
    }
  }

  /** A (re)join: forget what was taken but not written (it is fetched again), claim the partitions given. */
  private joined(consumer: StringConsumer, payload: ConsumerGroupJoinPayload): void {
    const settings = this.settings;
    if (!settings) return;
    this.metrics.kafkaRebalances.inc();
    this.metrics.kafkaConsumerLag.reset();
    this.generation += 1;
    this.joining = true;
    this.partitions.clear();
    this.pace();
    const assigned = (payload.assignments ?? consumer.assignments ?? [])
      .filter((assignment) => assignment.topic === settings.topics.ingest)
      .flatMap((assignment) => assignment.partitions)
      .sort((a, b) => a - b);
    void this.claim(consumer, settings.topics.ingest, this.generation, assigned);
  }

  private async claim(consumer: StringConsumer, topic: string, generation: number, assigned: number[]): Promise<void> {
    for (let attempt = 0; !this.stopped && generation === this.generation; attempt += 1) {
      try {
        const epochs = assigned.length ? await this.repository.claimPartitions(topic, assigned) : new Map<number, number>();
        const starts = assigned.length ? await this.startOffsets(consumer, topic, assigned) : new Map<number, bigint>();
        if (generation !== this.generation) return;
        for (const partition of assigned) {
          const epoch = epochs.get(partition);
          const next = starts.get(partition);
          if (epoch === undefined || next === undefined) throw new Error(`partition ${partition} was not claimed`);
          this.partitions.set(partition, { epoch, next, stored: next, fenced: false, queue: [] });
          this.rewind(topic, partition, next);
        }
        this.joining = false;
        this.logger.log(`ingest writer owns partitions [${assigned.join(',')}] (generation ${generation})`);
        return;
      } catch (error) {
        this.logger.warn(`claiming ingest partitions failed (${errorSummary(error)}); retrying`);
        await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt));
      }
    }
  }

  /** Where each partition starts: the group's committed offset, or the log's start when none was committed. */
  private async startOffsets(consumer: StringConsumer, topic: string, partitions: number[]): Promise<Map<number, bigint>> {
    const committed = (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
    const missing = partitions.filter((partition) => (committed[partition] ?? -1n) < 0n);
    const earliest = missing.length
      ? ((await consumer.listOffsets({ topics: [topic], partitions: { [topic]: missing }, timestamp: ListOffsetTimestamps.EARLIEST })).get(
          topic,
        ) ?? [])
      : [];
    return new Map(
      partitions.map((partition) => {
        const done = committed[partition] ?? -1n;
        return [partition, done >= 0n ? done : (earliest[partition] ?? 0n)];
      }),
    );
  }

  /**
   * Makes the stream fetch the partition from `offset` next. The stream's own position can run ahead of
   * what this writer took (records fetched before a rejoin, dropped while claiming), and this is its
   * documented, mutable position map.
   */
  private rewind(topic: string, partition: number, offset: bigint): void {
    this.stream?.offsetsToFetch.set(`${topic}:${partition}`, offset);
  }

  private receive(record: Record): void {
    const state = this.partitions.get(record.partition);
    if (this.joining || !state || state.fenced || record.offset < state.next) return;
    if (record.offset > state.next) {
      this.rewind(record.topic, record.partition, state.next);
      return;
    }
    state.next = record.offset + 1n;
    state.queue.push({ record, request: parseIngestRequest(record.value) });
    this.pace();
    this.schedule();
  }

  /** Back-pressure: the stream is paused while the queues hold QUEUE_HIGH records or more. */
  private pace(): void {
    const stream = this.stream;
    if (!stream) return;
    let queued = 0;
    for (const state of this.partitions.values()) queued += state.queue.length;
    if (queued >= QUEUE_HIGH) stream.pause();
    else if (stream.isPaused()) stream.resume();
  }

  /** Starts a batch for each partition with records and none in flight, while fewer than `concurrency` are. */
  private schedule(): void {
    if (this.stopped) return;
    for (const [partition, state] of this.partitions) {
      if (this.writing.size >= this.concurrency) return;
      if (state.queue.length && !this.writing.has(partition)) this.writing.set(partition, this.writeNext(partition));
    }
  }

  /** The partition's next batch, taken once this turn of the event loop is done so that records fetched together share it. */
  private async writeNext(partition: number): Promise<void> {
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const batch = this.partitions.get(partition)?.queue.splice(0, this.batchMax) ?? [];
      this.pace();
      if (batch.length) await this.write(partition, batch, this.generation);
    } catch (error) {
      this.logger.error(errorSummary(error), errorStack(error));
    } finally {
      this.writing.delete(partition);
      // To the back of the line (a Map iterates in insertion order): with more partitions than slots, none waits forever.
      const state = this.partitions.get(partition);
      if (state) {
        this.partitions.delete(partition);
        this.partitions.set(partition, state);
      }
      this.schedule();
    }
  }

  /** Writes one batch of a partition (retried while PostgreSQL is unavailable), answers its senders and commits its offset. */
  private async write(partition: number, batch: Taken[], generation: number): Promise<void> {
    const settings = this.settings;
    const state = this.partitions.get(partition);
    if (!settings || !state || generation !== this.generation) return;
    const topic = settings.topics.ingest;
    const valid = batch.filter((taken): taken is Taken & { request: IngestRequest } => taken.request !== null);
    const sends: FencedSend[] = valid.map(({ request }) => ({ ...request, partition, epoch: state.epoch }));
    this.metrics.kafkaBatchSize.observe(batch.length);
    let result: { outcomes: SendOutcome[]; fenced: boolean[] } | null = null;
    let failedBefore = false;
    for (let attempt = 0; !result; attempt += 1) {
      // A rejoin meanwhile: the records are fetched again from the committed offset.
      if (this.stopped || generation !== this.generation) return;
      result = sends.length ? await this.tryWrite(topic, sends) : { outcomes: [], fenced: [] };
      if (result) break;
      failedBefore = true;
      await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt));
    }
    const answers = new Map<string, IngestReply[]>();
    valid.forEach(({ request }, index) => {
      const outcome = result.outcomes[index];
      if (result.fenced[index] || !outcome) return;
      // After a failed attempt, the database may have committed that attempt without its answer reaching
      // this writer: those sends come back now as stored originals, and nobody else would broadcast them.
      // (A client's own resend of an older message is then broadcast again, which clients ignore.)
      if ('message' in outcome && (outcome.created || failedBefore))
        for (const listener of this.committedListeners) listener(outcome.message);
      const reply: IngestReply =
        'error' in outcome
          ? { requestId: request.requestId, error: outcome.error.toApiError() }
          : { requestId: request.requestId, message: outcome.message, created: outcome.created };
      const forPod = answers.get(request.replyTo);
      if (forPod) forPod.push(reply);
      else answers.set(request.replyTo, [reply]);
    });
    for (const [podId, replies] of answers) this.replies.send(podId, replies);
    // After a rejoin meanwhile, a refusal was this writer's own new claim: the records are fetched again.
    if (generation !== this.generation) return;
    const fenced = result.fenced.filter(Boolean).length;
    if (fenced) this.fence(partition, state, fenced);
    else this.commit(topic, state, batch);
  }

  /** One attempt: the outcomes, or null when PostgreSQL is unavailable (retry). A batch failing otherwise is written one send at a time. */
  private async tryWrite(topic: string, sends: FencedSend[]): Promise<{ outcomes: SendOutcome[]; fenced: boolean[] } | null> {
    const timer = this.metrics.batchSeconds.startTimer();
    try {
      const result = await this.repository.writeFencedBatch(topic, sends);
      timer({ outcome: 'ok' });
      return result;
    } catch (error) {
      timer({ outcome: 'error' });
      const failure = toAppError(error);
      if (failure.code === 'UNAVAILABLE') return null;
      if (sends.length === 1) {
        this.logger.error(errorSummary(error), errorStack(error));
        return { outcomes: [{ error: failure }], fenced: [false] };
      }
    }
    const outcomes: SendOutcome[] = [];
    const fenced: boolean[] = [];
    for (const send of sends) {
      const one = await this.tryWrite(topic, [send]);
      if (!one) return null;
      outcomes.push(one.outcomes[0] ?? { error: AppError.unavailable() });
      fenced.push(one.fenced[0] ?? false);
    }
    return { outcomes, fenced };
  }

  /** Another writer owns the partition now: drop its queue and take nothing more of it until this writer rejoins. */
  private fence(partition: number, state: PartitionState, records: number): void {
    this.metrics.kafkaFenced.inc(records);
    state.fenced = true;
    state.queue = [];
    this.pace();
    this.logger.warn(`fenced out of ingest partition ${partition}: another writer claimed it`);
  }

  /** Commits the offset after the batch's last record (the batch is one partition's, in offset order). */
  private commit(topic: string, state: PartitionState, batch: Taken[]): void {
    const consumer = this.consumer;
    const last = batch[batch.length - 1]?.record;
    if (!consumer || !last) return;
    state.stored = last.offset + 1n;
    const offsets = [{ topic, partition: last.partition, offset: last.offset + 1n, leaderEpoch: last.leaderEpoch }];
    const timer = this.metrics.kafkaCommitSeconds.startTimer();
    consumer.commit({ offsets }).then(
      () => timer({ outcome: 'ok' }),
      (error: Error) => {
        // Not fatal: the records are stored; whoever reads them again finds them by clientMsgId.
        timer({ outcome: 'error' });
        this.logger.warn(`committing ingest offsets failed: ${error.message}`);
      },
    );
  }

  private async measureLag(): Promise<void> {
    const consumer = this.consumer;
    const topic = this.settings?.topics.ingest;
    if (!consumer || !topic || this.joining || !this.partitions.size) return;
    try {
      const partitions = [...this.partitions.keys()];
      const ends = (await consumer.listOffsets({ topics: [topic], partitions: { [topic]: partitions } })).get(topic) ?? [];
      for (const [partition, state] of this.partitions) {
        const end = ends[partition];
        if (end !== undefined) this.metrics.kafkaConsumerLag.set({ partition: String(partition) }, Number(end - state.stored));
      }
    } catch {
      // The broker is away; readiness reports it.
    }
  }

  /** Leaves the group (its partitions move to the other writers at once) after the batches being written. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    if (this.writing.size) await withTimeout(Promise.all(this.writing.values()), CLOSE_TIMEOUT_MS).catch(() => undefined);
    const consumer = this.consumer;
    if (consumer) await this.close(consumer, this.stream);
  }

  private async close(consumer: StringConsumer, stream: MessagesStream<string, string, string, string> | null): Promise<void> {
    await withTimeout(
      (async () => {
        await stream?.close().catch(() => undefined);
        await consumer.close(true).catch(() => undefined);
      })(),
      CLOSE_TIMEOUT_MS,
    ).catch(() => undefined);
  }
}
