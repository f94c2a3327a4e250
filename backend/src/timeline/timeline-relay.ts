import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, KafkaSettings } from '../config/app-config';
import { Database } from '../database/sql';
import { KafkaClients } from '../kafka/kafka-clients';
import { MetricsService } from '../metrics/metrics.service';
import { errorSummary } from '../common/error-summary';

/** Any constant works; all pods must agree on it. */
const RELAY_LOCK_KEY = 724_118_302;
const RELAY_BATCH = 500;
const POLL_MS = 500;
const PRODUCE_TIMEOUT_MS = 5_000;

interface OutboxRow {
  id: string;
  room_id: string;
  payload: string;
}

/**
 * Kafka mode: relays the timeline outbox to `<prefix>timeline`. Every timeline event is written to
 * `timeline_outbox` in its own transaction (so events committed while the broker was away are kept);
 * the relay takes the oldest rows, produces them keyed by room id (idempotent producer, acks=all) and
 * deletes them once the broker acknowledged them, all in one transaction that holds a PostgreSQL
 * advisory lock: one pod relays at a time, so each room's events reach its partition in seq order. A
 * failure after the broker took them but before the delete committed sends them again: at least once,
 * consumers de-duplicate by (roomId, seq). It runs every POLL_MS and right after this pod wrote events.
 */
@Injectable()
export class TimelineRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TimelineRelay.name);
  private readonly settings: KafkaSettings | null;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private failing = false;

  constructor(
    config: AppConfig,
    private readonly db: Database,
    private readonly kafka: KafkaClients,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.kafka;
  }

  onApplicationBootstrap(): void {
    if (!this.settings) return;
    this.timer = setInterval(() => this.nudge(), POLL_MS);
    this.timer.unref();
  }

  /** Relays soon (this pod just wrote timeline events); a no-op without Kafka. */
  nudge(): void {
    if (!this.settings) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  private async drain(): Promise<void> {
    const settings = this.settings;
    if (!settings || !this.kafka.topicsReady) return;
    try {
      while ((await this.relayBatch(settings.topics.timeline)) === RELAY_BATCH);
      if (this.failing) this.logger.log('timeline relay recovered');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`timeline relay paused: ${errorSummary(error)}; retrying`);
      this.failing = true;
    }
  }

  /** Relays up to RELAY_BATCH of the oldest events; 0 when another pod holds the relay lock or none is left. */
  private relayBatch(topic: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const lock = await tx.one<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK_KEY]);
      if (!lock?.locked) return 0;
      const rows = await tx.rows<OutboxRow>(`SELECT id, room_id, payload FROM timeline_outbox ORDER BY id LIMIT $1`, [RELAY_BATCH]);
      if (!rows.length) return 0;
      await this.kafka.produce(
        rows.map((row) => ({ topic, key: row.room_id, value: row.payload })),
        PRODUCE_TIMEOUT_MS,
      );
      await tx.affected(`DELETE FROM timeline_outbox WHERE id = ANY ($1::bigint[])`, [rows.map((row) => row.id)]);
      this.metrics.kafkaOutboxRelayed.inc(rows.length);
      return rows.length;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
