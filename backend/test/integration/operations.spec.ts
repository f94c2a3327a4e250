import type { AdminRoom, AdminStats, AdminUser, AuditEntry, CursorPage, HistoryPage, Message } from '@chat/contracts';
import { ErrorCode } from '@chat/contracts';
import { createRoom, joinRoom, send } from '../support/chat';
import { Api, errorOf, login, registerUser, type TestUser } from '../support/http';
import { connectClient, expectRefusedHandshake, type ChatClient } from '../support/sockets';
import { ADMIN_PASSWORD, ADMIN_USERNAME, pollUntil, randomId, sleep, useFreshCluster } from '@chat/test-harness';

const METRICS_TOKEN = `metrics-${randomId(12)}`;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Pod heartbeats reach other pods every few seconds. */
const HEARTBEAT_WAIT_MS = 12_000;

describe('operating the service: admin API, OpenAPI, metrics, logs', () => {
  // Info-level JSON logs so the log test sees request lines.
  const cluster = useFreshCluster({ pods: 2, env: { LOG_LEVEL: 'log', LOG_FORMAT: 'json', METRICS_TOKEN } });
  let podA: Api;
  let podB: Api;
  let admin: string;
  const clients: ChatClient[] = [];

  async function connect(api: Api, user: TestUser, label: string): Promise<ChatClient> {
    const client = await connectClient(api.baseUrl, user.token, label);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    const [first, second] = cluster().pods;
    if (!first || !second) throw new Error('cluster did not start two pods');
    podA = new Api(first.baseUrl);
    podB = new Api(second.baseUrl);
    admin = (await login(podA, ADMIN_USERNAME, ADMIN_PASSWORD)).accessToken;
  }, 120_000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it('admin routes need a token (401) and the admin role (403)', async () => {
    const user = await registerUser(podA, 'plain');
    for (const path of ['/api/admin/stats', '/api/admin/users', '/api/admin/rooms', '/api/admin/audit']) {
      expect((await podA.get(path)).status).toBe(401);
      const forbidden = await podB.get(path, user.token);
      expect(forbidden.status).toBe(403);
      expect(errorOf(forbidden.body).code).toBe(ErrorCode.FORBIDDEN);
    }
  });

  it('stats list both live pods with their connections, totals and the message rate', async () => {
    const alice = await registerUser(podA, 'stats');
    const room = await createRoom(podA, alice, 'public');
    await connect(podA, alice, 'stats-a');
    const onB = await connect(podB, alice, 'stats-b');
    for (let i = 0; i < 6; i += 1) await send(onB, room.id, `rate ${i}`);
    const stats = await pollUntil(
      async () => (await podA.expectStatus<AdminStats>(200, 'GET', '/api/admin/stats', { token: admin })) as AdminStats,
      (s) => s.pods.every((pod) => pod.connections >= 1) && s.messagesPerSecond > 0,
      HEARTBEAT_WAIT_MS,
      250,
    );
    expect(stats.pods.map((pod) => pod.podId).sort()).toEqual(
      cluster()
        .pods.map((pod) => pod.podId)
        .sort(),
    );
    expect(stats.totals.connections).toBeGreaterThanOrEqual(2);
    expect(stats.totals.messages).toBeGreaterThanOrEqual(6);
    expect(stats.totals.users).toBeGreaterThanOrEqual(2);
    expect(stats.messagesPerSecond).toBeCloseTo(6 / 60, 1);
  });

  it('pages users by cursor without overlap', async () => {
    const prefix = `pg${randomId(2)}`;
    for (let i = 0; i < 3; i += 1) await registerUser(podA, prefix);
    const first = await podA.expectStatus<CursorPage<AdminUser>>(200, 'GET', `/api/admin/users?query=${prefix}&limit=2`, { token: admin });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await podB.expectStatus<CursorPage<AdminUser>>(
      200,
      'GET',
      `/api/admin/users?query=${prefix}&limit=2&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
      { token: admin },
    );
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const names = [...first.items, ...second.items].map((user) => user.username);
    expect(new Set(names).size).toBe(3);
    expect((await podA.get('/api/admin/users?cursor=not-a-cursor', admin)).status).toBe(400);
  });

  it('a ban closes the user’s sockets on every pod, refuses logins and connections, revokes tokens; unban restores login', async () => {
    const target = await registerUser(podA, 'banned');
    const onA = await connect(podA, target, 'ban-a');
    const onB = await connect(podB, target, 'ban-b');
    const disconnected = (client: ChatClient) => new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const gone = Promise.all([disconnected(onA), disconnected(onB)]);
    const banned = await podA.expectStatus<AdminUser>(200, 'POST', `/api/admin/users/${target.user.id}/ban`, {
      token: admin,
      body: { reason: 'spam' },
    });
    expect(banned.bannedAt).toEqual(expect.any(String));
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    for (const client of [onA, onB])
      expect(client.seen('session:closed')[0]).toEqual({ code: 'BANNED', message: expect.stringContaining('spam') });

    const refusedLogin = await podB.post('/api/auth/login', { username: target.username, password: target.password });
    expect(refusedLogin.status).toBe(403);
    expect((await podB.get('/api/me', target.token)).status).toBe(401);
    expect((await expectRefusedHandshake(podB.baseUrl, { token: target.token })).data?.code).toBe(ErrorCode.UNAUTHORIZED);

    expect((await podB.request('DELETE', `/api/admin/users/${target.user.id}/ban`, { token: admin })).status).toBe(200);
    const again = await login(podA, target.username, target.password);
    expect((await podA.get('/api/me', again.accessToken)).status).toBe(200);
    // The token issued before the ban stays revoked.
    expect((await podA.get('/api/me', target.token)).status).toBe(401);

    const me = await podA.expectStatus<{ id: string }>(200, 'GET', '/api/me', { token: admin });
    expect((await podA.post(`/api/admin/users/${me.id}/ban`, { reason: 'x' }, admin)).status).toBe(403);
  });

  it('deleting any message tombstones it and tells the room on every pod', async () => {
    const owner = await registerUser(podA, 'moder');
    const reader = await registerUser(podB, 'reader');
    const room = await createRoom(podA, owner, 'public');
    await joinRoom(podB, reader, room.id);
    const writer = await connect(podA, owner, 'mod-writer');
    const watcher = await connect(podB, reader, 'mod-watcher');
    const message = await send(writer, room.id, 'rude words');
    expect((await podB.request('DELETE', `/api/admin/messages/${message.id}`, { token: admin })).status).toBe(204);
    const event = await watcher.waitFor('message:deleted', (e) => e.messageId === message.id);
    expect(event).toMatchObject({ roomId: room.id, seq: message.seq + 1 });
    const history = await podA.expectStatus<HistoryPage>(200, 'GET', `/api/rooms/${room.id}/messages`, { token: owner.token });
    const tombstone = history.messages.find((m: Message) => m.id === message.id);
    expect(tombstone).toMatchObject({ body: null, updatedSeq: message.seq + 1 });
    expect((await podA.request('DELETE', `/api/admin/messages/${room.id}`, { token: admin })).status).toBe(404);
  });

  it('archiving a room stops new messages and keeps history; every action is in the audit log', async () => {
    const owner = await registerUser(podA, 'archiver');
    const room = await createRoom(podA, owner, 'public', `archive-${randomId(3)}`);
    const client = await connect(podB, owner, 'archive');
    await send(client, room.id, 'before archive');
    expect((await podA.request('DELETE', `/api/admin/rooms/${room.id}`, { token: admin })).status).toBe(204);
    await client.waitFor('room:archived', (e) => e.roomId === room.id);
    const refused = await client.request('message:send', { roomId: room.id, clientMsgId: `c-${randomId(4)}`, body: 'after' });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    const history = await podB.expectStatus<HistoryPage>(200, 'GET', `/api/rooms/${room.id}/messages`, { token: owner.token });
    expect(history.messages.map((m) => m.body)).toEqual(['before archive']);
    expect((await podB.request('DELETE', `/api/admin/rooms/${room.id}`, { token: admin })).status).toBe(409);

    const rooms = await podA.expectStatus<CursorPage<AdminRoom>>(200, 'GET', `/api/admin/rooms?query=${room.name}`, { token: admin });
    expect(rooms.items).toEqual([
      expect.objectContaining({ id: room.id, archivedAt: expect.any(String), memberCount: 1, createdBy: owner.user.id }),
    ]);

    const audit = await podB.expectStatus<CursorPage<AuditEntry>>(200, 'GET', '/api/admin/audit?limit=50', { token: admin });
    const actions = audit.items.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['room.archive', 'message.delete', 'user.ban', 'user.unban']));
    const archive = audit.items.find((entry) => entry.action === 'room.archive' && entry.targetId === room.id);
    expect(archive).toMatchObject({ actor: { username: ADMIN_USERNAME }, targetType: 'room', createdAt: expect.any(String) });
  });

  it('filters the audit log by the acting admin, the action and the target, paging within the filter', async () => {
    const target = await registerUser(podA, 'audited');
    const targetId = target.user.id;
    for (const [method, path, body] of [
      ['POST', `/api/admin/users/${targetId}/ban`, { reason: 'first' }],
      ['DELETE', `/api/admin/users/${targetId}/ban`, undefined],
      ['POST', `/api/admin/users/${targetId}/ban`, { reason: 'second' }],
    ] as const) {
      expect((await podA.request(method, path, { token: admin, body })).status).toBe(200);
    }
    const entries = async (query: string) =>
      (await podB.expectStatus<CursorPage<AuditEntry>>(200, 'GET', `/api/admin/audit?${query}`, { token: admin })).items;

    const onTarget = await entries(`targetId=${targetId}`);
    expect(onTarget.map((entry) => entry.action)).toEqual(['user.ban', 'user.unban', 'user.ban']);
    expect(onTarget.every((entry) => entry.targetId === targetId && entry.actor?.username === ADMIN_USERNAME)).toBe(true);
    expect((await entries(`targetId=${targetId}&action=user.ban`)).map((entry) => entry.details)).toEqual([
      { reason: 'second' },
      { reason: 'first' },
    ]);
    expect(await entries(`targetId=${targetId}&actor=${ADMIN_USERNAME.toUpperCase()}`)).toHaveLength(3);
    expect(await entries(`targetId=${targetId}&actor=${target.username}`)).toEqual([]);

    // Pages of one entry walk the filtered list, newest first, each entry once.
    const first = await podB.expectStatus<CursorPage<AuditEntry>>(200, 'GET', `/api/admin/audit?targetId=${targetId}&limit=1`, {
      token: admin,
    });
    const second = await podB.expectStatus<CursorPage<AuditEntry>>(
      200,
      'GET',
      `/api/admin/audit?targetId=${targetId}&limit=1&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
      { token: admin },
    );
    expect([first.items[0]?.id, second.items[0]?.id]).toEqual(onTarget.slice(0, 2).map((entry) => entry.id));

    for (const bad of ['action=user.explode', 'targetId=not-a-uuid', 'limit=0']) {
      const res = await podA.request('GET', `/api/admin/audit?${bad}`, { token: admin });
      expect(res.status).toBe(400);
      expect(errorOf(res.body).code).toBe(ErrorCode.VALIDATION_FAILED);
    }
  });

  it('refuses logins for an account from an address after 5 failed attempts on any pods, without touching other accounts', async () => {
    const victim = await registerUser(podA, 'guess');
    const bystander = await registerUser(podA, 'bystander');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const api = attempt % 2 ? podA : podB;
      expect((await api.post('/api/auth/login', { username: victim.username, password: `wrong-${attempt}` })).status).toBe(401);
    }
    const locked = await podA.post('/api/auth/login', { username: victim.username, password: victim.password });
    expect(locked.status).toBe(429);
    expect(errorOf(locked.body).code).toBe(ErrorCode.RATE_LIMITED);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await podB.post('/api/auth/login', { username: victim.username, password: victim.password })).status).toBe(429);
    expect((await login(podB, bystander.username, bystander.password)).accessToken).toEqual(expect.any(String));
    // Tokens issued before keep working: only password logins are refused.
    expect((await podA.get('/api/me', victim.token)).status).toBe(200);
  });

  it('serves the OpenAPI document and UI covering every route, with auth and error responses', async () => {
    const doc = await podA.expectStatus<{
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    }>(200, 'GET', '/api/docs-json');
    for (const path of [
      '/api/auth/register',
      '/api/auth/login',
      '/api/me',
      '/api/rooms',
      '/api/rooms/public',
      '/api/rooms/{id}/join',
      '/api/rooms/{id}/leave',
      '/api/rooms/{id}/members',
      '/api/rooms/{id}',
      '/api/rooms/{id}/owner',
      '/api/rooms/{id}/members/{userId}',
      '/api/dms',
      '/api/rooms/{id}/messages',
      '/api/admin/stats',
      '/api/admin/users',
      '/api/admin/users/{id}/ban',
      '/api/admin/messages/{id}',
      '/api/admin/rooms',
      '/api/admin/rooms/{id}',
      '/api/admin/audit',
      '/health/ready',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const stats = doc.paths['/api/admin/stats']?.['get'];
    expect(stats?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(stats?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403', '503']));
    const ui = await fetch(`${podA.baseUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('exposes Prometheus metrics behind METRICS_TOKEN, without ids in labels', async () => {
    const user = await registerUser(podA, 'metric');
    const room = await createRoom(podA, user, 'private');
    const client = await connect(podA, user, 'metrics');
    for (let i = 0; i < 3; i += 1) await send(client, room.id, `m${i}`);
    expect((await fetch(`${podA.baseUrl}/metrics`)).status).toBe(401);
    const response = await fetch(`${podA.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('chat_messages_persisted_total')).toBeGreaterThanOrEqual(3);
    expect(value('chat_messages_received_total')).toBeGreaterThanOrEqual(3);
    expect(value('chat_messages_delivered_total')).toBeGreaterThanOrEqual(3);
    expect(value('chat_connections')).toBeGreaterThanOrEqual(1);
    expect(value('chat_send_ack_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(value('chat_db_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^# TYPE chat_redis_reconnects_total counter$/m);
    expect(text).not.toMatch(UUID);
  });

  it('logs JSON lines with request ids and never tokens or message bodies', async () => {
    const user = await registerUser(podB, 'logged');
    const room = await createRoom(podB, user, 'private');
    const client = await connect(podB, user, 'logs');
    const secretBody = `secret-body-${randomId(6)}`;
    await send(client, room.id, secretBody);
    const requestId = `req-${randomId(6)}`;
    const response = await fetch(`${podB.baseUrl}/api/me`, {
      headers: { authorization: `Bearer ${user.token}`, 'x-request-id': requestId },
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    await sleep(300);
    const pod = cluster().pods[1];
    const lines = pod?.tail(2000).split('\n') ?? [];
    const json = lines.map((line) => line.replace(/^\[[^\]]*\] /, '')).filter((line) => line.startsWith('{'));
    const requestLine = json
      .map((line) => JSON.parse(line) as { req?: { id?: string; path?: string } })
      .find((entry) => entry.req?.id === requestId);
    expect(requestLine?.req?.path).toBe('/api/me');
    const all = lines.join('\n');
    expect(all).not.toContain(user.token);
    expect(all).not.toContain(user.password);
    expect(all).not.toContain(secretBody);
  });
});
