import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { toAppError } from '../common/to-app-error';
import { AppError } from '../common/app-error';
import { Message } from '@chat/contracts';
import { MessageRepository, PendingSend, SendOutcome } from './message.repository';

interface Waiting {
  send: PendingSend;
  resolve: (outcome: SendOutcome) => void;
  /** Answered UNAVAILABLE at its deadline; a late outcome is then only reported to late-commit listeners. */
  expired: boolean;
  deadline: NodeJS.Timeout;
}

/** Most sends waiting for a batch before new ones are refused at once (bounds memory when the database stalls). */
const QUEUE_LIMIT = 10_000;

/**
 * Group commit for sends: requests arriving together share one transaction, so the hot path costs a
 * few statements per batch instead of a round trip per message. Each caller is answered only after
 * the batch committed (ack-after-commit). A batch that fails as a whole is retried one send at a time,
 * so one bad send cannot fail its neighbours.
 *
 * Every send is answered within its deadline (DB_STATEMENT_TIMEOUT_MS + 1 s) even when the database
 * hangs: past it the caller gets UNAVAILABLE, and should the transaction still commit later, the stored
 * messages go to the late-commit listeners (which broadcast them); the client's retry with the same
 * clientMsgId returns the stored original.
 */
@Injectable()
export class MessageWriter {
  private readonly logger = new Logger(MessageWriter.name);
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private readonly settings: { windowMs: number; max: number; concurrency: number; deadlineMs: number };
  private readonly lateCommitListeners: ((message: Message) => void)[] = [];

  constructor(
    private readonly repository: MessageRepository,
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.settings = config.writeBatch;
  }

  write(send: PendingSend): Promise<SendOutcome> {
    if (this.queue.length >= QUEUE_LIMIT) {
      return Promise.resolve({ error: AppError.unavailable('Too many messages are waiting to be stored; try again') });
    }
    return new Promise((resolve) => {
      const waiting: Waiting = {
        send,
        resolve,
        expired: false,
        deadline: setTimeout(() => {
          waiting.expired = true;
          resolve({ error: AppError.unavailable('The database did not answer in time; try again') });
        }, this.settings.deadlineMs),
      };
      this.queue.push(waiting);
      this.schedule();
    });
  }

  /** Called with messages that were committed after their send had already been answered UNAVAILABLE. */
  onLateCommit(listener: (message: Message) => void): void {
    this.lateCommitListeners.push(listener);
  }

  private settle(waiting: Waiting, outcome: SendOutcome): void {
    clearTimeout(waiting.deadline);
    if (!waiting.expired) {
      waiting.resolve(outcome);
      return;
    }
    if ('message' in outcome && outcome.created) {
      this.logger.warn('A send committed after its deadline; broadcasting it now');
      for (const listener of this.lateCommitListeners) listener(outcome.message);
    }
  }

  /** Sends accepted but not yet answered (queued or being written). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private schedule(): void {
    if (this.flushScheduled || this.inFlight >= this.settings.concurrency || !this.queue.length) return;
    this.flushScheduled = true;
    const flush = () => {
      this.flushScheduled = false;
      void this.flush();
    };
    // Nothing being written, or a full batch: go once this turn of the event loop is done (sends that
    // arrived together still share the batch), so an idle pod adds no wait to the commit. While a batch
    // is being written, wait a moment for company.
    if (this.inFlight === 0 || this.queue.length >= this.settings.max) setImmediate(flush);
    else setTimeout(flush, this.settings.windowMs);
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
      batch.forEach((waiting, index) => this.settle(waiting, outcomes[index]));
      return;
    } catch (error) {
      timer({ outcome: 'error' });
      const failure = toAppError(error);
      if (failure.code === 'UNAVAILABLE' || batch.length === 1) {
        if (failure.code === 'INTERNAL') this.logger.error(error);
        batch.forEach((waiting) => this.settle(waiting, { error: failure }));
        return;
      }
      this.logger.warn(`batch of ${batch.length} failed (${(error as Error).message}); retrying one by one`);
    }
    for (const waiting of batch) {
      try {
        const [outcome] = await this.repository.writeBatch([waiting.send]);
        this.settle(waiting, outcome);
      } catch (error) {
        this.settle(waiting, { error: toAppError(error) });
      }
    }
  }
}
