import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryPage, MyRoom, SearchPage, User } from '@chat/contracts';
import { createRoom, myRoom, send } from '../support/chat';
import { Api, login, registerUser, type TestUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';
import { ManagedProcess, REPO_ROOT, TEST_POD_LIMITS, failedSoFar, freePort, waitUntilReady } from '@chat/test-harness';

/** First start may create the embedded database; `npm start` also builds when dist/ is missing. */
const START_TIMEOUT_MS = 120_000;

/** The environment of a developer's shell: nothing that points at external services or fixes the secret. */
function embeddedEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'JWT_SECRET', 'POD_ID', 'NODE_ENV']) {
    delete env[key];
  }
  return { ...env, ...TEST_POD_LIMITS, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', NO_COLOR: '1' };
}

describe('embedded single node (npm start, no DATABASE_URL / REDIS_URL)', () => {
  let dataDir = '';
  let port = 0;
  let api: Api;
  let node: ManagedProcess | undefined;
  const started: ManagedProcess[] = [];
  const clients: ChatClient[] = [];

  // State carried from one step of the scenario to the next.
  let alice: TestUser | undefined;
  let room: MyRoom | undefined;
  const bodies = ['first embedded message', 'second one', 'third, with ünïcödé ✓'];

  async function start(label: string): Promise<ManagedProcess> {
    const proc = new ManagedProcess(label, 'npm', ['start'], { cwd: REPO_ROOT, env: embeddedEnv(port, dataDir) });
    started.push(proc);
    await waitUntilReady(api.baseUrl, proc, START_TIMEOUT_MS);
    return proc;
  }

  function requireState(): { alice: TestUser; room: MyRoom } {
    if (!alice || !room) throw new Error('an earlier step of the scenario failed');
    return { alice, room };
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chat-embedded-'));
    port = await freePort();
    api = new Api(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    try {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      for (const proc of started) await proc.stop();
      if (failedSoFar()) {
        for (const proc of started) process.stderr.write(`\n----- logs of ${proc.name} -----\n${proc.tail(150)}\n`);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it(
    'starts with npm start on an empty DATA_DIR and serves the Angular client at /',
    async () => {
      node = await start('embedded#1');
      const index = await fetch(`${api.baseUrl}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/text\/html/);
      expect(await index.text()).toContain('<app-root');
      expect((await fetch(`${api.baseUrl}/health/live`)).status).toBe(200);
      expect((await readdir(dataDir)).length).toBeGreaterThan(0);
    },
    START_TIMEOUT_MS + 10_000,
  );

  it('registers a user, creates a room and stores messages sent over the socket', async () => {
    alice = await registerUser(api, 'emb');
    room = await createRoom(api, alice, 'public', 'embedded room');
    const client = await connectClient(api.baseUrl, alice.token, 'alice@embedded');
    clients.push(client);
    const seqs: number[] = [];
    for (const body of bodies) seqs.push((await send(client, room.id, body)).seq);
    expect(seqs).toEqual([1, 2, 3]);
    await client.close();
  });

  it('stops on SIGTERM without being killed', async () => {
    if (!node) throw new Error('the node did not start');
    const exit = await node.stop(15_000);
    expect(exit.killed).toBe(false);
    await expect(fetch(`${api.baseUrl}/health/live`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  }, 30_000);

  it(
    'starts again on the same DATA_DIR with the same users, secret, rooms and messages',
    async () => {
      const state = requireState();
      node = await start('embedded#2');

      // The embedded node persisted its own JWT secret: a token from the first run is still good.
      const me = await api.get<User>('/api/me', state.alice.token);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(state.alice.user.id);

      const again = await login(api, state.alice.username, state.alice.password);
      const relogged: TestUser = { ...state.alice, token: again.accessToken };
      expect(await myRoom(api, relogged, state.room.id)).toMatchObject({ name: 'embedded room', lastSeq: 3 });

      const history = await api.get<HistoryPage>(`/api/rooms/${state.room.id}/messages`, relogged.token);
      expect(history.status).toBe(200);
      expect(history.body.messages.map((m) => m.body)).toEqual([...bodies].reverse());

      const client = await connectClient(api.baseUrl, relogged.token, 'alice@embedded#2');
      clients.push(client);
      expect(client.sessions[0]?.rooms.find((r) => r.id === state.room.id)).toMatchObject({ lastSeq: 3 });
      expect((await send(client, state.room.id, 'after restart')).seq).toBe(4);
    },
    START_TIMEOUT_MS + 30_000,
  );

  it('searches messages by full text on PGlite, through the same migration and index', async () => {
    const { alice: user, room: stored } = requireState();
    const found = await api.get<SearchPage>(`/api/search?q=${encodeURIComponent('ÜNÏCÖ')}`, user.token);
    expect(found.status).toBe(200);
    expect(found.body.items.map((hit) => [hit.roomName, hit.message.body])).toEqual([['embedded room', bodies[2]]]);
    const all = await api.get<SearchPage>(`/api/search?q=embedded&roomId=${stored.id}`, user.token);
    expect(all.body.items.map((hit) => hit.message.body)).toEqual([bodies[0]]);
  });
});
