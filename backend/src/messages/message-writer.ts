import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { toAppError } from '../common/to-app-error';
import { AppError } from '../common/app-error';
import { errorSummary } from '../common/error-summary';
import { Message } from '@chat/contracts';
import { MessageRepository, PendingSend, SendOutcome } from './message.repository';
import { SendPipeline } from './send-pipeline';

export interface Waiting {
  send: PendingSend;
  resolve: (outcome: SendOutcome) => void;
  /** Answered UNAVAILABLE at its deadline; a late commit is still reported to the committed listeners. */
  expired: boolean;
  deadline: NodeJS.Timeout;
}

/** Most sends waiting for a batch before new ones are refused at once (bounds memory when the database stalls). */
const QUEUE_LIMIT = 10_000;
/** Most sends kept in doubt (see MessageWriter.inDoubt); beyond, the oldest are dropped (clients still catch up on reconnect). */
const IN_DOUBT_LIMIT = 10_000;
/**
 * Most sends of one sender in one batch: a burst from one user (a script, a flood up to the rate limit)
 * is written over several batches, and the other users' sends queued behind it join the next batch
 * instead of waiting for all of it. A person never has this many in flight.
 */
export const BATCH_PER_SENDER = 32;

/** The next batch of a lane: in queue order, at most `max`, at most BATCH_PER_SENDER per sender; the rest stays queued in order. */
export function takeBatch(queue: Waiting[], max: number): { batch: Waiting[]; rest: Waiting[] } {
  const batch: Waiting[] = [];
  const rest: Waiting[] = [];
  const perSender = new Map<string, number>();
  for (const waiting of queue) {
    const sender = waiting.send.sender.id;
    const taken = perSender.get(sender) ?? 0;
    if (batch.length < max && taken < BATCH_PER_SENDER) {
      batch.push(waiting);
      perSender.set(sender, taken + 1);
    } else {
      rest.push(waiting);
    }
  }
  return { batch, rest };
}

/** One writer of the pod: its queue and whether a batch of it is being written. */
interface Lane {
  queue: Waiting[];
  writing: boolean;
  scheduled: boolean;
}

/**
 * Group commit for sends: requests arriving together share one statement and transaction, so the hot
 * path costs one round trip per batch instead of one per message. Each caller is answered only after
 * the batch committed (ack-after-commit). A batch that fails as a whole is split in halves, recursively,
 * so one bad send fails alone, in O(log n) statements, without holding up its neighbours.
 *
 * Sends go to WRITE_CONCURRENCY lanes by room (the same room always to the same lane, on every pod),
 * each writing one batch at a time: a batch locks only its lane's rooms, so the pod's lanes never wait
 * on each other's locks, and a pod's lane k can only meet lane k of another pod. A lane writes as soon
 * as it is free; whatever arrived while it was writing forms the next batch.
 *
 * Every send is answered within its deadline (DB_STATEMENT_TIMEOUT_MS + 1 s) even when the database
 * hangs: past it the caller gets UNAVAILABLE, and should the transaction still commit later, the stored
 * messages still go to the committed listeners (which broadcast them); the client's retry with the same
 * clientMsgId returns the stored original.
 */
@Injectable()
export class MessageWriter extends SendPipeline {
  private readonly logger = new Logger(MessageWriter.name);
  private readonly lanes: Lane[];
  private waiting = 0;
  private readonly settings: { max: number; concurrency: number; deadlineMs: number };
  private readonly committedListeners: ((message: Message) => void)[] = [];
  /**
   * Sends of batches whose answer never came (a timeout or a broken connection while the database
   * hung): the database may still have committed them, and then nobody would broadcast them (the
   * senders' retries find the stored originals, which are not new). Once a later batch commits, they
   * are looked up and the stored ones announced.
   */
  private inDoubt: PendingSend[] = [];
  private resolving = false;

  constructor(
    private readonly repository: MessageRepository,
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    super();
    this.settings = config.writeBatch;
    this.lanes = Array.from({ length: this.settings.concurrency }, () => ({ queue: [], writing: false, scheduled: false }));
  }

  /** A room's lane, from its id (a UUID: its first 32 bits are as good as a hash). */
  private laneOf(roomId: string): Lane {
    const lane = this.lanes[(Number.parseInt(roomId.slice(0, 8), 16) || 0) % this.lanes.length];
    if (!lane) throw new Error('MessageWriter has no lanes');
    return lane;
  }

