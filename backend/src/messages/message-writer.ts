import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { toAppError } from '../common/to-app-error';
import { MessageRepository, PendingSend, SendOutcome } from './message.repository';

interface Waiting {
  send: PendingSend;
  resolve: (outcome: SendOutcome) => void;
}

/**
 * Group commit for sends: requests arriving together share one transaction, so the hot path costs a
 * few statements per batch instead of a round trip per message. Each caller is answered only after
 * the batch committed (ack-after-commit). A batch that fails as a whole is retried one send at a time,
 * so one bad send cannot fail its neighbours.
 */
@Injectable()
export class MessageWriter {
  private readonly logger = new Logger(MessageWriter.name);
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly settings: { windowMs: number; max: number; concurrency: number };

  constructor(
    private readonly repository: MessageRepository,
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.writeBatch;
  }

  write(send: PendingSend): Promise<SendOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ send, resolve });
      this.schedule();
    });
  }

  /** Sends accepted but not yet answered (queued or being written). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private schedule(): void {
    if (this.timer || this.inFlight >= this.settings.concurrency || !this.queue.length) return;
    // A full batch goes at once; otherwise wait a moment for company.
    const delay = this.queue.length >= this.settings.max ? 0 : this.settings.windowMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.settings.max);
    if (!batch.length) return;
    this.inFlight += 1;
    // The next batch may start while this one is being written, up to the concurrency limit.
    this.schedule();
    try {
      await this.writeAll(batch);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }

  private async writeAll(batch: Waiting[]): Promise<void> {
    this.metrics.batchSize.observe(batch.length);
    const timer = this.metrics.batchSeconds.startTimer();
    try {
      const outcomes = await this.repository.writeBatch(batch.map((w) => w.send));
      timer({ outcome: 'ok' });
      batch.forEach((waiting, index) => waiting.resolve(outcomes[index]));
      return;
    } catch (error) {
      timer({ outcome: 'error' });
      const failure = toAppError(error);
      if (failure.code === 'UNAVAILABLE' || batch.length === 1) {
        if (failure.code === 'INTERNAL') this.logger.error(error);
        batch.forEach((waiting) => waiting.resolve({ error: failure }));
        return;
      }
      this.logger.warn(`batch of ${batch.length} failed (${(error as Error).message}); retrying one by one`);
    }
    for (const waiting of batch) {
      try {
        const [outcome] = await this.repository.writeBatch([waiting.send]);
        waiting.resolve(outcome);
      } catch (error) {
        waiting.resolve({ error: toAppError(error) });
      }
    }
  }
}
