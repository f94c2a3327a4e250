import { ErrorCode } from '@chat/contracts';
import { sleep, useFreshCluster } from '@chat/test-harness';
import { addMember, createRoom } from '../support/chat';
import { bystanderSendsDuring, floodFromProcess, percentile, sendsDuring } from '../support/flood';
import { Api, registerUser, type TestUser } from '../support/http';
import { connectClient, expectRefusedHandshake, type ChatClient } from '../support/sockets';

const SEND_LIMIT = 200;
const SOCKETS_PER_USER = 5;

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
  let typingBystander: TestUser;
  let member: TestUser;
  let roomId: string;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    const [first, second] = cluster().pods;
    podA = new Api(first.baseUrl);
    [flooder, bystander, typingBystander, member] = await Promise.all(
      ['flood', 'by', 'by2', 'mem'].map((name) => registerUser(podA, name)),
    );
    const room = await createRoom(podA, flooder, 'private');
    roomId = room.id;
    for (const user of [bystander, typingBystander, member]) await addMember(podA, flooder, roomId, user.user.id);
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
    const calm = await connect(bystander, 0, 'bystander');
    const attack = floodFromProcess(cluster().pods[0]?.baseUrl ?? '', { event: 'message:send', token: flooder.token, roomId });
    const { run, flood } = await bystanderSendsDuring(attack, calm, roomId);
    expect(sendsDuring(run, flood)).toBe(100);
    expect(flood.sent).toBeGreaterThanOrEqual(1000);
    // The limit, and what it refilled (SEND_LIMIT per 10 s) while the flood lasted.
    expect(flood.ok).toBeLessThanOrEqual(SEND_LIMIT + Math.ceil(((flood.finishedAt - flood.startedAt) / 10_000) * SEND_LIMIT));
    expect(flood.ok + flood.rateLimited).toBe(flood.sent);
    expect(flood.firstRetryAfterMs).toBeGreaterThan(0);
    expect(run.acks.every((ack) => ack.ok)).toBe(true);
    expect(percentile(run.latencies, 99)).toBeLessThan(100);
  });

  it('coalesces a typing flood: every event answered ok, members receive only a few, a bystander on the same pod keeps p99 < 100 ms', async () => {
    const calm = await connect(typingBystander, 0, 'typing bystander');
    const watcher = await connect(member, 1, 'watcher');
    const attack = floodFromProcess(cluster().pods[0]?.baseUrl ?? '', { event: 'typing', token: flooder.token, roomId, lingerMs: 8_000 });
    const { run, flood } = await bystanderSendsDuring(attack, calm, roomId);
    expect(sendsDuring(run, flood)).toBe(100);
    expect(flood.sent).toBeGreaterThanOrEqual(1000);
    expect(flood.ok).toBe(flood.sent);
    expect(run.acks.every((ack) => ack.ok)).toBe(true);
    expect(percentile(run.latencies, 99)).toBeLessThan(100);
    // The last state (typing: false) arrives when its interval ends.
    await watcher.waitFor('typing', (event) => event.user.id === flooder.user.id && !event.typing, 5_000);
    await sleep(2_000);
    const received = watcher.seen('typing', (event) => event.user.id === flooder.user.id);
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.length).toBeLessThanOrEqual(Math.ceil((flood.finishedAt - flood.startedAt) / 1500) + 2);
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
