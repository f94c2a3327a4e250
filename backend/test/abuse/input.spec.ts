import { createHmac, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { AdminUser, ErrorBody } from '@chat/contracts';
import { LIMITS } from '@chat/contracts';
import { ADMIN_PASSWORD, ADMIN_USERNAME, randomId, sleep, useFreshCluster } from '@chat/test-harness';
import { createRoom, joinRoom, newClientMsgId } from '../support/chat';
import { bystanderSendsDuring, floodFromProcess, percentile, sendsDuring } from '../support/flood';
import { Api, errorOf, login, registerUser, type TestUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';

/** An HS256 token signed with the cluster's secret, with whatever claims a forger likes. */
function forgedToken(secret: string, claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iat: Math.floor(Date.now() / 1000), ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The fields a VALIDATION_FAILED body names. */
function failedFields(body: unknown): string[] {
  const error = errorOf(body);
  expect(error.code).toBe('VALIDATION_FAILED');
  return (error.fields ?? []).map((f) => f.field);
}

describe('abuse: bad input', () => {
  const cluster = useFreshCluster({ pods: 1, env: { LOG_LEVEL: 'log', LOG_FORMAT: 'json' } });
  let api: Api;
  let admin: string;
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  const clients: ChatClient[] = [];

  async function connect(user: TestUser, label: string): Promise<ChatClient> {
    const client = await connectClient(api.baseUrl, user.token, label);
    clients.push(client);
    return client;
  }

  async function withDatabase<T>(work: (db: Client) => Promise<T>): Promise<T> {
    const db = new Client({ connectionString: cluster().database.url });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }

  beforeAll(async () => {
    const pod = cluster().pods[0];
    if (!pod) throw new Error('no pod');
    api = new Api(pod.baseUrl);
    admin = (await login(api, ADMIN_USERNAME, ADMIN_PASSWORD)).accessToken;
    [alice, bob] = await Promise.all([registerUser(api, 'alice'), registerUser(api, 'bob')]);
    roomId = (await createRoom(api, alice, 'public', `abuse-${randomId(3)}`)).id;
    await joinRoom(api, bob, roomId);
  }, 120_000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  describe('input validation (NUL and other characters PostgreSQL or the UI cannot hold)', () => {
    it('a flood of NUL sends from one user all get VALIDATION_FAILED while a bystander on the same pod sends at full speed', async () => {
      const bystander = await connect(bob, 'bystander');
      // Warm the bystander's path up (first statements of a fresh pod, JIT): the test measures the steady state under the flood.
      for (let n = 0; n < 10; n += 1) {
        await bystander.requestRaw('message:send', { roomId, clientMsgId: newClientMsgId(), body: `warm-up ${n}` });
      }
      // The attacker is its own process (another machine), sending as fast as the pod answers for all of the bystander's run.
      const attack = floodFromProcess(api.baseUrl, { event: 'message:send', token: alice.token, roomId, body: 'a\u0000b' });
      const { run, flood } = await bystanderSendsDuring(attack, bystander, roomId);
      expect(sendsDuring(run, flood)).toBe(100);
      expect(flood.sent).toBeGreaterThanOrEqual(1000);
      expect(flood.errors).toEqual({ 'VALIDATION_FAILED body': flood.sent });
      expect(run.acks.filter((ack) => !ack.ok)).toEqual([]);
      expect(percentile(run.latencies, 99)).toBeLessThan(100);
    });

    it('refuses control characters, lone surrogates and bidi controls in every field with VALIDATION_FAILED naming it', async () => {
      const register = await api.post('/api/auth/register', {
        username: `n_${randomId(3)}`,
        password: 'a fine passphrase',
        displayName: 'x\u0000y',
      });
      expect(register.status).toBe(400);
      expect(failedFields(register.body)).toEqual(['displayName']);
      const loginNul = await api.post('/api/auth/login', { username: 'bob\u0000', password: 'whatever-it-is' });
      expect(loginNul.status).toBe(400);
      expect(failedFields(loginNul.body)).toEqual(['username']);
      for (const name of ['room\u0000', '\u202Egnp.exe', 'lone \ud800']) {
        const room = await api.request('POST', '/api/rooms', { token: alice.token, body: { name, visibility: 'public' } });
        expect(room.status).toBe(400);
        expect(failedFields(room.body)).toEqual(['name']);
      }
      const publicRooms = await api.get(`/api/rooms/public?query=${encodeURIComponent('a\u0000')}`, alice.token);
      expect(publicRooms.status).toBe(400);
      expect(failedFields(publicRooms.body)).toEqual(['query']);
      const users = await api.get(`/api/admin/users?query=${encodeURIComponent('a\u0000')}`, admin);
      expect(users.status).toBe(400);
      expect(failedFields(users.body)).toEqual(['query']);
      const ban = await api.request('POST', `/api/admin/users/${bob.user.id}/ban`, { token: admin, body: { reason: 'spam\u0000' } });
      expect(ban.status).toBe(400);
      expect(failedFields(ban.body)).toEqual(['reason']);
      const client = await connect(alice, 'alice');
      const edit = await client.requestRaw('message:edit', { messageId: randomUUID(), body: 'x\u0000' });
      expect(edit.ok === false && edit.error.fields?.map((f) => f.field)).toEqual(['body']);
    });
  });

  describe('logs', () => {
    it('a failing insert logs its SQLSTATE and statement, never its parameters (bodies, password hashes)', async () => {
      // Make PostgreSQL refuse one body and one display name after validation let them through.
      const poison = `poison-${randomId(4)}`;
      await withDatabase(async (db) => {
        await db.query(`ALTER TABLE messages ADD CONSTRAINT abuse_poison_body CHECK (body IS NULL OR body NOT LIKE '%poison-%')`);
        await db.query(`ALTER TABLE users ADD CONSTRAINT abuse_poison_name CHECK (display_name NOT LIKE 'Poison %')`);
      });
      try {
        const pod = cluster().pods[0];
        const before = pod?.logs().length ?? 0;
        const secrets = Array.from({ length: 20 }, () => `secret-body-${randomId(6)}`);
        const client = await connect(alice, 'alice');
        const acks = await Promise.all([
          client.requestRaw('message:send', { roomId, clientMsgId: newClientMsgId(), body: poison }),
          ...secrets.map((body) => client.requestRaw('message:send', { roomId, clientMsgId: newClientMsgId(), body })),
        ]);
        expect(acks.slice(1).every((ack) => ack.ok)).toBe(true);
        expect(acks[0]?.ok).toBe(false);
        const password = `hunter-${randomId(8)}`;
        const registered = await api.post('/api/auth/register', { username: `p_${randomId(3)}`, password, displayName: 'Poison Ivy' });
        expect(registered.status).toBe(500);
        expect(errorOf(registered.body).code).toBe('INTERNAL');
        await sleep(300);
        const lines = (pod?.logs() ?? []).slice(before).join('\n');
        expect(lines).toContain('23514');
        for (const secret of [poison, password, ...secrets]) expect(lines).not.toContain(secret);
        expect(lines).not.toMatch(/scrypt\$/);
        expect(lines).not.toContain('Poison Ivy');
      } finally {
        await withDatabase(async (db) => {
          await db.query(`ALTER TABLE messages DROP CONSTRAINT abuse_poison_body`);
          await db.query(`ALTER TABLE users DROP CONSTRAINT abuse_poison_name`);
        });
      }
    });
  });

  describe('errors and bad input', () => {
    it('out-of-range seqs are VALIDATION_FAILED naming the field, on REST and sockets', async () => {
      const history = await api.get(`/api/rooms/${roomId}/messages?before=99999999999999999999999`, alice.token);
      expect(history.status).toBe(400);
      expect(failedFields(history.body)).toEqual(['before']);
      const client = await connect(alice, 'alice');
      const sync = await client.requestRaw('room:sync', { roomId, afterSeq: 1e19 });
      expect(sync.ok === false && [sync.error.code, sync.error.fields?.[0]?.field]).toEqual(['VALIDATION_FAILED', 'afterSeq']);
      const read = await client.requestRaw('room:read', { roomId, seq: 2 ** 63 });
      expect(read.ok === false && [read.error.code, read.error.fields?.[0]?.field]).toEqual(['VALIDATION_FAILED', 'seq']);
      const maxRead = await client.requestRaw('room:read', { roomId, seq: LIMITS.seqMax });
      expect(maxRead.ok).toBe(true);
    });

    it('a validly signed token whose sub is not a UUID is 401 UNAUTHORIZED', async () => {
      const token = forgedToken(cluster().jwtSecret, { sub: 'not-a-uuid', tv: 0 });
      const me = await api.get('/api/me', token);
      expect(me.status).toBe(401);
      expect(errorOf(me.body).code).toBe('UNAUTHORIZED');
    });

    it('a malformed JSON body is 400 VALIDATION_FAILED with the contract error body', async () => {
      const res = await fetch(`${api.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username": "x", ',
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('passwords and names', () => {
    it.each([['password'], ['12345678'], ['        '], ['SAME-AS-USERNAME']])('refuses the weak password %j', async (password) => {
      const username = `w_${randomId(3)}`;
      const res = await api.post('/api/auth/register', {
        username,
        password: password === 'SAME-AS-USERNAME' ? `${username}!!` : password,
      });
      expect(res.status).toBe(400);
      expect(failedFields(res.body)).toEqual(['password']);
    });

    it.each([['Administrator'], ['admin'], ['System'], ['moderator'], ['\u202Egnp.exe']])(
      'refuses the display name %j',
      async (displayName) => {
        const res = await api.post('/api/auth/register', { username: `d_${randomId(3)}`, password: 'a fine passphrase', displayName });
        expect(res.status).toBe(400);
        expect(failedFields(res.body)).toEqual(['displayName']);
      },
    );

    it('the seeded admin still logs in with the configured password', async () => {
      expect((await login(api, ADMIN_USERNAME, ADMIN_PASSWORD)).user.role).toBe('admin');
    });
  });

  describe('socket requests', () => {
    it('an unknown event with an ack gets NOT_FOUND', async () => {
      const client = await connect(alice, 'alice');
      const ack = await client.requestRaw('no:such:event', { roomId });
      expect(ack.ok === false && ack.error.code).toBe('NOT_FOUND');
    });

    it('a request over the contract limit gets PAYLOAD_TOO_LARGE and the socket stays connected', async () => {
      const client = await connect(alice, 'alice');
      const ack = await client.requestRaw('message:send', {
        roomId,
        clientMsgId: newClientMsgId(),
        body: 'x'.repeat(LIMITS.socketPayloadMaxBytes + 1),
      });
      expect(ack.ok === false && ack.error.code).toBe('PAYLOAD_TOO_LARGE');
      const after = await client.requestRaw('message:send', { roomId, clientMsgId: newClientMsgId(), body: 'still here' });
      expect(after.ok).toBe(true);
    });
  });

  describe('admin actions', () => {
    /** Runs `work` while audit rows of `action` cannot be written (a CHECK constraint refuses them). */
    async function withAuditRefused(action: string, work: () => Promise<void>): Promise<void> {
      await withDatabase((db) => db.query(`ALTER TABLE audit_log ADD CONSTRAINT abuse_no_audit CHECK (action <> '${action}')`));
      try {
        await work();
      } finally {
        await withDatabase((db) => db.query(`ALTER TABLE audit_log DROP CONSTRAINT abuse_no_audit`));
      }
    }

    it('a ban whose audit row cannot be written is not applied (one transaction)', async () => {
      const target = await registerUser(api, 'target');
      await withAuditRefused('user.ban', async () => {
        const ban = await api.request('POST', `/api/admin/users/${target.user.id}/ban`, { token: admin, body: { reason: 'spam' } });
        expect(ban.status).toBe(500);
      });
      const users = await api.get<{ items: AdminUser[] }>(`/api/admin/users?query=${target.username}`, admin);
      expect(users.body.items.find((u) => u.id === target.user.id)?.bannedAt).toBeNull();
      expect((await login(api, target.username, target.password)).user.id).toBe(target.user.id);
    });

    it('a message deletion whose audit row cannot be written is not applied and broadcasts nothing', async () => {
      const client = await connect(bob, 'bob-audit');
      const sent = await client.request('message:send', { roomId, clientMsgId: newClientMsgId(), body: 'keep me' });
      if (!sent.ok) throw new Error(`send failed: ${JSON.stringify(sent)}`);
      const messageId = sent.message.id;
      const deleted = (event: { messageId: string }) => event.messageId === messageId;
      await withAuditRefused('message.delete', async () => {
        expect((await api.request('DELETE', `/api/admin/messages/${messageId}`, { token: admin })).status).toBe(500);
      });
      const stored = await withDatabase((db) => db.query(`SELECT body, deleted_at FROM messages WHERE id = $1`, [messageId]));
      expect(stored.rows[0]).toMatchObject({ body: 'keep me', deleted_at: null });
      expect(client.seen('message:deleted', deleted)).toHaveLength(0);
      expect((await api.request('DELETE', `/api/admin/messages/${messageId}`, { token: admin })).status).toBe(204);
      await client.waitFor('message:deleted', deleted);
      expect(client.seen('message:deleted', deleted)).toHaveLength(1);
    });

    it('an archive whose audit row cannot be written is not applied', async () => {
      const room = await createRoom(api, alice, 'public', `audit-${randomId(3)}`);
      await withAuditRefused('room.archive', async () => {
        expect((await api.request('DELETE', `/api/admin/rooms/${room.id}`, { token: admin })).status).toBe(500);
      });
      const stored = await withDatabase((db) => db.query(`SELECT archived_at FROM rooms WHERE id = $1`, [room.id]));
      expect(stored.rows[0]).toMatchObject({ archived_at: null });
    });
  });

  describe('API docs', () => {
    it('documents ids as UUIDs and the login and register errors', async () => {
      const doc = await api.get<{
        paths: Record<string, Record<string, { parameters?: { in: string; schema?: { format?: string } }[]; responses: object }>>;
      }>('/api/docs-json');
      const members = doc.body.paths['/api/rooms/{id}/members']?.['get'];
      expect(members?.parameters?.find((p) => p.in === 'path')?.schema?.format).toBe('uuid');
      expect(Object.keys(doc.body.paths['/api/auth/login']?.['post']?.responses ?? {})).toEqual(expect.arrayContaining(['401', '429']));
      expect(Object.keys(doc.body.paths['/api/auth/register']?.['post']?.responses ?? {})).toContain('409');
    });
  });
});
