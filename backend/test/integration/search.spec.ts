import { Client } from 'pg';
import { ErrorCode, LIMITS } from '@chat/contracts';
import type { SearchPage } from '@chat/contracts';
import { addMember, createRoom, joinRoom, leaveRoom, send } from '../support/chat';
import { Api, errorOf, registerUser, type TestUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';
import { randomId, useFreshCluster } from '@chat/test-harness';
import { SEARCH_STATEMENT, searchParams } from '../../src/search/search.sql';

/** A word no other test sends, so each test sees only its own messages in the shared database. */
function uniqueWord(): string {
  return `zq${randomId(6)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
}

/**
 * `GET /api/search` on two pods sharing one database: messages sent through one pod are found through
 * the other, only in the searcher's rooms, in their current text, newest first, page by page.
 */
describe('message search (GET /api/search)', () => {
  let db: Client;
  // Declared before the cluster's hooks, so the connection closes before its database is dropped.
  afterAll(async () => {
    await db?.end();
  });
  const cluster = useFreshCluster({ pods: 2 });
  let podA: Api;
  let podB: Api;
  const openClients: ChatClient[] = [];

  beforeAll(async () => {
    const [first, second] = cluster().pods;
    if (!first || !second) throw new Error('cluster did not start two pods');
    podA = new Api(first.baseUrl);
    podB = new Api(second.baseUrl);
    db = new Client({ connectionString: cluster().database.url });
    await db.connect();
  });

  afterEach(async () => {
    await Promise.all(openClients.splice(0).map((client) => client.close()));
  });

  async function connect(user: TestUser): Promise<ChatClient> {
    const client = await connectClient(podA.baseUrl, user.token, user.username);
    openClients.push(client);
    return client;
  }

  function search(user: TestUser, params: Record<string, string | number>, api = podB): Promise<SearchPage> {
    return api.expectStatus<SearchPage>(200, 'GET', `/api/search?${new URLSearchParams(stringValues(params))}`, { token: user.token });
  }

  it('finds a message in a room the searcher is in, and not one in a room they are not in', async () => {
    const [alice, bob, carol] = await Promise.all([registerUser(podA, 'sa'), registerUser(podA, 'sb'), registerUser(podA, 'sc')]);
    const word = uniqueWord();
    const shared = await createRoom(podA, alice, 'private', `shared ${word}`);
    await addMember(podA, alice, shared.id, bob.user.id);
    const others = await createRoom(podA, carol, 'public', `carol's ${word}`);
    const [aliceSocket, carolSocket] = await Promise.all([connect(alice), connect(carol)]);
    const mine = await send(aliceSocket, shared.id, `Deploying ${word} tonight, ok?`);
    await send(carolSocket, others.id, `${word} in a public room alice never joined`);

    const found = await search(bob, { q: word });
    expect(found.items).toEqual([{ roomId: shared.id, roomName: shared.name, message: mine }]);
    expect(found.nextCursor).toBeNull();
    // Words match by prefix, whatever the case.
    expect((await search(bob, { q: `DEPLOY ${word.slice(0, 5).toUpperCase()}` })).items.map((hit) => hit.message.id)).toEqual([mine.id]);
    expect((await search(bob, { q: `deploying nothing-${word}` })).items).toEqual([]);
    // Punctuation separates words; a query of punctuation alone has no word and matches nothing.
    expect((await search(bob, { q: `"${word}", tonight?!` })).items.map((hit) => hit.message.id)).toEqual([mine.id]);
    expect((await search(bob, { q: `?! … "'\\` })).items).toEqual([]);

    // Joining makes a room's whole history searchable; leaving takes it away again.
    await joinRoom(podA, alice, others.id);
    expect((await search(alice, { q: word })).items.map((hit) => hit.roomId)).toEqual([others.id, shared.id]);
    await leaveRoom(podA, alice, others.id);
    expect((await search(alice, { q: word })).items.map((hit) => hit.roomId)).toEqual([shared.id]);
  });

  it('names a direct message after the other member', async () => {
    const [alice, bob] = await Promise.all([registerUser(podA, 'da'), registerUser(podA, 'db')]);
    const dm = await podA.expectStatus<{ id: string }>(201, 'POST', '/api/dms', { token: alice.token, body: { userId: bob.user.id } });
    const word = uniqueWord();
    await send(await connect(alice), dm.id, `psst ${word}`);
    expect((await search(alice, { q: word })).items[0]).toMatchObject({ roomId: dm.id, roomName: bob.user.displayName });
    expect((await search(bob, { q: word })).items[0]).toMatchObject({ roomId: dm.id, roomName: alice.user.displayName });
  });

  it('never matches a deleted message', async () => {
    const alice = await registerUser(podA, 'del');
    const room = await createRoom(podA, alice);
    const socket = await connect(alice);
    const word = uniqueWord();
    const kept = await send(socket, room.id, `kept ${word}`);
    const gone = await send(socket, room.id, `gone ${word}`);
    expect((await search(alice, { q: word })).items.map((hit) => hit.message.id)).toEqual([gone.id, kept.id]);

    const ack = await socket.request('message:delete', { messageId: gone.id });
    expect(ack.ok).toBe(true);
    expect((await search(alice, { q: word })).items.map((hit) => hit.message.id)).toEqual([kept.id]);
    expect((await search(alice, { q: `gone ${word}` })).items).toEqual([]);
  });

  it('matches an edited message by its new text only', async () => {
    const alice = await registerUser(podA, 'edit');
    const room = await createRoom(podA, alice);
    const socket = await connect(alice);
    const before = uniqueWord();
    const after = uniqueWord();
    const original = await send(socket, room.id, `first draft ${before}`);
    const ack = await socket.request('message:edit', { messageId: original.id, body: `second draft ${after}` });
    if (!ack.ok) throw new Error(`edit refused: ${JSON.stringify(ack.error)}`);

    expect((await search(alice, { q: before })).items).toEqual([]);
    const found = await search(alice, { q: after });
    expect(found.items.map((hit) => hit.message)).toEqual([ack.message]);
    expect(found.items[0]?.message).toMatchObject({ body: `second draft ${after}`, updatedSeq: 2 });
    expect(found.items[0]?.message.editedAt).not.toBeNull();
  });

  it('pages with nextCursor through every match once, newest first, across rooms', async () => {
    const alice = await registerUser(podA, 'page');
    const [roomOne, roomTwo] = await Promise.all([createRoom(podA, alice), createRoom(podA, alice)]);
    const socket = await connect(alice);
    const word = uniqueWord();
    const sent: string[] = [];
    for (let i = 0; i < 7; i += 1) sent.push((await send(socket, i % 2 ? roomTwo.id : roomOne.id, `${word} number ${i}`)).id);
    await send(socket, roomOne.id, 'a message that does not match');

    const seen: string[] = [];
    const cursors: (string | null)[] = [];
    let before: string | null = null;
    do {
      const page: SearchPage = await search(alice, before ? { q: word, limit: 3, before } : { q: word, limit: 3 });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((hit) => hit.message.id));
      cursors.push(page.nextCursor);
      before = page.nextCursor;
    } while (before && cursors.length < 10);

    expect(seen).toEqual([...sent].reverse());
    expect(cursors.map((cursor) => cursor !== null)).toEqual([true, true, false]);
    // The default page is LIMITS.messageSearchPageDefault; the whole set fits in it.
    expect((await search(alice, { q: word })).items.map((hit) => hit.message.id)).toEqual([...sent].reverse());
  });

  it('narrows to one room with roomId: 404 for a room that does not exist, 403 for one I am not in', async () => {
    const [alice, bob] = await Promise.all([registerUser(podA, 'ra'), registerUser(podA, 'rb')]);
    const [roomOne, roomTwo, bobs] = await Promise.all([createRoom(podA, alice), createRoom(podA, alice), createRoom(podA, bob, 'public')]);
    const socket = await connect(alice);
    const word = uniqueWord();
    const inOne = await send(socket, roomOne.id, `${word} one`);
    await send(socket, roomTwo.id, `${word} two`);

    expect((await search(alice, { q: word, roomId: roomOne.id })).items.map((hit) => hit.message.id)).toEqual([inOne.id]);

    const missing = await podB.get(`/api/search?q=${word}&roomId=00000000-0000-4000-8000-000000000000`, alice.token);
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).code).toBe(ErrorCode.NOT_FOUND);
    const notMine = await podB.get(`/api/search?q=${word}&roomId=${bobs.id}`, alice.token);
    expect(notMine.status).toBe(403);
    expect(errorOf(notMine.body).code).toBe(ErrorCode.FORBIDDEN);
  });

  it.each<[string, string, string]>([
    ['no q', '', 'q'],
    ['an empty q', 'q=', 'q'],
    ['a blank q', 'q=%20%20', 'q'],
    ['a q over the limit', `q=${'a'.repeat(LIMITS.messageSearchQueryMax + 1)}`, 'q'],
    ['a q with a control character', 'q=a%00b', 'q'],
    ['two q', 'q=a&q=b', 'q'],
    ['a limit of 0', 'q=a&limit=0', 'limit'],
    ['a limit over the maximum', `q=a&limit=${LIMITS.messageSearchPageMax + 1}`, 'limit'],
    ['a limit that is no number', 'q=a&limit=ten', 'limit'],
    ['a roomId that is no UUID', 'q=a&roomId=general', 'roomId'],
    ['a before that is no cursor', 'q=a&before=yesterday', 'before'],
  ])('answers %s with 400 VALIDATION_FAILED naming the field', async (_case, query, field) => {
    const alice = await registerUser(podA, 'bad');
    const res = await podB.get(`/api/search?${query}`, alice.token);
    expect(res.status).toBe(400);
    const error = errorOf(res.body);
    expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(error.fields?.map((f) => f.field)).toContain(field);
  });

  it('answers 401 UNAUTHORIZED without a valid token', async () => {
    for (const token of [undefined, 'not.a.jwt']) {
      const res = await podA.get('/api/search?q=anything', token);
      expect(res.status).toBe(401);
      expect(errorOf(res.body).code).toBe(ErrorCode.UNAUTHORIZED);
    }
  });

  it('is in the OpenAPI document, with bearer auth and its query parameters', async () => {
    const doc = await podA.expectStatus<{
      paths: Record<string, Record<string, { security?: unknown[]; parameters?: { name: string; in: string }[] }>>;
    }>(200, 'GET', '/api/docs-json');
    const operation = doc.paths['/api/search']?.['get'];
    expect(operation?.security).toEqual([{ bearer: [] }]);
    expect(operation?.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(
      expect.arrayContaining(['q', 'roomId', 'before', 'limit']),
    );
  });

  it('answers from the messages_body_search index on a realistic table', async () => {
    // 20,000 messages over 20 rooms, one in 200 with the word; the repository's statement, explained.
    const owner = await registerUser(podA, 'plan');
    const rooms = await Promise.all(Array.from({ length: 20 }, () => createRoom(podA, owner)));
    await db.query(
      `INSERT INTO messages (room_id, seq, updated_seq, client_msg_id, sender_id, body)
       SELECT r.id, g, g, 'plan-' || g, $1, CASE WHEN g % 200 = 0 THEN 'deploy tonight ' || g ELSE 'just chatting about ' || md5(g::text) END
       FROM generate_series(1, 1000) g, unnest($2::uuid[]) AS r(id)`,
      [owner.user.id, rooms.map((room) => room.id)],
    );
    await db.query('ANALYZE messages');
    const request = { userId: owner.user.id, text: 'deploy', roomId: null, after: null, limit: 21 };
    const explained = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${SEARCH_STATEMENT}`, searchParams(request));
    const plan = explained.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Bitmap Index Scan on messages_body_search/);
    // 100 match (5 per room): a full page.
    const page = await search(owner, { q: 'deploy', limit: LIMITS.messageSearchPageMax });
    expect(page.items).toHaveLength(LIMITS.messageSearchPageMax);
    expect(page.items.every((hit) => hit.message.body?.startsWith('deploy tonight'))).toBe(true);
  });
});

function stringValues(params: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]));
}
