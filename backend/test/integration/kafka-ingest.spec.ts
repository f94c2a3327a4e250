import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { Pool } from 'pg';
import { ErrorCode } from '@chat/contracts';
import type { AdminStats, Message } from '@chat/contracts';
import { addMember, createRoom, newClientMsgId, send } from '../support/chat';
import { Api, login, registerUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  eventually,
  failedSoFar,
  probe,
  randomId,
  startFreshCluster,
  useKafkaBroker,
  type FreshCluster,
} from '@chat/test-harness';

interface TimelineValue {
  type: 'message:new' | 'message:updated' | 'message:deleted';
  roomId: string;
  seq: number;
  message: Message;
}

/**
 * Kafka mode (KAFKA_BROKERS) end to end: two pods on a real broker, PostgreSQL and Redis. Sends go
 * through `<prefix>ingest` to the writers and are acked with their seq after the commit; delivery,
 * de-duplication and refusals are as in direct mode; `<prefix>timeline` carries every timeline event.
 */
describe('Kafka mode: two pods, sends through <prefix>ingest, events out to <prefix>timeline', () => {
  const broker = useKafkaBroker({ partitions: 4 });
  const prefix = `it.${randomId(3)}.`;
  let cluster: FreshCluster;
  let podA: Api;
  let podB: Api;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    cluster = await startFreshCluster({
      pods: 2,
      env: {
        KAFKA_BROKERS: broker().bootstrap,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_INGEST_PARTITIONS: '4',
        KAFKA_TIMELINE_PARTITIONS: '2',
        KAFKA_REPLICATION_FACTOR: '1',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
    });
    podA = new Api(cluster.pod(0).baseUrl);
    podB = new Api(cluster.pod(1).baseUrl);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    if (failedSoFar()) console.log(broker().tail());
    await cluster?.stop();
  }, 60_000);

  async function connect(api: Api, token: string, label: string): Promise<ChatClient> {
    const client = await connectClient(api.baseUrl, token, label);
    clients.push(client);
    return client;
  }

  it('is ready with Kafka among its checks', async () => {
    const res = await fetch(`${cluster.pod(0).baseUrl}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { info: Record<string, { status: string }> };
    expect(body.info['kafka']?.status).toBe('up');
  });

  it('acks a send with its seq after the commit, delivers it on the other pod, de-duplicates a resend, and edits and deletes', async () => {
    const alice = await registerUser(podA, 'ka');
    const bob = await registerUser(podB, 'kb');
    const room = await createRoom(podA, alice);
    await addMember(podA, alice, room.id, bob.user.id);
    const aliceA = await connect(podA, alice.token, 'alice@A');
    const bobB = await connect(podB, bob.token, 'bob@B');

    // Seq 1 is bob's addition (a room notice, written directly under the room's lock); the sends follow.
    const clientMsgId = newClientMsgId();
    const first = await send(aliceA, room.id, '  hello through kafka ', clientMsgId);
    expect(first).toMatchObject({ roomId: room.id, seq: 2, updatedSeq: 2, body: 'hello through kafka', clientMsgId });
    const delivered = await bobB.waitFor('message:new', (e) => e.message.id === first.id);
    expect(delivered.message).toEqual(first);

    // The same clientMsgId again, through the other pod: the original, no second message, no second broadcast.
    const aliceB = await connect(podB, alice.token, 'alice@B');
    const again = await send(aliceB, room.id, 'hello through kafka', clientMsgId);
    expect(again).toEqual(first);

    const sent = [first];
    for (let i = 2; i <= 19; i += 1) sent.push(await send(i % 2 ? aliceA : aliceB, room.id, `message ${i}`));
    // Through the ingest topic too, mentions are filled where the body is stored.
    const mention = await send(aliceB, room.id, `@${bob.username} message 20`);
    expect(mention.mentions).toEqual([bob.user.id]);
    sent.push(mention);
    expect(sent.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    await eventually(
      () => expect(bobB.seen('message:new', (e) => e.message.roomId === room.id && !e.message.notice)).toHaveLength(20),
      10_000,
    );

    const edit = await aliceA.request('message:edit', { messageId: sent[1]?.id ?? '', body: 'edited' });
    if (!edit.ok) throw new Error(JSON.stringify(edit.error));
    expect(edit.message.updatedSeq).toBe(22);
    const removed = await aliceA.request('message:delete', { messageId: sent[2]?.id ?? '' });
    expect(removed.ok).toBe(true);
    const after = await send(aliceB, room.id, 'after the delete');
    expect(after.seq).toBe(24);
    // A reaction is a timeline event too (the timeline test below finds it with its reactions).
    const reacted = await bobB.request('reaction:add', { messageId: sent[3]?.id ?? '', emoji: '🎉' });
    if (!reacted.ok) throw new Error(JSON.stringify(reacted.error));
    expect(reacted.message).toMatchObject({ updatedSeq: 25, reactions: [{ emoji: '🎉', count: 1, userIds: [bob.user.id] }] });
    await aliceA.waitFor('message:updated', (e) => e.message.updatedSeq === 25);
    // A thread reply is written directly (not through the ingest topic): seq 26, its root's update 27.
    const reply = await send(bobB, room.id, 'a reply in a thread', undefined, sent[4]?.id);
    expect(reply).toMatchObject({ seq: 26, threadRootId: sent[4]?.id });
    expect((await aliceA.waitFor('message:updated', (e) => e.message.id === sent[4]?.id)).message).toMatchObject({
      updatedSeq: 27,
      replyCount: 1,
    });
  });

  it('answers refusals with the contract codes: not a member, unknown room, archived room', async () => {
    const owner = await registerUser(podA, 'ko');
    const stranger = await registerUser(podB, 'ks');
    const room = await createRoom(podA, owner);
    const ownerA = await connect(podA, owner.token, 'owner@A');
    const strangerB = await connect(podB, stranger.token, 'stranger@B');

    const notMember = await strangerB.request('message:send', { roomId: room.id, clientMsgId: newClientMsgId(), body: 'let me in' });
    expect(notMember.ok ? null : notMember.error.code).toBe(ErrorCode.FORBIDDEN);

    const unknown = await ownerA.request('message:send', {
      roomId: '00000000-0000-4000-8000-000000000000',
      clientMsgId: newClientMsgId(),
      body: 'anyone?',
    });
    expect(unknown.ok ? null : unknown.error.code).toBe(ErrorCode.NOT_FOUND);

    await send(ownerA, room.id, 'before the archive');
    const admin = await login(podB, ADMIN_USERNAME, ADMIN_PASSWORD);
    const archived = await podB.request('DELETE', `/api/admin/rooms/${room.id}`, { token: admin.accessToken });
    expect(archived.status).toBeLessThan(300);
    const refused = await ownerA.request('message:send', { roomId: room.id, clientMsgId: newClientMsgId(), body: 'too late' });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: ErrorCode.FORBIDDEN, message: expect.stringMatching(/archived/) });

    // Admin stats show the ingest lag (everything stored: 0).
    const stats = await podA.get<AdminStats>('/api/admin/stats', admin.accessToken);
    expect(stats.status).toBe(200);
    expect(stats.body.ingest?.partitions).toHaveLength(4);
    await eventually(async () => {
      const now = await podA.get<AdminStats>('/api/admin/stats', admin.accessToken);
      expect(now.body.ingest?.lag).toBe(0);
    }, 10_000);
  });

  it('writes nothing of a batch whose partition epoch is stale (chat_write_batch_fenced), and the batch of the current epoch', async () => {
    const owner = await registerUser(podA, 'kf');
    const room = await createRoom(podA, owner);
    const pool = new Pool({ connectionString: cluster.database.url, max: 1 });
    try {
      const claimed = await pool.query<{ partition: number; epoch: string }>(
        `SELECT partition, epoch FROM kafka_partition_epochs WHERE topic = $1 ORDER BY partition LIMIT 1`,
        [`${prefix}ingest`],
      );
      const current = claimed.rows[0];
      if (!current) throw new Error('no partition was claimed');
      const write = (epoch: number, clientMsgId: string) =>
        pool.query<{ o_outcome: string; o_seq: string | null }>(
          `SELECT o_outcome, o_seq FROM chat_write_batch_fenced($1, $2::int[], $3::bigint[], $4::uuid[], $5::uuid[], $6::text[], $7::text[])`,
          [`${prefix}ingest`, [current.partition], [epoch], [room.id], [owner.user.id], [clientMsgId], ['direct']],
        );
      const stale = await write(Number(current.epoch) - 1, 'stale-writer');
      expect(stale.rows).toEqual([{ o_outcome: 'fenced', o_seq: null }]);
      const rows = await pool.query(`SELECT 1 FROM messages WHERE room_id = $1`, [room.id]);
      expect(rows.rowCount).toBe(0);
      const fresh = await write(Number(current.epoch), 'current-writer');
      expect(fresh.rows).toEqual([{ o_outcome: 'created', o_seq: '1' }]);
    } finally {
      await pool.end();
    }
  });

  it('puts every committed timeline event on <prefix>timeline: read back in full it equals the database', async () => {
    const pool = new Pool({ connectionString: cluster.database.url, max: 1 });
    try {
      // Every event of the database: each message's creation, and its latest change when it has one.
      const rows = await pool.query<{ room_id: string; seq: string; updated_seq: string; id: string; deleted: boolean; edited: boolean }>(
        `SELECT room_id, seq, updated_seq, id, deleted_at IS NOT NULL AS deleted, edited_at IS NOT NULL AS edited FROM messages`,
      );
      const expected = rows.rows
        .flatMap((row) => {
          const events = [`${row.room_id}/${row.seq} message:new ${row.id}`];
          if (row.updated_seq !== row.seq) {
            events.push(`${row.room_id}/${row.updated_seq} ${row.deleted ? 'message:deleted' : 'message:updated'} ${row.id}`);
          }
          return events;
        })
        .sort();
      expect(expected.length).toBeGreaterThan(20);

      const consumer = new Consumer({
        clientId: 'it-timeline-reader',
        groupId: `it-timeline-${randomId(3)}`,
        bootstrapBrokers: [broker().bootstrap],
        deserializers: stringDeserializers,
        maxWaitTime: 200,
      });
      const seen: TimelineValue[] = [];
      const stream = await consumer.consume({ topics: [`${prefix}timeline`], mode: 'earliest', autocommit: false });
      stream.on('data', (record) => seen.push(JSON.parse(record.value) as TimelineValue));
      try {
        await eventually(() => {
          const got = [...new Set(seen.map((e) => `${e.roomId}/${e.seq} ${e.type} ${e.message.id}`))].sort();
          expect(got).toEqual(expected);
        }, 20_000);
      } finally {
        await stream.close();
        await consumer.close(true);
      }
      // Per room, in seq order, and the message as the contract's Message.
      const byRoom = new Map<string, number[]>();
      for (const event of seen) byRoom.set(event.roomId, [...(byRoom.get(event.roomId) ?? []), event.seq]);
      for (const seqs of byRoom.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const deleted = seen.find((e) => e.type === 'message:deleted');
      expect(deleted?.message).toMatchObject({ body: null, deletedAt: expect.any(String) });
      const edited = seen.find((e) => e.type === 'message:updated' && e.message.editedAt !== null);
      expect(edited?.message).toMatchObject({ body: 'edited', editedAt: expect.stringMatching(/Z$/), reactions: [] });
      const reacted = seen.find((e) => e.type === 'message:updated' && e.message.reactions.length > 0);
      expect(reacted?.message).toMatchObject({ editedAt: null, reactions: [{ emoji: '🎉', count: 1, userIds: [expect.any(String)] }] });
      expect(seen.every((e) => Array.isArray(e.message.mentions))).toBe(true);
      const replied = seen.find((e) => e.type === 'message:new' && e.message.threadRootId !== null)?.message;
      expect(replied).toMatchObject({ body: 'a reply in a thread', replyCount: 0, lastReplyAt: null });
      expect(seen.find((e) => e.message.id === replied?.threadRootId && e.type === 'message:updated')?.message).toMatchObject({
        replyCount: 1,
        lastReplyAt: expect.stringMatching(/Z$/),
      });
      expect(seen.find((e) => e.message.body?.startsWith('@'))?.message.mentions).toHaveLength(1);
      const outbox = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM timeline_outbox`);
      expect(Number(outbox.rows[0]?.n)).toBe(0);
    } finally {
      await pool.end();
    }
    expect(await probe(cluster.pod(1).baseUrl, '/health/live')).toBe(200);
  });
});
