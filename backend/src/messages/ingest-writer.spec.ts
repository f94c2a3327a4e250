import { EventEmitter } from 'node:events';
import type { Message } from '@chat/contracts';
import type { AppConfig } from '../config/app-config';
import type { KafkaClients } from '../kafka/kafka-clients';
import { MetricsService } from '../metrics/metrics.service';
import type { IngestReplies, IngestRequest } from './ingest-replies';
import { IngestWriter } from './ingest-writer';
import type { FencedSend, MessageRepository, SendOutcome } from './message.repository';

const TOPIC = 'chat.ingest';

type BatchResult = { outcomes: SendOutcome[]; fenced: boolean[] };

interface PendingBatch {
  sends: FencedSend[];
  finish: (result?: BatchResult) => void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An IngestWriter on a fake consumer and stream, whose batches wait until the test finishes them. */
async function setUp(dbPoolSize: number, partitions: number[], options: { failFirstWrite?: boolean } = {}) {
  const stream = Object.assign(new EventEmitter(), {
    offsetsToFetch: new Map<string, bigint>(),
    paused: false,
    pause: () => (stream.paused = true),
    resume: () => (stream.paused = false),
    isPaused: () => stream.paused,
    close: async () => void stream.emit('close'),
  });
  const commits: { partition: number; offset: bigint }[][] = [];
  const consumer = Object.assign(new EventEmitter(), {
    consume: async () => stream,
    listCommittedOffsets: async () => new Map([[TOPIC, partitions.map(() => 0n)]]),
    commit: async ({ offsets }: { offsets: { partition: number; offset: bigint }[] }) => void commits.push(offsets),
    close: async () => undefined,
  });
  const batches: PendingBatch[] = [];
  let failNext = options.failFirstWrite ?? false;
  const repository = {
    claimPartitions: async (_topic: string, claimed: number[]) => new Map(claimed.map((partition) => [partition, 1])),
    writeFencedBatch: (_topic: string, sends: FencedSend[]) =>
      new Promise<BatchResult>((resolve, reject) => {
        if (failNext) {
          failNext = false;
          reject(new Error('Connection terminated unexpectedly'));
          return;
        }
        const stored = sends.map((send, index): SendOutcome => ({
          message: { id: `${send.clientMsgId}-${index}` } as Message,
          created: true,
        }));
        batches.push({ sends, finish: (result) => resolve(result ?? { outcomes: stored, fenced: sends.map(() => false) }) });
      }),
  } as unknown as MessageRepository;
  const config = {
    kafka: { writer: true, topics: { ingest: TOPIC }, writerGroup: 'writers', sessionTimeoutMs: 6_000 },
    writeBatch: { max: 500 },
    dbPoolSize,
  } as unknown as AppConfig;
  const kafka = { topicsReady: true, consumer: () => consumer } as unknown as KafkaClients;
  const replies = { send: jest.fn() } as unknown as IngestReplies;
  const writer = new IngestWriter(config, kafka, repository, replies, new MetricsService());

  writer.onApplicationBootstrap();
  await turn();
  consumer.emit('consumer:group:join', { assignments: [{ topic: TOPIC, partitions }] });
  for (let i = 0; i < 5; i += 1) await turn();

  let sent = 0;
  const record = (partition: number, offset: bigint) => {
    sent += 1;
    const request: IngestRequest = {
      requestId: `q${sent}`,
      replyTo: 'pod-a',
      roomId: `room-${partition}`,
      sender: { id: 'u1', username: 'u1', displayName: 'U' },
      clientMsgId: `c${sent}`,
      body: 'hi',
    };
    stream.emit('data', { topic: TOPIC, partition, offset, leaderEpoch: 0, value: JSON.stringify(request) });
  };
  const announced: string[] = [];
  writer.onCommitted((message) => announced.push(message.id));
  return { writer, stream, record, batches, commits, replies, announced };
}

/** The partition of each batch, in the order they were started. */
const partitionsOf = (batches: PendingBatch[]) => batches.map((batch) => batch.sends[0]?.partition);

describe('IngestWriter', () => {
  it('writes batches of different partitions at once, never two of one partition, and commits each after its batch', async () => {
    const { writer, record, batches, commits, replies } = await setUp(10, [0, 1]);
    record(0, 0n);
    record(0, 1n);
    record(1, 0n);
    await turn();
    expect(partitionsOf(batches)).toEqual([0, 1]);
    expect(batches[0]?.sends).toHaveLength(2);

    record(0, 2n);
    await turn();
    expect(batches).toHaveLength(2); // partition 0's batch is still in flight
    expect(commits).toEqual([]);

    batches[0]?.finish();
    await turn();
    await turn();
    expect(commits).toEqual([[expect.objectContaining({ partition: 0, offset: 2n })]]);
    expect(replies.send).toHaveBeenCalledTimes(1);
    expect(partitionsOf(batches)).toEqual([0, 1, 0]);
    expect(batches[2]?.sends.map((send) => send.clientMsgId)).toEqual(['c4']);

    batches[1]?.finish();
    batches[2]?.finish();
    await writer.beforeApplicationShutdown();
    expect(commits.flat()).toEqual([
      expect.objectContaining({ partition: 0, offset: 2n }),
      expect.objectContaining({ partition: 1, offset: 1n }),
      expect.objectContaining({ partition: 0, offset: 3n }),
    ]);
  });

  it('keeps to half the pool, giving a free slot to the partition that waited longest', async () => {
    const { writer, record, batches } = await setUp(4, [0, 1, 2]);
    for (const partition of [0, 1, 2]) record(partition, 0n);
    await turn();
    expect(partitionsOf(batches)).toEqual([0, 1]);

    record(0, 1n);
    batches[0]?.finish();
    await turn();
    await turn();
    expect(partitionsOf(batches)).toEqual([0, 1, 2]);

    for (const batch of batches.slice(1)) batch.finish();
    await turn();
    await turn();
    expect(partitionsOf(batches)).toEqual([0, 1, 2, 0]);
    batches[3]?.finish();
    await writer.beforeApplicationShutdown();
  });

  it('drops a fenced partition’s queue without committing, while the other partitions go on', async () => {
    const { writer, record, batches, commits } = await setUp(10, [0, 1]);
    record(0, 0n);
    record(1, 0n);
    await turn();
    record(0, 1n);
    batches[0]?.finish({ outcomes: [], fenced: [true] });
    await turn();
    await turn();
    record(0, 2n);
    record(1, 1n);
    batches[1]?.finish();
    await turn();
    await turn();
    expect(partitionsOf(batches)).toEqual([0, 1, 1]);
    batches[2]?.finish();
    await writer.beforeApplicationShutdown();
    expect(commits.flat().map(({ partition }) => partition)).toEqual([1, 1]);
  });

  it('announces the stored originals of a batch retried after a failed attempt, which may have committed unanswered', async () => {
    const { record, batches, announced } = await setUp(4, [0], { failFirstWrite: true });
    record(0, 0n);
    // The first attempt fails (its commit may or may not have happened); the retry answers the original.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const retry = batches[0];
    expect(retry?.sends.map((send) => send.clientMsgId)).toEqual(['c1']);
    retry?.finish({ outcomes: [{ message: { id: 'stored-by-the-failed-attempt' } as Message, created: false }], fenced: [false] });
    await turn();
    expect(announced).toEqual(['stored-by-the-failed-attempt']);
  });

  it('does not announce a stored original when no attempt failed (a client resending an old message)', async () => {
    const { record, batches, announced } = await setUp(4, [0]);
    record(0, 0n);
    await turn();
    batches[0]?.finish({ outcomes: [{ message: { id: 'old' } as Message, created: false }], fenced: [false] });
    await turn();
    expect(announced).toEqual([]);
  });
});