  write(send: PendingSend): Promise<SendOutcome> {
    if (this.waiting >= QUEUE_LIMIT) {
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
      const lane = this.laneOf(send.roomId);
      lane.queue.push(waiting);
      this.waiting += 1;
      this.schedule(lane);
    });
  }

  onCommitted(listener: (message: Message) => void): void {
    this.committedListeners.push(listener);
  }

  /** Answers the caller (unless its deadline already did); returns the message if this send created it. */
  private settle(waiting: Waiting, outcome: SendOutcome): Message | undefined {
    clearTimeout(waiting.deadline);
    if (!waiting.expired) waiting.resolve(outcome);
    if (!('message' in outcome && outcome.created)) return undefined;
    if (waiting.expired) this.logger.warn('A send committed after its deadline; broadcasting it now');
    return outcome.message;
  }

  /** Tells the committed listeners (the room's broadcast) of a batch's new messages, in seq order. */
  private announce(messages: Message[]): void {
    for (const message of messages) for (const listener of this.committedListeners) listener(message);
  }

  /** Sends accepted but not yet answered (queued or being written). */
  get pending(): number {
    return this.waiting;
  }

  /** A free lane writes once this turn of the event loop is done, so sends that arrived together share the batch. */
  private schedule(lane: Lane): void {
    if (lane.writing || lane.scheduled || !lane.queue.length) return;
    lane.scheduled = true;
    setImmediate(() => {
      lane.scheduled = false;
      void this.flush(lane);
    });
  }

  private async flush(lane: Lane): Promise<void> {
    if (lane.writing) return;
    const { batch, rest } = takeBatch(lane.queue, this.settings.max);
    if (!batch.length) return;
    lane.queue = rest;
    lane.writing = true;
    try {
      await this.writeAll(batch);
    } finally {
      lane.writing = false;
      this.waiting -= batch.length;
      this.schedule(lane);
    }
  }

  private async writeAll(batch: Waiting[]): Promise<void> {
    this.metrics.batchSize.observe(batch.length);
    const timer = this.metrics.batchSeconds.startTimer();
    let outcomes: SendOutcome[];
    try {
      outcomes = await this.repository.writeBatch(batch.map((w) => w.send));
      timer({ outcome: 'ok' });
    } catch (error) {
      timer({ outcome: 'error' });
      const failure = toAppError(error);
      if (failure.code === 'UNAVAILABLE' || batch.length === 1) {
        if (failure.code === 'INTERNAL') this.logger.error(`A send failed: ${errorSummary(error)}`);
        if (failure.code === 'UNAVAILABLE') this.doubt(batch.map((waiting) => waiting.send));
        batch.forEach((waiting) => this.settle(waiting, { error: failure }));
        return;
      }
      // A send the database refuses fails its whole batch. Halve it until that send is alone: one bad
      // send costs about 2·log2(n) more statements and a good half commits at once, instead of a round
      // trip per send. The halves go in order, so one sender's sends keep their order in the timeline.
      this.logger.warn(`A batch of ${batch.length} failed (${errorSummary(error)}); splitting it`);
      const middle = Math.ceil(batch.length / 2);
      await this.writeAll(batch.slice(0, middle));
      await this.writeAll(batch.slice(middle));
      return;
    }
    // The senders' acks go first, the room's broadcast right after: the acks' promise chains run in the
    // microtasks of this turn and the broadcast on the next tick, once they are drained. So no sender
    // waits for the batch's fan-out (its own copy, the other local sockets' and the Redis publish) before
    // its ack is written, and the room's deliveries do not wait for other I/O of this turn (setImmediate
    // would put them behind it). The next batch of the lane starts later still, so seq order holds.
    const created = batch.flatMap((waiting, index) => this.settle(waiting, outcomes[index]) ?? []);
    if (created.length) process.nextTick(() => this.announce(created));
    if (this.inDoubt.length) void this.resolveInDoubt();
  }

  private doubt(sends: PendingSend[]): void {
    this.inDoubt.push(...sends);
    if (this.inDoubt.length > IN_DOUBT_LIMIT) {
      this.logger.warn(`More than ${IN_DOUBT_LIMIT} sends in doubt; dropping the oldest (their rooms catch up on reconnect)`);
      this.inDoubt = this.inDoubt.slice(-IN_DOUBT_LIMIT);
    }
  }

  /** Announces the sends in doubt that the database did commit (the database answers again: a batch just committed). */
  private async resolveInDoubt(): Promise<void> {
    if (this.resolving) return;
    this.resolving = true;
    const sends = this.inDoubt;
    this.inDoubt = [];
    try {
      const stored = await this.repository.findSent(sends);
      if (stored.length) {
        this.logger.warn(`${stored.length} of ${sends.length} sends in doubt were committed; broadcasting them now`);
        this.announce(stored);
      }
    } catch (error) {
      this.logger.warn(`Sends in doubt not resolved yet (${errorSummary(error)}); trying again after the next batch`);
      this.doubt(sends);
    } finally {
      this.resolving = false;
    }
  }
}
