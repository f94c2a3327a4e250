import type { Message } from '@chat/contracts';
import type { AppConfig } from '../config/app-config';
import type { KafkaClients, KafkaRecord } from '../kafka/kafka-clients';
import { IngestReplies, type IngestReply, type IngestRequest } from './ingest-replies';
import type { IngestWriter } from './ingest-writer';
import { KafkaSendPipeline } from './kafka-send-pipeline';
import type { PendingSend } from './message.repository';

const send: PendingSend = { roomId: 'r1', clientMsgId: 'c1', body: 'hi', sender: { id: 'u1', username: 'u1', displayName: 'U' } };

function setUp(produce: (records: KafkaRecord[]) => Promise<void>, deadlineMs = 2_000) {
  const config = {
    podId: 'pod-a',
    kafka: { topics: { ingest: 'chat.ingest', timeline: 'chat.timeline' } },
    writeBatch: { deadlineMs },
  } as unknown as AppConfig;
  const produced: KafkaRecord[] = [];
  const kafka = {
    produce: jest.fn(async (records: KafkaRecord[]) => {
      produced.push(...records);
      await produce(records);
    }),
  } as unknown as KafkaClients;
  const replies = new IngestReplies(config, { onPodMessage: () => undefined } as never);
  const pipeline = new KafkaSendPipeline(config, kafka, replies, {} as IngestWriter);
  pipeline.onApplicationBootstrap();
  return { pipeline, produced, replies, kafka };
}

describe('KafkaSendPipeline', () => {
  it('produces the send keyed by room and answers with the writer’s reply for it', async () => {
    const { pipeline, produced, replies } = setUp(async () => undefined);
    const outcome = pipeline.write(send);
    await new Promise((resolve) => setImmediate(resolve));
    expect(produced).toHaveLength(1);
    expect(produced[0]).toMatchObject({ topic: 'chat.ingest', key: 'r1' });
    const request = JSON.parse(String(produced[0]?.value)) as IngestRequest;
    expect(request).toMatchObject({ replyTo: 'pod-a', ...send });
    const message = { id: 'm1', seq: 7 } as Message;
    replies.send('pod-a', [
      { requestId: 'someone-else', message, created: true },
      { requestId: request.requestId, message, created: true },
    ]);
    await expect(outcome).resolves.toEqual({ message, created: true });
    expect(pipeline.pending).toBe(0);
  });

  it('turns a refusal in the reply into the contract error', async () => {
    const { pipeline, produced, replies } = setUp(async () => undefined);
    const outcome = pipeline.write(send);
    await new Promise((resolve) => setImmediate(resolve));
    const { requestId } = JSON.parse(String(produced[0]?.value)) as IngestRequest;
    const reply: IngestReply = { requestId, error: { code: 'FORBIDDEN', message: 'You are not a member of this room' } };
    replies.send('pod-a', [reply]);
    const result = await outcome;
    expect('error' in result && result.error.toApiError()).toEqual(reply.error);
  });

  it('answers UNAVAILABLE at once when the broker does not take the send, and at the deadline when no reply comes', async () => {
    const down = setUp(() => Promise.reject(new Error('broker down')));
    const refused = await down.pipeline.write(send);
    expect('error' in refused && refused.error.code).toBe('UNAVAILABLE');

    const silent = setUp(async () => undefined, 50);
    const started = Date.now();
    const late = await silent.pipeline.write(send);
    expect('error' in late && late.error.code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('shares one produce request among the sends of one event-loop turn', async () => {
    const { pipeline, kafka } = setUp(async () => undefined, 50);
    const outcomes = [pipeline.write(send), pipeline.write({ ...send, clientMsgId: 'c2' })];
    await Promise.all(outcomes);
    expect(kafka.produce).toHaveBeenCalledTimes(1);
  });
});
