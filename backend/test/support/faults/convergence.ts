import { Pool } from 'pg';
import type { ResilientClient, TimelineEntry } from './resilient-client';
import { sleep } from '@chat/test-harness';

/** Read-only view of the suite's own database, for checking what was really stored. */
export class TimelineStore {
  private readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
    // Connections die when a test stops PostgreSQL; the pool replaces them.
    this.pool.on('error', () => undefined);
  }

  async timeline(roomId: string): Promise<{ lastSeq: number; entries: TimelineEntry[] }> {
    const rooms = await this.pool.query<{ last_seq: string }>('SELECT last_seq FROM rooms WHERE id = $1', [roomId]);
    const room = rooms.rows[0];
    if (!room) throw new Error(`room ${roomId} is not in the database`);
    const rows = await this.pool.query<{
      id: string;
      seq: string;
      updated_seq: string;
      client_msg_id: string;
      sender_id: string;
      body: string | null;
      deleted: boolean;
    }>(
      `SELECT id, seq, updated_seq, client_msg_id, sender_id, body, deleted_at IS NOT NULL AS deleted
       FROM messages WHERE room_id = $1 ORDER BY seq`,
      [roomId],
    );
    return {
      lastSeq: Number(room.last_seq),
      entries: rows.rows.map((row) => ({
        id: row.id,
        seq: Number(row.seq),
        updatedSeq: Number(row.updated_seq),
        clientMsgId: row.client_msg_id,
        senderId: row.sender_id,
        body: row.body,
        deleted: row.deleted,
      })),
    };
  }

  async lastSeq(roomId: string): Promise<number> {
    const rows = await this.pool.query<{ last_seq: string }>('SELECT last_seq FROM rooms WHERE id = $1', [roomId]);
    return Number(rows.rows[0]?.last_seq ?? -1);
  }

  /** Rows with this (room, clientMsgId), whoever sent them. */
  async rowsFor(roomId: string, clientMsgId: string): Promise<{ id: string; seq: number }[]> {
    const rows = await this.pool.query<{ id: string; seq: string }>(
      'SELECT id, seq FROM messages WHERE room_id = $1 AND client_msg_id = $2',
      [roomId, clientMsgId],
    );
    return rows.rows.map((row) => ({ id: row.id, seq: Number(row.seq) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function show(entry: TimelineEntry | undefined): string {
  return entry ? JSON.stringify(entry) : '(none)';
}

/** Where two timelines first differ, or null when they are identical. */
export function firstDifference(a: TimelineEntry[], b: TimelineEntry[]): string | null {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || JSON.stringify(x) !== JSON.stringify(y)) return `at index ${i}: ${show(x)} vs ${show(y)}`;
  }
  return null;
}

/**
 * Problems of a stored timeline: every event (a message's creation `seq`, and its latest change
 * `updatedSeq` when that differs) must take a distinct seq, and together they must be exactly 1..lastSeq.
 * This holds as long as the test changed each message at most once (a second edit hides the first one's
 * seq); the fault tests respect that.
 */
export function timelineProblems(lastSeq: number, entries: TimelineEntry[]): string[] {
  const problems: string[] = [];
  const owner = new Map<number, string>();
  const claim = (seq: number, what: string) => {
    const previous = owner.get(seq);
    if (previous) problems.push(`seq ${seq} used twice: ${previous} and ${what}`);
    else owner.set(seq, what);
  };
  for (const entry of entries) {
    claim(entry.seq, `create of ${entry.id}`);
    if (entry.updatedSeq !== entry.seq) {
      if (entry.updatedSeq < entry.seq) problems.push(`${entry.id} updatedSeq ${entry.updatedSeq} < seq ${entry.seq}`);
      claim(entry.updatedSeq, `change of ${entry.id}`);
    }
  }
  const missing: number[] = [];
  for (let seq = 1; seq <= lastSeq; seq += 1) if (!owner.has(seq)) missing.push(seq);
  if (missing.length) problems.push(`seqs missing from 1..${lastSeq}: ${missing.slice(0, 20).join(',')}${missing.length > 20 ? '…' : ''}`);
  const beyond = [...owner.keys()].filter((seq) => seq > lastSeq || seq < 1);
  if (beyond.length) problems.push(`seqs outside 1..${lastSeq}: ${beyond.slice(0, 20).join(',')}`);
  return problems;
}

/** A room notice (a join, an addition... written by the server under the clientMsgId `notice:<uuid>`). */
export function isNotice(entry: TimelineEntry): boolean {
  return entry.clientMsgId.startsWith('notice:');
}

export interface ConvergenceReport {
  lastSeq: number;
  /** Messages people sent (room notices not counted). */
  messages: number;
  ackedSends: number;
}

/**
 * Every client holds the identical timeline, equal to the database's; the stored timeline is gapless;
 * every acknowledged clientMsgId of these clients is stored exactly once, as the message its ack named;
 * and the room holds nothing else (no message that no client sent). `senders` are the clients whose sends
 * count (default: `clients`); pass every client that ever sent to the room.
 */
export async function assertConverged(
  store: TimelineStore,
  clients: ResilientClient[],
  roomId: string,
  senders: ResilientClient[] = clients,
): Promise<ConvergenceReport> {
  const { lastSeq, entries } = await store.timeline(roomId);
  const problems = timelineProblems(lastSeq, entries).map((problem) => `database: ${problem}`);

  for (const client of clients) {
    if (client.appliedSeq(roomId) !== lastSeq) {
      problems.push(`${client.label}: applied seq ${client.appliedSeq(roomId)} but the room is at ${lastSeq}`);
    }
    const difference = firstDifference(client.timeline(roomId), entries);
    if (difference) problems.push(`${client.label} differs from the database ${difference}`);
    if (client.anomalies.length) problems.push(`${client.label} anomalies: ${client.anomalies.slice(0, 5).join(' | ')}`);
    if (problems.length > 20) break;
  }

  const byKey = new Map<string, TimelineEntry[]>();
  for (const entry of entries) {
    const key = `${entry.senderId}|${entry.clientMsgId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  }
  const expected = new Set<string>();
  let ackedSends = 0;
  for (const sender of senders) {
    for (const send of sender.outbox.values()) {
      if (send.roomId !== roomId) continue;
      if (!send.acked) {
        problems.push(`${sender.label}: send ${send.clientMsgId} was never acknowledged`);
        continue;
      }
      ackedSends += 1;
      const key = `${send.acked.sender.id}|${send.clientMsgId}`;
      expected.add(key);
      const stored = byKey.get(key) ?? [];
      if (stored.length !== 1) problems.push(`${sender.label}: acked ${send.clientMsgId} stored ${stored.length} times`);
      else if (stored[0]?.id !== send.acked.id || stored[0]?.seq !== send.acked.seq) {
        problems.push(`${sender.label}: ack of ${send.clientMsgId} named ${send.acked.id}/${send.acked.seq}, stored ${show(stored[0])}`);
      }
      if (new Set(send.ackedIds).size > 1)
        problems.push(`${sender.label}: ${send.clientMsgId} acked as different messages ${send.ackedIds.join(',')}`);
    }
  }
  // Room notices (joins, additions...) are written by the server, not sent by a client.
  const strangers = entries.filter(
    (entry) => !entry.clientMsgId.startsWith('notice:') && !expected.has(`${entry.senderId}|${entry.clientMsgId}`),
  );
  if (strangers.length) problems.push(`${strangers.length} stored messages no client sent or none acked, e.g. ${show(strangers[0])}`);

  if (problems.length) throw new Error(`room ${roomId} did not converge:\n  ${problems.slice(0, 25).join('\n  ')}`);
  return { lastSeq, messages: entries.filter((entry) => !isNotice(entry)).length, ackedSends };
}

/**
 * Waits until every client acked all its sends and caught up with the database's head of the room
 * (the head is re-read while waiting), then checks with assertConverged.
 */
export async function waitForConvergence(
  store: TimelineStore,
  clients: ResilientClient[],
  roomId: string,
  timeoutMs: number,
  senders: ResilientClient[] = clients,
): Promise<ConvergenceReport> {
  const deadline = Date.now() + timeoutMs;
  let lastSeq = await store.lastSeq(roomId);
  const behind = () => clients.filter((client) => client.appliedSeq(roomId) !== lastSeq || !client.settled);
  for (;;) {
    const sendersBusy = senders.filter((sender) => [...sender.outbox.values()].some((send) => send.roomId === roomId && !send.acked));
    const lagging = behind();
    if (sendersBusy.length === 0 && lagging.length === 0) {
      const now = await store.lastSeq(roomId);
      if (now === lastSeq) break;
      lastSeq = now;
      continue;
    }
    if (Date.now() > deadline) {
      const sample = [...new Set([...sendersBusy, ...lagging])].slice(0, 5).map((client) => `${client.label}: ${client.describe()}`);
      throw new Error(
        `room ${roomId} (head ${lastSeq}): ${lagging.length} clients not caught up, ${sendersBusy.length} senders with unacked sends after ${timeoutMs} ms\n  ${sample.join('\n  ')}`,
      );
    }
    await sleep(100);
    lastSeq = await store.lastSeq(roomId);
  }
  return assertConverged(store, clients, roomId, senders);
}
