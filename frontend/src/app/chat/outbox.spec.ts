import type { Ack, Message } from '@chat/contracts';
import type { SendMessageRequest } from '@chat/contracts';
import { flushPromises, message } from '../../testing/fixtures';
import { Outbox } from './outbox';

type SendAck = Ack<{ message: Message }>;

function setup(initiallyOnline = true) {
  let n = 0;
  let online = initiallyOnline;
  const send = jest.fn<Promise<SendAck>, [SendMessageRequest]>();
  const onSent = jest.fn<void, [Message]>();
  const timers: { resend: () => void; ms: number }[] = [];
  const outbox = new Outbox({
    send,
    onSent,
    online: () => online,
    newId: () => `cid-${++n}`,
    now: () => new Date('2024-01-01T12:00:00.000Z'),
    later: (resend, ms) => timers.push({ resend, ms }),
  });
  /** The connection dropping (false) or the session being announced again (true). */
  const setOnline = (value: boolean) => {
    online = value;
    if (value) outbox.resume();
  };
  return { outbox, send, onSent, setOnline, timers };
}

/** The server's copy of what the outbox sent. */
function stored(req: SendMessageRequest, seq = 10): Message {
  return message(seq, { roomId: req.roomId, clientMsgId: req.clientMsgId, body: req.body });
}

