import { ErrorCode } from '@chat/contracts';
import type { SendMessageAck, TypingAck } from '@chat/contracts';
import { sleep, useFreshCluster } from '@chat/test-harness';
import { addMember, createRoom, newClientMsgId } from '../support/chat';
import { Api, registerUser, type TestUser } from '../support/http';
import { connectClient, expectRefusedHandshake, type ChatClient } from '../support/sockets';

const SEND_LIMIT = 200;
const SOCKETS_PER_USER = 5;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Emits `count` requests in chunks (yielding between them, as a fast client does), resolving with every ack. */
function flood<A>(count: number, emit: (index: number, ack: (answer: A) => void) => void): Promise<A[]> {
  return new Promise((done) => {
    const acks: A[] = [];
    let sent = 0;
    const burst = () => {
      for (let end = Math.min(count, sent + 250); sent < end; sent += 1) {
        emit(sent, (answer) => {
          acks.push(answer);
          if (acks.length === count) done(acks);
        });
      }
      if (sent < count) setImmediate(burst);
    };
    burst();
  });
}

/**
 * Issue 12, finding 3: one user flooding sends, typing or sockets. Limits at their product values
 * except the send limit (raised so the bystander's own 100 sends fit in it).
 */
describe('per-user socket limits (abuse)', () => {
  const cluster = useFreshCluster({
    pods: 2,
    env: {
      RATE_LIMIT_MESSAGE_SEND: `${SEND_LIMIT}/10s`,
      SOCKETS_PER_USER: String(SOCKETS_PER_USER),
      TYPING_RELAY_INTERVAL_MS: '1500',
      RATE_LIMIT_LOGIN_ADDRESS: '1000/1m',
      RATE_LIMIT_REGISTER_ADDRESS: '1000/1h',
    },
  });
  let podA: Api;
  let flooder: TestUser;
  let bystander: TestUser;
  let member: TestUser;
  let roomId: string;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    const [first, second] = cluster().pods;
    podA = new Api(first.baseUrl);
    [flooder, bystander, member] = await Promise.all([registerUser(podA, 'flood'), registerUser(podA, 'by'), registerUser(podA, 'mem')]);
    const room = await createRoom(podA, flooder, 'private');
    roomId = room.id;
    for (const user of [bystander, member]) await addMember(podA, flooder, roomId, user.user.id);
    void second;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
  });

  async function connect(user: TestUser, pod: 0 | 1, label: string): Promise<ChatClient> {
    const client = await connectClient(cluster().pods[pod]?.baseUrl ?? '', user.token, label);
    clients.push(client);
    return client;
  }

  it('refuses a send flood beyond the limit while a bystander on the same pod keeps p99 < 100 ms', async () => {
    const flooding = await connect(flooder, 0, 'flooder');
    const calm = await connect(bystander, 0, 'bystander');
    const floodDone = flood<SendMessageAck>(5000, (i, ack) =>
      flooding.socket.emit('message:send', { roomId, clientMsgId: newClientMsgId(), body: `flood ${i}` }, ack),
    );
    const latencies: number[] = [];
    const bystanderAcks: SendMessageAck[] = [];
    for (let i = 0; i < 100; i += 1) {
      const started = performance.now();
      bystanderAcks.push(await calm.request('message:send', { roomId, clientMsgId: newClientMsgId(), body: `calm ${i}` }));
      latencies.push(performance.now() - started);
    }
    const acks = await floodDone;
    const accepted = acks.filter((ack) => ack.ok).length;
    const refused = acks.filter((ack) => !ack.ok && ack.error.code === ErrorCode.RATE_LIMITED);
    expect(accepted).toBeLessThanOrEqual(SEND_LIMIT);
    expect(accepted + refused.length).toBe(5000);
    const first = refused[0];
    expect(first && !first.ok && first.error.retryAfterMs).toBeGreaterThan(0);
    expect(bystanderAcks.every((ack) => ack.ok)).toBe(true);
    expect(percentile(latencies, 99)).toBeLessThan(100);
  });

  it('coalesces a typing flood: every event answered ok, members receive only a few', async () => {
    const typist = await connect(flooder, 0, 'typist');
    const watcher = await connect(member, 1, 'watcher');
    const started = Date.now();
    const acks = await flood<TypingAck>(10_000, (i, ack) => typist.socket.emit('typing', { roomId, typing: i !== 9_999 }, ack));
    const floodMs = Date.now() - started;
    expect(acks.every((ack) => ack.ok)).toBe(true);
    // The last state (typing: false) arrives when its interval ends.
    await watcher.waitFor('typing', (event) => event.user.id === flooder.user.id && !event.typing, 5_000);
    await sleep(2_000);
    const received = watcher.seen('typing', (event) => event.user.id === flooder.user.id);
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.length).toBeLessThanOrEqual(Math.ceil(floodMs / 1500) + 2);
  });

  it('caps sockets per user across both pods, and frees a slot on disconnect', async () => {
    const user = await registerUser(podA, 'many');
    const open: ChatClient[] = [];
    for (let i = 0; i < SOCKETS_PER_USER; i += 1) open.push(await connect(user, i % 2 === 0 ? 0 : 1, `s${i}`));
    for (const pod of [0, 1] as const) {
      const refused = await expectRefusedHandshake(cluster().pods[pod]?.baseUrl ?? '', { token: user.token });
      expect(refused.data).toMatchObject({ code: ErrorCode.RATE_LIMITED, retryAfterMs: expect.any(Number) });
    }
    await open[0]?.close();
    await sleep(300);
    await expect(connect(user, 1, 'again')).resolves.toBeDefined();
  });
});
