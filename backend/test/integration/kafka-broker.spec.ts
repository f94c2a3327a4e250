import { existsSync } from 'node:fs';
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers, type MessagesStream } from '@platformatic/kafka';
import { KafkaBroker, eventually, failedSoFar, randomId } from '@chat/test-harness';

type Stream = MessagesStream<string, string, string, string>;

interface Received {
  key: string;
  value: number;
  partition: number;
}

const KEYS = Array.from({ length: 8 }, (_, i) => `room-${i}`);

/**
 * The harness's KafkaBroker against the real thing (Apache Kafka in KRaft combined mode, started from
 * the jars fetch-kafka.mjs cached) and the workspace's client, @platformatic/kafka: a topic with four
 * partitions, an idempotent producer with acks=all writing keyed records, a consumer group reading them
 * back in order per key; then the broker restarted on the same ports and log dir, cleanly and after
 * SIGKILL, with the producer, the group's committed offsets and an attached consumer carrying on.
 */
describe('KafkaBroker (a real broker for the Kafka suites)', () => {
  let broker: KafkaBroker;
  let admin: Admin;
  let producer: Producer<string, string, string, string>;
  const topic = `it.kafka-broker.${randomId()}`;
  const groupId = `it-group-${randomId()}`;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // Fetches the jars first when this machine has none (about a minute from Maven Central).
    broker = await KafkaBroker.start();
    console.log(`Kafka broker up on ${broker.bootstrap} in ${broker.lastStartMs} ms (pid ${broker.pid})`);
    admin = new Admin({ clientId: 'it-admin', bootstrapBrokers: [broker.bootstrap] });
    producer = new Producer({
      clientId: 'it-producer',
      bootstrapBrokers: [broker.bootstrap],
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: stringSerializers,
      retries: 10,
      retryDelay: 250,
    });
  }, 660_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await producer?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    if (failedSoFar() && broker) console.log(`Kafka broker output:\n${broker.tail()}`);
    await broker?.stop();
  }, 60_000);

  /** Round `round` of the keyed records: one record per key, value = the round. */
  async function produceRounds(from: number, to: number): Promise<void> {
    for (let round = from; round < to; round++) {
      await producer.send({ messages: KEYS.map((key) => ({ topic, key, value: String(round) })) });
    }
  }

  async function groupMember(name: string): Promise<{ stream: Stream; received: Received[] }> {
    const consumer = new Consumer({
      clientId: `it-${name}`,
      groupId,
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
      retries: 20,
      retryDelay: 250,
      maxWaitTime: 200,
    });
    const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: 100 });
    const received: Received[] = [];
    stream.on('data', (message) => {
      received.push({ key: message.key, value: Number(message.value), partition: message.partition });
    });
    stream.on('error', () => undefined);
    closers.push(async () => {
      await stream.close();
      await consumer.close(true);
    });
    return { stream, received };
  }

  async function leave(member: { stream: Stream }): Promise<void> {
    const close = closers.pop();
    if (close) await close();
    expect(member.stream.isActive()).toBe(false);
  }

  /** Asserts that `received` holds, per key, exactly the rounds from..to-1 in order, each key on one partition. */
  function expectRoundsInOrder(received: Received[], from: number, to: number): Set<number> {
    const partitions = new Set<number>();
    for (const key of KEYS) {
      const mine = received.filter((r) => r.key === key);
      expect({ key, values: mine.map((r) => r.value) }).toEqual({ key, values: Array.from({ length: to - from }, (_, i) => from + i) });
      const used = new Set(mine.map((r) => r.partition));
      expect(used.size).toBe(1);
      partitions.add([...used][0]);
    }
    return partitions;
  }

  test('a topic with 4 partitions: keyed records from an idempotent producer (acks=all) come back through a group in order per key', async () => {
    await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
    const metadata = await admin.metadata({ topics: [topic] });
    expect(metadata.topics.get(topic)?.partitionsCount).toBe(4);

    await produceRounds(0, 25);
    const member = await groupMember('first');
    await eventually(() => expect(member.received.length).toBeGreaterThanOrEqual(KEYS.length * 25), 30_000);
    const partitions = expectRoundsInOrder(member.received, 0, 25);
    // Eight keys hash onto more than one of the four partitions.
    expect(partitions.size).toBeGreaterThan(1);
    await leave(member); // commits what it read
  });

  let attached: { stream: Stream; received: Received[] } | undefined;

  test('restart() on the same ports and log dir: the producer carries on, the group resumes from its committed offsets', async () => {
    const port = broker.port;
    const pidBefore = broker.pid;
    await broker.restart();
    console.log(`Kafka broker restarted (clean) in ${broker.lastStartMs} ms`);
    expect(broker.port).toBe(port);
    expect(broker.pid).not.toBe(pidBefore);

    // The producer made before the restart, its connection to the old process gone: it reconnects.
    await produceRounds(25, 50);
    attached = await groupMember('second');
    const member = attached;
    await eventually(() => expect(member.received.length).toBeGreaterThanOrEqual(KEYS.length * 25), 30_000);
    // Only the new records: the offsets the first member committed survived the restart.
    expectRoundsInOrder(member.received, 25, 50);
    expect(member.received).toHaveLength(KEYS.length * 25);
  });

  test('restart({ hard: true }) after SIGKILL: acknowledged records are kept and the attached consumer gets what follows', async () => {
    const member = attached;
    if (!member) throw new Error('the previous test left no consumer attached');
    await broker.restart({ hard: true });
    console.log(`Kafka broker restarted (after SIGKILL) in ${broker.lastStartMs} ms`);

    await produceRounds(50, 60);
    // The consumer attached before the crash rejoins and reads on from where it was.
    await eventually(() => expect(member.received.length).toBeGreaterThanOrEqual(KEYS.length * 35), 45_000);
    expectRoundsInOrder(member.received, 25, 60);

    const [offsets] = await admin.listOffsets({
      topics: [{ name: topic, partitions: [0, 1, 2, 3].map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
    });
    // Every record acknowledged before the crash is still in the log, none twice (idempotent producer).
    expect(offsets.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(KEYS.length * 60);
  });
});

describe('KafkaBroker.pause(), resume() and stop()', () => {
  test('pause() freezes the broker until resume(); stop() ends the JVM and deletes the log dir, twice is a no-op', async () => {
    const broker = await KafkaBroker.start({ partitions: 2 });
    const pid = broker.pid;
    expect(pid).toBeDefined();
    const probe = () => {
      const admin = new Admin({ clientId: 'it-probe', bootstrapBrokers: [broker.bootstrap], retries: 0, requestTimeout: 1_500 });
      return admin.metadata({ topics: [], forceUpdate: true }).finally(() => admin.close().catch(() => undefined));
    };
    try {
      await expect(probe()).resolves.toBeDefined();
      broker.pause();
      await expect(probe()).rejects.toThrow();
      broker.resume();
      await eventually(() => expect(probe()).resolves.toBeDefined(), 10_000, 200);
    } finally {
      await broker.stop();
    }
    expect(() => process.kill(pid as number, 0)).toThrow();
    expect(existsSync(broker.dir)).toBe(false);
    await broker.stop();
  }, 120_000);
});
