import { Admin, Consumer, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { Pool } from 'pg';
import { waitForConvergence } from '../support/faults/convergence';
import { FaultHarness, allReady, clientStats, nth } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';
import type { TestUser } from '../support/http';
import { KafkaBroker, failedSoFar, probe, randomId, sleep, waitForStatus, type Pod } from '@chat/test-harness';

const PARTITIONS = 4;
const SESSION_TIMEOUT_MS = 4_000;
const ROOMS = 3;

interface IngestValue {
  roomId: string;
  sender: { id: string };
  clientMsgId: string;
}

/**
 * Kafka mode broken on purpose: one broker and one fault harness (its own PostgreSQL, Redis and two
 * writer pods) for the whole file. Every scenario runs traffic into a few rooms (spread over the ingest
 * partitions, so both writers own some) and ends with every acknowledged message stored exactly once,
 * every room's seqs gapless and every client caught up (waitForConvergence).
 */
describe('fault: Kafka mode', () => {
  let broker: KafkaBroker;
  let h: FaultHarness;
  const prefix = `fk.${randomId(3)}.`;
  const ingest = `${prefix}ingest`;

  beforeAll(async () => {
    broker = await KafkaBroker.start({
      partitions: PARTITIONS,
      properties: { 'group.min.session.timeout.ms': 1_000 },
    });
    h = await FaultHarness.start({
      pods: 2,
      podEnv: {
        KAFKA_BROKERS: broker.bootstrap,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_INGEST_PARTITIONS: String(PARTITIONS),
        KAFKA_TIMELINE_PARTITIONS: '2',
        KAFKA_REPLICATION_FACTOR: '1',
        KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      },
    });
  }, 720_000);

  afterAll(async () => {
    if (failedSoFar() && broker) console.log(`----- Kafka broker -----\n${broker.tail(40)}`);
    await h?.dispose();
    await broker?.stop();
  }, 90_000);

  /** ROOMS rooms with `senders` senders each (every sender in every room), the senders' clients on `urls`. */
  async function world(name: string, senders: number, urlsOf: (index: number) => string[]) {
    const users = await h.users(senders, name);
    const rooms: string[] = [];
    for (let i = 0; i < ROOMS; i += 1) rooms.push(await h.room(nth(users, 0), users));
    const clients = users.map((user: TestUser, index) => h.client(user, { label: `${name}${index}`, urls: urlsOf(index) }));
    await allReady(clients, 20_000);
    return { rooms, clients };
  }

  /** Each client sends `count` into each room, `window` in flight per room. */
  function traffic(clients: ResilientClient[], rooms: string[], count: number, window = 2): Promise<unknown> {
    return Promise.all(clients.flatMap((client) => rooms.map((roomId) => sendMany(client, roomId, count, { window, gapMs: 20 }))));
  }

  async function converged(clients: ResilientClient[], rooms: string[], expected: number, label: string): Promise<void> {
    for (const roomId of rooms) {
      const report = await waitForConvergence(h.store, clients, roomId, 90_000);
      console.log(label, roomId.slice(0, 8), { ...report });
      expect(report.ackedSends).toBe(expected);
      expect(report.messages).toBe(expected);
    }
  }

  async function metric(pod: Pod, name: string): Promise<number> {
    const text = await (await fetch(`${pod.baseUrl}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  it('fences a writer frozen (SIGSTOP) past its session timeout: the new owner writes, the stale one writes nothing', async () => {
    await h.run(async () => {
      const b = h.pod(1).baseUrl;
      const { rooms, clients } = await world('fence', 3, () => [b]);
      const load = traffic(clients, rooms, 30);
      await nth(clients, 0).waitUntil(() => clients.every((c) => c.acked.length >= 10), 30_000, '10 acked each');
      // PostgreSQL stalls a moment first, so writer A freezes with a batch in flight and records taken
      // behind it; it resumes after B claimed its partitions and tries to write them with its old epochs.
      h.postgres.freeze();
      await sleep(300);
      h.pod(0).freeze();
      h.postgres.thaw();
      await sleep(SESSION_TIMEOUT_MS + 4_000);
      h.pod(0).resume();
      await load;
      await converged(clients, rooms, 3 * 30, 'fenced writer');
      // Whether A still tried (fenced) or noticed the rebalance first depends on timing; either way nothing is doubled.
      console.log('fenced records on the frozen pod', await metric(h.pod(0), 'chat_kafka_fenced_records_total'));
      console.log(clientStats(clients));
      expect(await probe(h.pod(0).baseUrl, '/health/live')).toBe(200);
    });
  });

  it('keeps taking sends while the broker restarts after SIGKILL: UNAVAILABLE meanwhile, readiness says kafka, recovers by itself', async () => {
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const { rooms, clients } = await world('broker', 2, (i) => (i % 2 ? [b, a] : [a, b]));
      const load = traffic(clients, rooms, 25);
      await nth(clients, 0).waitUntil(() => clients.every((c) => c.acked.length >= 10), 30_000, '10 acked each');
      await broker.kill();
      const readiness = await waitForStatus(a, '/health/ready', 503, 10_000);
      const ready = (await (await fetch(`${a}/health/ready`)).json()) as { error?: { code: string; message: string } };
      await sleep(3_000);
      const live = [await probe(a, '/health/live'), await probe(b, '/health/live')];
      await broker.restart();
      await Promise.all(h.pods.map((pod) => waitForStatus(pod.baseUrl, '/health/ready', 200, 60_000)));
      await load;
      await converged(clients, rooms, 2 * 25, 'broker restart');
      console.log('broker down', { readiness, ...clientStats(clients) });
      expect(ready.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/kafka: /) });
      expect(live).toEqual([200, 200]);
      const outcomes = new Set(clients.flatMap((c) => c.emits.map((e) => e.outcome)));
      expect(outcomes.has('UNAVAILABLE') || outcomes.has('timeout')).toBe(true);
    });
  });

  it('loses a writer to SIGKILL mid-batch: the other takes its partitions over, nothing lost or doubled', async () => {
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const { rooms, clients } = await world('kill', 2, (i) => (i % 2 ? [b, a] : [a, b]));
      const load = traffic(clients, rooms, 25, 4);
      await nth(clients, 0).waitUntil(() => clients.every((c) => c.acked.length >= 15), 30_000, '15 acked each');
      await h.pod(0).kill();
      await load;
      await converged(clients, rooms, 2 * 25, 'writer killed');
      await h.pod(0).start();
    });
  });

  it('stores the sends taken during a 20 s PostgreSQL outage once it is back, each exactly once', async () => {
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const { rooms, clients } = await world('pgdown', 2, (i) => (i % 2 ? [b, a] : [a, b]));
      const load = traffic(clients, rooms, 20, 1);
      await nth(clients, 0).waitUntil(() => clients.every((c) => c.acked.length >= 6), 30_000, '6 acked each');
      await h.postgres.stop();
      const emitsBefore = clients.map((c) => c.emits.length);
      await sleep(20_000);
      const during = clients.flatMap((c, i) => c.emits.slice(nth(emitsBefore, i)));
      const restartedAt = Date.now();
      await h.postgres.start();
      await load;
      await converged(clients, rooms, 2 * 20, 'postgres down');
      // Answered while PostgreSQL was down: refused. A send of the last seconds of the outage may still be
      // within its deadline when PostgreSQL is back, and is then stored from Kafka and acked ok, as it should.
      const answered = during.filter((emit) => emit.settledAt !== undefined && emit.settledAt < restartedAt);
      console.log('postgres down', { emits: during.length, answered: answered.length, ...clientStats(clients) });
      expect(answered.length).toBeGreaterThan(0);
      expect([...new Set(answered.map((emit) => emit.outcome))].filter((o) => o !== 'UNAVAILABLE' && o !== 'disconnected')).toEqual([]);
    });
  });

  it('keeps every send exactly once while writers join and leave under load', async () => {
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const { rooms, clients } = await world('churn', 2, (i) => (i % 2 ? [b, a] : [a, b]));
      const load = traffic(clients, rooms, 40, 2);
      await nth(clients, 0).waitUntil(() => clients.every((c) => c.acked.length >= 10), 30_000, '10 acked each');
      const joined = await h.cluster.addPod();
      await nth(clients, 0).waitUntil(() => clients.every((c) => c.acked.length >= 40), 60_000, '40 acked each');
      await joined.stop();
      await load;
      await converged(clients, rooms, 2 * 40, 'writers churn');
    });
  });

  it('stores nothing twice when Kafka delivers records again that were already stored, and stored each room in ingest order', async () => {
    await h.run(async () => {
      const admin = new Admin({ clientId: 'fk-admin', bootstrapBrokers: [broker.bootstrap] });
      const reader = new Consumer({
        clientId: 'fk-reader',
        groupId: `fk-reader-${randomId(3)}`,
        bootstrapBrokers: [broker.bootstrap],
        deserializers: stringDeserializers,
        maxWaitTime: 200,
      });
      const producer = new Producer({
        clientId: 'fk-replay',
        bootstrapBrokers: [broker.bootstrap],
        idempotent: true,
        acks: ProduceAcks.ALL,
        serializers: stringSerializers,
      });
      const pool = new Pool({ connectionString: h.postgres.url, max: 1 });
      try {
        const [ends] = await admin.listOffsets({
          topics: [
            { name: ingest, partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) },
          ],
        });
        const total = (ends?.partitions ?? []).reduce((sum, p) => sum + Number(p.offset), 0);
        const records: { key: string; value: string; partition: number; offset: bigint }[] = [];
        const stream = await reader.consume({ topics: [ingest], mode: 'earliest', autocommit: false });
        stream.on('data', (r) => records.push({ key: r.key, value: r.value, partition: r.partition, offset: r.offset }));
        await nth(h.clients, 0).waitUntil(() => records.length >= total, 30_000, `all ${total} ingest records read`);
        await stream.close();

        // Per room, the order in which each (sender, clientMsgId) first appears in its partition is the order of the seqs it got.
        const stored = await pool.query<{ room_id: string; sender_id: string; client_msg_id: string; seq: string }>(
          'SELECT room_id, sender_id, client_msg_id, seq FROM messages ORDER BY room_id, seq',
        );
        const firstSeen = new Map<string, bigint>();
        for (const record of [...records].sort((x, y) => (x.offset < y.offset ? -1 : 1))) {
          const value = JSON.parse(record.value) as IngestValue;
          const key = `${value.roomId}|${value.sender.id}|${value.clientMsgId}`;
          if (!firstSeen.has(key)) firstSeen.set(key, record.offset);
        }
        const outOfOrder: string[] = [];
        let previous: { room: string; offset: bigint } | null = null;
        for (const row of stored.rows) {
          const offset = firstSeen.get(`${row.room_id}|${row.sender_id}|${row.client_msg_id}`);
          if (offset === undefined) continue;
          if (previous && previous.room === row.room_id && offset < previous.offset) outOfOrder.push(`${row.room_id} seq ${row.seq}`);
          previous = { room: row.room_id, offset };
        }
        expect(outOfOrder).toEqual([]);

        // Every record again, as a redelivery would bring them.
        const countBefore = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]?.n);
        for (let i = 0; i < records.length; i += 200) {
          await producer.send({ messages: records.slice(i, i + 200).map((r) => ({ topic: ingest, key: r.key, value: r.value })) });
        }
        const lag = async () => (await metric(h.pod(0), 'chat_kafka_consumer_lag')) + (await metric(h.pod(1), 'chat_kafka_consumer_lag'));
        await sleep(6_000);
        const deadline = Date.now() + 30_000;
        while ((await lag()) > 0 && Date.now() < deadline) await sleep(500);
        const countAfter = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0]?.n);
        console.log('redelivery', { records: records.length, countBefore, countAfter, lag: await lag() });
        expect(await lag()).toBe(0);
        expect(countAfter).toBe(countBefore);
      } finally {
        await Promise.allSettled([reader.close(true), producer.close(), admin.close(), pool.end()]);
      }
    });
  });
});
