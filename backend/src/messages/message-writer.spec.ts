import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import { MetricsService } from '../metrics/metrics.service';
import { MessageRepository, PendingSend, SendOutcome } from './message.repository';
import { BATCH_PER_SENDER, MessageWriter } from './message-writer';

const sender = { id: 'u1', username: 'alice', displayName: 'Alice' };
const send = (n: number): PendingSend => ({ roomId: 'r1', sender, clientMsgId: `c${n}`, body: `m${n}` });
const stored = (s: PendingSend, seq: number): SendOutcome => ({
  created: true,
  message: {
    id: `id-${s.clientMsgId}`,
    roomId: s.roomId,
    seq,
    updatedSeq: seq,
    clientMsgId: s.clientMsgId,
    sender,
    body: s.body,
    createdAt: '',
    editedAt: null,
    deletedAt: null,
    reactions: [],
    mentions: [],
    threadRootId: null,
    replyCount: 0,
    lastReplyAt: null,
  },
});

function writerWith(
  writeBatch: jest.Mock,
  settings = { max: 100, concurrency: 1, deadlineMs: 5_000 },
  findSent: jest.Mock = jest.fn(async () => []),
): MessageWriter {
  const repository = { writeBatch, findSent } as unknown as MessageRepository;
  const config = { writeBatch: settings } as AppConfig;
  return new MessageWriter(repository, config, new MetricsService());
}