describe('Outbox', () => {
  it('shows a message as sending, then hands the server copy over on ack', async () => {
    const { outbox, send, onSent } = setup();
    send.mockImplementation(async (req) => ({ ok: true, message: stored(req) }));

    const entry = outbox.enqueue('r1', 'hi');
    expect(entry.clientMsgId).toBe('cid-1');
    expect(outbox.pending('r1')).toEqual([expect.objectContaining({ body: 'hi', status: 'sending' })]);
    expect(send).toHaveBeenCalledWith({ roomId: 'r1', clientMsgId: 'cid-1', body: 'hi' });

    await flushPromises();
    expect(outbox.pending('r1')).toEqual([]);
    expect(onSent).toHaveBeenCalledWith(expect.objectContaining({ clientMsgId: 'cid-1', seq: 10 }));
  });

  it('marks a message failed on an error ack and retries it with the same clientMsgId', async () => {
    const { outbox, send, onSent } = setup();
    send.mockResolvedValueOnce({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down' } });
    outbox.enqueue('r1', 'hi');
    await flushPromises();

    expect(outbox.pending('r1')[0]).toMatchObject({ status: 'failed', error: 'Slow down', retryable: true });

    send.mockImplementationOnce(async (req) => ({ ok: true, message: stored(req) }));
    outbox.retry('cid-1');
    expect(outbox.pending('r1')[0].status).toBe('sending');
    await flushPromises();

    expect(send.mock.calls.map(([req]) => req.clientMsgId)).toEqual(['cid-1', 'cid-1']);
    expect(outbox.pending('r1')).toEqual([]);
    expect(onSent).toHaveBeenCalledTimes(1);
  });

  it('resends a rate-limited message by itself once the wait is over, saying so meanwhile', async () => {
    const { outbox, send, onSent, timers } = setup();
    send.mockResolvedValueOnce({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down', retryAfterMs: 1_500 } });
    outbox.enqueue('r1', 'hi');
    await flushPromises();

    expect(outbox.pending('r1')[0]).toMatchObject({ status: 'failed', error: 'Sending too fast: trying again in 2 s', retryable: true });
    expect(timers.map((t) => t.ms)).toEqual([1_500]);
    send.mockImplementationOnce(async (req) => ({ ok: true, message: stored(req) }));
    timers[0]?.resend();
    await flushPromises();

    expect(send.mock.calls.map(([req]) => req.clientMsgId)).toEqual(['cid-1', 'cid-1']);
    expect(onSent).toHaveBeenCalledTimes(1);
    expect(outbox.pending('r1')).toEqual([]);
  });

  it('does not resend a rate-limited message that was discarded, or wait longer than a minute by itself', async () => {
    const { outbox, send, timers } = setup();
    send.mockResolvedValue({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down', retryAfterMs: 500 } });
    outbox.enqueue('r1', 'gone');
    await flushPromises();
    outbox.discard('cid-1');
    timers[0]?.resend();
    expect(send).toHaveBeenCalledTimes(1);

    send.mockResolvedValue({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down', retryAfterMs: 3_600_000 } });
    outbox.enqueue('r1', 'later');
    await flushPromises();
    expect(timers).toHaveLength(1);
    expect(outbox.pending('r1')[0]).toMatchObject({ status: 'failed', error: 'Slow down', retryable: true });
  });

  it('holds messages while offline and sends them in order when back online', async () => {
    const { outbox, send, setOnline } = setup(false);
    send.mockImplementation(async (req) => ({ ok: true, message: stored(req) }));
    outbox.enqueue('r1', 'one');
    outbox.enqueue('r1', 'two');
    expect(send).not.toHaveBeenCalled();
    expect(outbox.pending('r1').map((e) => e.status)).toEqual(['sending', 'sending']);

    setOnline(true);
    await flushPromises();
    expect(send.mock.calls.map(([req]) => req.body)).toEqual(['one', 'two']);
    expect(outbox.size).toBe(0);
  });

  it('resends retryable failures after a reconnect, but not refusals', async () => {
    const { outbox, send, setOnline } = setup();
    send
      .mockResolvedValueOnce({ ok: false, error: { code: 'UNAVAILABLE', message: 'The server did not answer in time.' } })
      .mockResolvedValueOnce({ ok: false, error: { code: 'FORBIDDEN', message: 'Not a member' } });
    outbox.enqueue('r1', 'timed out');
    outbox.enqueue('r1', 'refused');
    await flushPromises();
    expect(outbox.pending('r1').map((e) => e.retryable)).toEqual([true, false]);

    send.mockImplementation(async (req) => ({ ok: true, message: stored(req) }));
    setOnline(false);
    setOnline(true);
    await flushPromises();

    expect(send.mock.calls.slice(2).map(([req]) => req.clientMsgId)).toEqual(['cid-1']);
    expect(outbox.pending('r1')).toEqual([expect.objectContaining({ clientMsgId: 'cid-2', status: 'failed' })]);
  });

  it('does not send a message twice while its first attempt is in flight', async () => {
    const { outbox, send, setOnline } = setup();
    send.mockImplementation(() => new Promise(() => undefined));
    outbox.enqueue('r1', 'hi');
    setOnline(true);
    outbox.retry('cid-1');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('settles an entry when its message arrives as a live event first', async () => {
    const { outbox, send, onSent } = setup();
    let resolve: (ack: SendAck) => void = () => undefined;
    send.mockImplementation(() => new Promise((r) => (resolve = r)));
    outbox.enqueue('r1', 'hi');
    const serverCopy = stored({ roomId: 'r1', clientMsgId: 'cid-1', body: 'hi' });

    expect(outbox.settle(serverCopy)).toBe(true);
    expect(outbox.pending('r1')).toEqual([]);

    resolve({ ok: true, message: serverCopy });
    await flushPromises();
    expect(outbox.pending('r1')).toEqual([]);
    expect(onSent).toHaveBeenCalledWith(serverCopy);
  });

  it('only settles entries of the same room', () => {
    const { outbox, send } = setup(false);
    send.mockResolvedValue({ ok: false, error: { code: 'INTERNAL', message: 'x' } });
    outbox.enqueue('r1', 'hi');
    expect(outbox.settle(message(1, { roomId: 'r2', clientMsgId: 'cid-1' }))).toBe(false);
    expect(outbox.pending('r1')).toHaveLength(1);
  });

  it('discards a failed message', async () => {
    const { outbox, send } = setup();
    send.mockResolvedValue({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'too long' } });
    outbox.enqueue('r1', 'hi');
    await flushPromises();
    outbox.discard('cid-1');
    expect(outbox.pending('r1')).toEqual([]);
  });

  it('keeps rooms apart', () => {
    const { outbox } = setup(false);
    outbox.enqueue('r1', 'a');
    outbox.enqueue('r2', 'b');
    expect(outbox.pending('r2').map((e) => e.body)).toEqual(['b']);
    outbox.forgetRoom('r1');
    expect(outbox.size).toBe(1);
  });

  it('restores saved entries and resends them, with the same clientMsgId, once online', async () => {
    const { outbox, send, setOnline } = setup(false);
    send.mockImplementation(async (req) => ({ ok: true, message: stored(req) }));
    const saved = [
      {
        clientMsgId: 'kept-1',
        roomId: 'r1',
        body: 'one',
        createdAt: 'x',
        status: 'sending' as const,
        error: null,
        retryable: true,
        attempts: 1,
      },
      {
        clientMsgId: 'kept-2',
        roomId: 'r1',
        body: 'two',
        createdAt: 'x',
        status: 'failed' as const,
        error: 'Nope',
        retryable: false,
        attempts: 1,
      },
    ];
    outbox.restore(saved);
    outbox.restore(saved);
    expect(outbox.snapshot().map((e) => e.clientMsgId)).toEqual(['kept-1', 'kept-2']);

    setOnline(true);
    await flushPromises();
    // The refused one waits for the user (retry or discard); the other went out under its old id.
    expect(send.mock.calls.map(([req]) => req.clientMsgId)).toEqual(['kept-1']);
    expect(outbox.snapshot().map((e) => e.clientMsgId)).toEqual(['kept-2']);
  });
});
