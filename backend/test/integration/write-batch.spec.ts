import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ErrorCode } from '@chat/contracts';
import { useFreshCluster } from '@chat/test-harness';
import { RoomRules } from '../../src/rooms/room-rules';

interface BatchRow {
  o_ord: string;
  o_outcome: string;
  o_id: string | null;
  o_seq: string | null;
  o_updated_seq: string | null;
  o_body: string | null;
  o_created_at: Date | null;
  o_edited_at: Date | null;
  o_deleted_at: Date | null;
}

/**
 * `chat_write_batch`, the group commit as one statement, called directly on a database its migration
 * created: it must judge sends exactly as RoomRules.canPost does, number them gaplessly per room and
 * store each (room, sender, clientMsgId) once, also when batches race on two connections; and
 * `chat_write_one`, the batch of one, must answer exactly as a batch of one would.
 */
describe('chat_write_batch (the group commit statement)', () => {
  let db: Client;
  let other: Client;
  // Declared before the cluster's hooks, so the connections close before its database is dropped.
  afterAll(async () => {
    await Promise.all([db?.end(), other?.end()]);
  });
  const cluster = useFreshCluster({ pods: 1 });

  beforeAll(async () => {
    db = new Client({ connectionString: cluster().database.url });
    other = new Client({ connectionString: cluster().database.url });
    await Promise.all([db.connect(), other.connect()]);
  });

  async function user(): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'T', 'x')`, [id, `wb_${id.slice(0, 8)}`]);
    return id;
  }

  async function room(options: { archived?: boolean; members?: string[] } = {}): Promise<string> {
    const id = randomUUID();
    await db.query(`INSERT INTO rooms (id, name, kind, visibility) VALUES ($1, 'wb', 'channel', 'public')`, [id]);
    for (const member of options.members ?? []) {
      await db.query(`INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, 'member')`, [id, member]);
    }
    if (options.archived) await db.query(`UPDATE rooms SET archived_at = now() WHERE id = $1`, [id]);
    return id;
  }

  function writeBatch(client: Client, sends: { roomId: string; senderId: string; clientMsgId: string; body: string }[]) {
    return client
      .query<BatchRow>(`SELECT * FROM chat_write_batch($1::uuid[], $2::uuid[], $3::text[], $4::text[])`, [
        sends.map((s) => s.roomId),
        sends.map((s) => s.senderId),
        sends.map((s) => s.clientMsgId),
        sends.map((s) => s.body),
      ])
      .then((result) => result.rows);
  }

  it('refuses exactly what RoomRules.canPost refuses, with the same reasons', async () => {
    const sender = await user();
    const cases = [
      { member: true, archived: false },
      { member: true, archived: true },
      { member: false, archived: false },
      { member: false, archived: true },
    ];
    const rooms = await Promise.all(cases.map((c) => room({ archived: c.archived, members: c.member ? [sender] : [] })));
    const rows = await writeBatch(
      db,
      rooms.map((roomId, i) => ({ roomId, senderId: sender, clientMsgId: `rule-${i}`, body: `case ${i}` })),
    );
    const sqlReasons = rows.map((row) => row.o_outcome);
    const ruleReasons = cases.map((c) => {
      const verdict = RoomRules.canPost({
        kind: 'channel',
        visibility: 'public',
        archived: c.archived,
        membership: c.member ? 'member' : null,
      });
      if (!verdict) return 'created';
      expect(verdict.code).toBe(ErrorCode.FORBIDDEN);
      return verdict.message.includes('archived') ? 'archived' : 'not_member';
    });
    expect(sqlReasons).toEqual(ruleReasons);
    const missing = await writeBatch(db, [{ roomId: randomUUID(), senderId: sender, clientMsgId: 'nowhere', body: 'x' }]);
    expect(missing.map((row) => row.o_outcome)).toEqual(['not_found']);
  });

  it('numbers a batch gaplessly per room, answers a repeat within the batch and a later resend with the original', async () => {
    const alice = await user();
    const bob = await user();
    const [r1, r2] = [await room({ members: [alice, bob] }), await room({ members: [alice] })];
    const rows = await writeBatch(db, [
      { roomId: r1, senderId: alice, clientMsgId: 'a1', body: 'one' },
      { roomId: r2, senderId: alice, clientMsgId: 'a1', body: 'other room' },
      { roomId: r1, senderId: bob, clientMsgId: 'a1', body: 'same id, other sender' },
      { roomId: r1, senderId: alice, clientMsgId: 'a1', body: 'repeat' },
      { roomId: r1, senderId: alice, clientMsgId: 'a2', body: 'two' },
    ]);
    expect(rows.map((row) => [row.o_outcome, Number(row.o_seq), row.o_body])).toEqual([
      ['created', 1, 'one'],
      ['created', 1, 'other room'],
      ['created', 2, 'same id, other sender'],
      ['repeated', 1, 'one'],
      ['created', 3, 'two'],
    ]);
    // The answers are the stored rows: ids, seqs, bodies and times as the table has them.
    const stored = await db.query<{ id: string; seq: string; body: string; created_at: Date }>(
      `SELECT id, seq, body, created_at FROM messages WHERE room_id = ANY($1::uuid[]) ORDER BY room_id, seq`,
      [[r1, r2]],
    );
    const byId = new Map(stored.rows.map((row) => [row.id, [Number(row.seq), row.body, row.created_at.getTime()]]));
    expect(byId.size).toBe(4);
    for (const row of rows) expect(byId.get(row.o_id ?? '')).toEqual([Number(row.o_seq), row.o_body, row.o_created_at?.getTime()]);
    const again = await writeBatch(db, [{ roomId: r1, senderId: alice, clientMsgId: 'a2', body: 'two, resent' }]);
    expect(again.map((row) => [row.o_outcome, Number(row.o_seq), row.o_body])).toEqual([['existing', 3, 'two']]);
    const heads = await db.query<{ id: string; last_seq: string }>(`SELECT id, last_seq FROM rooms WHERE id = ANY($1::uuid[])`, [[r1, r2]]);
    expect(Object.fromEntries(heads.rows.map((row) => [row.id, Number(row.last_seq)]))).toEqual({ [r1]: 3, [r2]: 1 });
    const marks = await db.query<{ user_id: string; last_read_seq: string }>(
      `SELECT user_id, last_read_seq FROM room_members WHERE room_id = $1 ORDER BY user_id`,
      [r1],
    );
    expect(Object.fromEntries(marks.rows.map((row) => [row.user_id, Number(row.last_read_seq)]))).toEqual({ [alice]: 3, [bob]: 2 });
  });

  it('stores a clientMsgId once and keeps seqs gapless when batches race on two connections', async () => {
    const sender = await user();
    const [r1, r2] = [await room({ members: [sender] }), await room({ members: [sender] })];
    const sends = (prefix: string) =>
      Array.from({ length: 40 }, (_, i) => ({
        roomId: i % 2 ? r1 : r2,
        senderId: sender,
        clientMsgId: `race-${i % 30}`,
        body: `${prefix}${i}`,
      }));
    // Opposite room orders in the two batches: the function locks in id order, so they cannot deadlock.
    const [first, second] = await Promise.all([writeBatch(db, sends('a')), writeBatch(other, sends('b').reverse())]);
    const created = [...first, ...second].filter((row) => row.o_outcome === 'created').length;
    const stored = await db.query<{ room_id: string; seq: string }>(
      `SELECT room_id, seq FROM messages WHERE room_id = ANY($1::uuid[]) ORDER BY room_id, seq`,
      [[r1, r2]],
    );
    expect(stored.rows).toHaveLength(30);
    expect(created).toBe(30);
    for (const roomId of [r1, r2]) {
      const seqs = stored.rows.filter((row) => row.room_id === roomId).map((row) => Number(row.seq));
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
  });

  it('keeps its plans driven by the batch (index lookups) when the tables grew after the plan was made', async () => {
    // A connection of its own: its cached plan is made by the first write below, while the tables are small.
    const fresh = new Client({ connectionString: cluster().database.url });
    await fresh.connect();
    try {
      const sender = await user();
      const roomId = await room({ members: [sender] });
      await writeBatch(fresh, [{ roomId, senderId: sender, clientMsgId: 'first', body: 'one' }]);
      // The tables grow by far more than the plan saw (as on a new database, or with autovacuum off).
      await db.query(
        `INSERT INTO messages (room_id, seq, updated_seq, client_msg_id, sender_id, body)
         SELECT $1, g, g, 'bulk' || g, $2, 'bulk' FROM generate_series(2, 20001) AS g`,
        [roomId, sender],
      );
      await db.query(`UPDATE rooms SET last_seq = 20001 WHERE id = $1`, [roomId]);
      // auto_explain sends the plans of the function's statements to this client.
      const plans: string[] = [];
      fresh.on('notice', (notice) => plans.push(notice.message ?? ''));
      for (const setting of [
        "LOAD 'auto_explain'",
        'SET auto_explain.log_min_duration = 0',
        'SET auto_explain.log_nested_statements = on',
      ]) {
        await fresh.query(setting);
      }
      await fresh.query('SET client_min_messages = log');
      const rows = await writeBatch(fresh, [
        { roomId, senderId: sender, clientMsgId: 'second', body: 'two' },
        { roomId, senderId: sender, clientMsgId: 'bulk7', body: 'a resend' },
      ]);
      expect(rows.map((row) => [row.o_outcome, Number(row.o_seq)])).toEqual([
        ['created', 20002],
        ['existing', 7],
      ]);
      const statement = plans.find((plan) => plan.includes('INSERT INTO messages'));
      expect(statement).toContain('Index Scan using messages_client_msg on messages');
      for (const plan of plans) expect(plan).not.toMatch(/Seq Scan|Hash Join|Hash Left Join|Merge/);
    } finally {
      await fresh.end();
    }
  });

  it('answers a single send (chat_write_one) exactly as chat_write_batch answers a batch of one', async () => {
    type Setup = { member: boolean; archived: boolean; missing?: boolean; stored?: 'plain' | 'deleted' };
    const setups: Setup[] = [
      { member: true, archived: false },
      { member: true, archived: true },
      { member: false, archived: false },
      { member: false, archived: true },
      { member: true, archived: false, missing: true },
      { member: true, archived: false, stored: 'plain' },
      { member: true, archived: false, stored: 'deleted' },
      // A resend into a room archived since: the original, as the batch statement answers.
      { member: true, archived: true, stored: 'plain' },
    ];
    /** One setup on fresh rows, sent through `statement`; what the caller and the tables then show. */
    async function outcome(setup: Setup, statement: 'one' | 'batch') {
      const sender = await user();
      const roomId = setup.missing ? randomUUID() : await room({ members: setup.member ? [sender] : [] });
      if (setup.stored) {
        await writeBatch(db, [
          { roomId, senderId: sender, clientMsgId: 'earlier', body: 'first' },
          { roomId, senderId: sender, clientMsgId: 'again', body: 'original' },
        ]);
        if (setup.stored === 'deleted') {
          await db.query(`UPDATE messages SET deleted_at = now(), body = NULL WHERE room_id = $1 AND client_msg_id = 'again'`, [roomId]);
        }
      }
      if (setup.archived && !setup.missing) await db.query(`UPDATE rooms SET archived_at = now() WHERE id = $1`, [roomId]);
      const rows =
        statement === 'one'
          ? (
              await db.query<BatchRow>(`SELECT * FROM chat_write_one($1::uuid, $2::uuid, $3::text, $4::text)`, [
                roomId,
                sender,
                'again',
                'body',
              ])
            ).rows
          : await writeBatch(db, [{ roomId, senderId: sender, clientMsgId: 'again', body: 'body' }]);
      const head = await db.query<{ last_seq: string }>(`SELECT last_seq FROM rooms WHERE id = $1`, [roomId]);
      const mark = await db.query<{ last_read_seq: string }>(`SELECT last_read_seq FROM room_members WHERE room_id = $1 AND user_id = $2`, [
        roomId,
        sender,
      ]);
      const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE room_id = $1`, [roomId]);
      return {
        rows: rows.map((row) => ({
          ord: Number(row.o_ord),
          outcome: row.o_outcome,
          seq: row.o_seq === null ? null : Number(row.o_seq),
          updatedSeq: row.o_updated_seq === null ? null : Number(row.o_updated_seq),
          body: row.o_body,
          hasId: row.o_id !== null,
          hasCreatedAt: row.o_created_at !== null,
          edited: row.o_edited_at !== null,
          deleted: row.o_deleted_at !== null,
        })),
        head: head.rows.map((row) => Number(row.last_seq)),
        mark: mark.rows.map((row) => Number(row.last_read_seq)),
        stored: stored.rows[0]?.n,
      };
    }
    const outcomes = new Set<string>();
    for (const setup of setups) {
      const one = await outcome(setup, 'one');
      expect({ setup, ...one }).toEqual({ setup, ...(await outcome(setup, 'batch')) });
      outcomes.add(one.rows[0]?.outcome ?? 'none');
    }
    expect([...outcomes].sort()).toEqual(['archived', 'created', 'existing', 'not_found', 'not_member']);
  });
});