describe('MessageWriter (group commit)', () => {
  it('writes sends that arrive together in one batch and answers each with its own outcome', async () => {
    const writeBatch = jest.fn(async (sends: PendingSend[]) => sends.map((s, i) => stored(s, i + 1)));
    const writer = writerWith(writeBatch);
    const outcomes = await Promise.all([1, 2, 3].map((n) => writer.write(send(n))));
    expect(writeBatch).toHaveBeenCalledTimes(1);
    expect(outcomes.map((o) => ('message' in o ? o.message.clientMsgId : 'error'))).toEqual(['c1', 'c2', 'c3']);
  });

  it('caps the batch size and writes the rest in the next batch', async () => {
    const writeBatch = jest.fn(async (sends: PendingSend[]) => sends.map((s, i) => stored(s, i + 1)));
    const writer = writerWith(writeBatch, { max: 2, concurrency: 1, deadlineMs: 5_000 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.write(send(n))));
    expect(writeBatch.mock.calls.map(([sends]) => sends.length)).toEqual([2, 2, 1]);
  });

  it("writes one sender's burst over several batches, so another sender queued behind it is in the first one", async () => {
    const writeBatch = jest.fn(async (sends: PendingSend[]) => sends.map((s, i) => stored(s, i + 1)));
    const writer = writerWith(writeBatch);
    const bob = { id: 'u2', username: 'bob', displayName: 'Bob' };
    const burst = Array.from({ length: 3 * BATCH_PER_SENDER }, (_, n) => writer.write(send(n)));
    const bystander = writer.write({ roomId: 'r1', sender: bob, clientMsgId: 'b1', body: 'hi' });
    await Promise.all([...burst, bystander]);
    const batches = writeBatch.mock.calls.map(([sends]) => sends.map((s) => s.clientMsgId));
    expect(batches.map((batch) => batch.length)).toEqual([BATCH_PER_SENDER + 1, BATCH_PER_SENDER, BATCH_PER_SENDER]);
    expect(batches[0]).toContain('b1');
    // One sender's sends keep their order across batches.
    expect(batches.flat().filter((id) => id !== 'b1')).toEqual(Array.from({ length: 3 * BATCH_PER_SENDER }, (_, n) => `c${n}`));
  });

  it('answers every send of a batch with UNAVAILABLE when the database is unreachable', async () => {
    const writeBatch = jest.fn(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    const writer = writerWith(writeBatch);
    const outcomes = await Promise.all([1, 2].map((n) => writer.write(send(n))));
    expect(outcomes.map((o) => ('error' in o ? o.error.code : 'ok'))).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect(writeBatch).toHaveBeenCalledTimes(1);
  });

  it('splits a failing batch in halves until the bad send is alone: O(log n) statements, the others stored in order', async () => {
    const written: string[] = [];
    const writeBatch = jest.fn(async (sends: PendingSend[]) => {
      if (sends.some((s) => s.clientMsgId === 'c37'))
        throw Object.assign(new Error('invalid byte sequence'), { severity: 'ERROR', code: '22021' });
      written.push(...sends.map((s) => s.clientMsgId));
      return sends.map((s, i) => stored(s, i + 1));
    });
    const writer = writerWith(writeBatch);
    const outcomes = await Promise.all(Array.from({ length: 64 }, (_, n) => writer.write(send(n))));
    expect(outcomes.filter((o) => 'error' in o).map((o) => 'error' in o && o.error.code)).toEqual(['VALIDATION_FAILED']);
    expect(writeBatch.mock.calls.length).toBeLessThanOrEqual(1 + 2 * Math.log2(64));
    expect(written).toEqual(Array.from({ length: 64 }, (_, n) => `c${n}`).filter((id) => id !== 'c37'));
  });

  it('retries a batch after an unexpected failure so that one bad send fails alone', async () => {
    const writeBatch = jest.fn(async (sends: PendingSend[]) => {
      if (sends.length > 1) throw new Error('duplicate key value violates unique constraint');
      if (sends[0].clientMsgId === 'c2') throw new AppError('FORBIDDEN', 'no');
      return [stored(sends[0], 1)];
    });
    const writer = writerWith(writeBatch);
    const outcomes = await Promise.all([1, 2, 3].map((n) => writer.write(send(n))));
    expect(outcomes.map((o) => ('error' in o ? o.error.code : 'ok'))).toEqual(['ok', 'FORBIDDEN', 'ok']);
  });

  it('writes one batch at a time per lane, rooms spread over `concurrency` lanes, a room always on the same lane', async () => {
    let inFlight = 0;
    let peak = 0;
    const batches: string[][] = [];
    const writeBatch = jest.fn(async (sends: PendingSend[]) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      batches.push(sends.map((s) => s.roomId));
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return sends.map((s, i) => stored(s, i + 1));
    });
    const writer = writerWith(writeBatch, { max: 2, concurrency: 2, deadlineMs: 5_000 });
    // Rooms 0000000a (lane 0 of 2) and 0000000b (lane 1): three sends each.
    const inRoom = (room: string, n: number) => ({ ...send(n), roomId: `${room}-0000-4000-8000-000000000000` });
    await Promise.all([1, 2, 3].flatMap((n) => [writer.write(inRoom('0000000a', n)), writer.write(inRoom('0000000b', n))]));
    expect(peak).toBe(2);
    expect(batches.every((rooms) => new Set(rooms).size === 1)).toBe(true);
    expect(batches.map((rooms) => rooms.length)).toEqual([2, 2, 1, 1]);
    expect(writer.pending).toBe(0);
  });

  it('answers UNAVAILABLE at the deadline when the database hangs, and reports a late commit', async () => {
    let finish: (outcomes: SendOutcome[]) => void = () => undefined;
    const writeBatch = jest.fn(
      (sends: PendingSend[]) => new Promise<SendOutcome[]>((resolve) => (finish = () => resolve(sends.map((s, i) => stored(s, i + 1))))),
    );
    const writer = writerWith(writeBatch, { max: 10, concurrency: 1, deadlineMs: 30 });
    const late: string[] = [];
    writer.onCommitted((message) => late.push(message.clientMsgId));
    const started = Date.now();
    const outcome = await writer.write(send(1));
    expect('error' in outcome && outcome.error.code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1_000);
    finish([]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(late).toEqual(['c1']);
  });

  it('refuses new sends at once when far too many are waiting', async () => {
    const writeBatch = jest.fn(() => new Promise<SendOutcome[]>(() => undefined));
    const writer = writerWith(writeBatch, { max: 1, concurrency: 1, deadlineMs: 100 });
    for (let n = 0; n < 10_001; n += 1) void writer.write(send(n));
    const outcome = await writer.write(send(99));
    expect('error' in outcome && outcome.error.message).toMatch(/Too many messages/);
  });

  it('announces the sends of a batch whose answer never came once the database answers again, if it committed them', async () => {
    // The first batch's statement reached the database, which hung: the driver gave up (a timeout), the
    // database committed it later. The senders' retries find the stored originals, which are not new.
    const writeBatch = jest
      .fn()
      .mockRejectedValueOnce(Object.assign(new Error('Query read timeout'), {}))
      .mockImplementation(async (sends: PendingSend[]) => sends.map((s, i) => stored(s, 10 + i)));
    const committedLate = stored(send(1), 3);
    const findSent = jest.fn(async () => ['message' in committedLate ? committedLate.message : null]);
    const writer = writerWith(writeBatch, { max: 100, concurrency: 1, deadlineMs: 5_000 }, findSent);
    const announced: string[] = [];
    writer.onCommitted((message) => announced.push(`${message.clientMsgId}@${message.seq}`));

    const lost = await writer.write(send(1));
    expect('error' in lost && lost.error.code).toBe('UNAVAILABLE');
    expect(findSent).not.toHaveBeenCalled();

    await writer.write(send(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(findSent).toHaveBeenCalledWith([send(1)]);
    // In either order: clients place a message by its seq.
    expect(announced.sort()).toEqual(['c1@3', 'c2@10']);
  });

  it('keeps sends in doubt while the database cannot say, and resolves them after a later batch', async () => {
    const writeBatch = jest
      .fn()
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5432'))
      .mockImplementation(async (sends: PendingSend[]) => sends.map((s, i) => stored(s, 20 + i)));
    const findSent = jest.fn().mockRejectedValueOnce(new Error('Connection terminated unexpectedly')).mockResolvedValue([]);
    const writer = writerWith(writeBatch, { max: 100, concurrency: 1, deadlineMs: 5_000 }, findSent);
    await writer.write(send(1));
    await writer.write(send(2));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await writer.write(send(3));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(findSent.mock.calls).toEqual([[[send(1)]], [[send(1)]]]);
  });
});
