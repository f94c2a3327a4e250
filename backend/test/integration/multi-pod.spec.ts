import { randomUUID } from 'node:crypto';
import { EMOJI, ErrorCode, LIMITS } from '@chat/contracts';
import type { AuthResponse, HistoryPage, Member, Message, MyRoom, Room, ThreadPage, User } from '@chat/contracts';
import {
  addMember,
  createRoom,
  fullHistory,
  headSeq,
  joinRoom,
  leaveRoom,
  myRoom,
  newClientMsgId,
  range,
  send,
  sync,
  withoutNotices,
} from '../support/chat';
import { Api, errorOf, login, registerUser, type TestUser } from '../support/http';
import { connectClient, expectRefusedHandshake, type ChatClient } from '../support/sockets';
import { ADMIN_PASSWORD, ADMIN_USERNAME, sleep, useFreshCluster } from '@chat/test-harness';

/** How long we keep listening before concluding that an event was (correctly) not delivered. */
const QUIET_MS = 600;

describe('two pods sharing one PostgreSQL and one Redis', () => {
  const cluster = useFreshCluster({ pods: 2 });
  let podA: Api;
  let podB: Api;
  const openClients: ChatClient[] = [];

  async function connect(api: Api, user: TestUser, label: string): Promise<ChatClient> {
    const client = await connectClient(api.baseUrl, user.token, label);
    openClients.push(client);
    return client;
  }

  beforeAll(() => {
    const [first, second] = cluster().pods;
    if (!first || !second) throw new Error('cluster did not start two pods');
    podA = new Api(first.baseUrl);
    podB = new Api(second.baseUrl);
  });

  afterEach(async () => {
    await Promise.all(openClients.splice(0).map((client) => client.close()));
  });

  describe('REST identity', () => {
    it('refuses a bad username with 400 VALIDATION_FAILED naming the field', async () => {
      const res = await podA.post('/api/auth/register', { username: 'Not Valid!', password: 'long-enough-1' });
      expect(res.status).toBe(400);
      const error = errorOf(res.body);
      expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(error.fields?.map((f) => f.field)).toContain('username');

      const short = await podB.post('/api/auth/register', { username: `ok_${randomUUID().slice(0, 6)}`, password: 'short' });
      expect(short.status).toBe(400);
      expect(errorOf(short.body).fields?.map((f) => f.field)).toContain('password');
    });

    it('refuses a taken username with 409 CONFLICT, also when registered on the other pod', async () => {
      const alice = await registerUser(podA, 'dup');
      const res = await podB.post('/api/auth/register', { username: alice.username, password: 'another-password' });
      expect(res.status).toBe(409);
      expect(errorOf(res.body).code).toBe(ErrorCode.CONFLICT);
    });

    it('logs in on either pod with the right password and refuses a wrong one with 401', async () => {
      const alice = await registerUser(podA, 'login');
      const ok = await login(podB, alice.username, alice.password);
      expect(ok.user.id).toBe(alice.user.id);
      expect(typeof ok.accessToken).toBe('string');

      const wrong = await podB.post('/api/auth/login', { username: alice.username, password: 'wrong-password' });
      expect(wrong.status).toBe(401);
      expect(errorOf(wrong.body).code).toBe(ErrorCode.UNAUTHORIZED);

      const unknown = await podA.post('/api/auth/login', { username: 'nobody_here_x', password: 'whatever-pass' });
      expect(unknown.status).toBe(401);
    });

    it('GET /api/me needs a valid token (401 otherwise) and accepts a token issued by the other pod', async () => {
      const alice = await registerUser(podA, 'me');
      const none = await podA.get('/api/me');
      expect(none.status).toBe(401);
      expect(errorOf(none.body).code).toBe(ErrorCode.UNAUTHORIZED);
      const garbage = await podA.get('/api/me', 'not.a.jwt');
      expect(garbage.status).toBe(401);

      const me = await podB.get<User>('/api/me', alice.token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: alice.user.id, username: alice.username, role: 'user' });
    });

    it('seeds the admin from configuration; admin routes are 403 for users and list both pods', async () => {
      const admin = await login(podA, ADMIN_USERNAME, ADMIN_PASSWORD);
      expect(admin.user.role).toBe('admin');

      const alice = await registerUser(podB, 'notadmin');
      const refused = await podB.get('/api/admin/stats', alice.token);
      expect(refused.status).toBe(403);
      expect(errorOf(refused.body).code).toBe(ErrorCode.FORBIDDEN);

      const stats = await podB.get<{ pods: { podId: string }[] }>('/api/admin/stats', admin.accessToken);
      expect(stats.status).toBe(200);
      const podIds = stats.body.pods.map((pod) => pod.podId);
      const firstTwo = cluster()
        .pods.slice(0, 2)
        .map((pod) => pod.podId);
      expect(podIds).toEqual(expect.arrayContaining(firstTwo));
    });
  });

  describe('socket handshake', () => {
    it('refuses a handshake without a token with UNAUTHORIZED', async () => {
      const refusal = await expectRefusedHandshake(podA.baseUrl, undefined);
      expect(refusal.data?.code).toBe(ErrorCode.UNAUTHORIZED);
    });

    it('refuses a handshake with a garbage or foreign-signed token with UNAUTHORIZED', async () => {
      const garbage = await expectRefusedHandshake(podB.baseUrl, { token: 'garbage' });
      expect(garbage.data?.code).toBe(ErrorCode.UNAUTHORIZED);
      // Well-formed JWT, signed with another secret.
      const foreign =
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.' +
        'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
      const forged = await expectRefusedHandshake(podB.baseUrl, { token: foreign });
      expect(forged.data?.code).toBe(ErrorCode.UNAUTHORIZED);
    });

    it('sends session:ready with the user and the head of every room after connecting', async () => {
      const alice = await registerUser(podA, 'ready');
      const room = await createRoom(podA, alice);
      const client = await connect(podB, alice, 'alice@B');
      const ready = client.sessions[0];
      expect(ready?.user).toMatchObject({ id: alice.user.id, username: alice.username });
      expect(ready?.rooms).toEqual(expect.arrayContaining([expect.objectContaining({ id: room.id, lastSeq: 0, lastReadSeq: 0 })]));
    });
  });

  describe('timeline across pods', () => {
    it('delivers message:new to a member connected to the other pod', async () => {
      const alice = await registerUser(podA, 'alice');
      const bob = await registerUser(podB, 'bob');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      // Bob's addition took seq 1 (a room notice).
      const base = await headSeq(podA, alice, room.id);
      expect(base).toBe(1);

      const sent = await send(aliceA, room.id, '  hello from A  ');
      expect(sent).toMatchObject({ roomId: room.id, seq: 2, updatedSeq: 2, body: 'hello from A', editedAt: null, deletedAt: null });
      expect(sent.sender).toMatchObject({ id: alice.user.id, username: alice.username });

      const received = await bobB.waitFor('message:new', (e) => e.message.id === sent.id);
      expect(received.message).toEqual(sent);
    });

    it('returns the original message for a resent clientMsgId (same pod, other pod, concurrently) and stores it once', async () => {
      const alice = await registerUser(podA, 'idem');
      const bob = await registerUser(podB, 'idemb');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const aliceB = await connect(podB, alice, 'alice@B');
      const bobB = await connect(podB, bob, 'bob@B');
      const base = await headSeq(podA, alice, room.id);

      const x = newClientMsgId();
      const first = await send(aliceA, room.id, 'only once', x);
      const again = await send(aliceA, room.id, 'only once', x);
      const viaOtherPod = await send(aliceB, room.id, 'only once', x);
      expect(again).toMatchObject({ id: first.id, seq: first.seq });
      expect(viaOtherPod).toMatchObject({ id: first.id, seq: first.seq });

      const y = newClientMsgId();
      const [racerA, racerB] = await Promise.all([send(aliceA, room.id, 'race', y), send(aliceB, room.id, 'race', y)]);
      expect(racerB.id).toBe(racerA.id);
      expect(racerB.seq).toBe(racerA.seq);
      expect(racerA.seq).toBe(base + 2);

      // A duplicate never consumes a seq.
      const next = await send(aliceB, room.id, 'next');
      expect(next.seq).toBe(base + 3);

      // clientMsgId is scoped to its sender: bob reusing it gets his own message, never alice's.
      const bobsOwn = await send(bobB, room.id, 'mine', x);
      expect(bobsOwn.sender.id).toBe(bob.user.id);
      expect(bobsOwn.id).not.toBe(first.id);
      expect(bobsOwn.seq).toBe(base + 4);

      const history = withoutNotices(await fullHistory(podB, bob, room.id));
      expect(history.map((m) => m.seq - base)).toEqual([4, 3, 2, 1]);
      expect(history.filter((m) => m.clientMsgId === x && m.sender.id === alice.user.id)).toHaveLength(1);
      expect(history.filter((m) => m.clientMsgId === y)).toHaveLength(1);

      await bobB.waitFor('message:new', (e) => e.message.id === bobsOwn.id);
      const copiesOfFirst = bobB.seen('message:new', (e) => e.message.clientMsgId === x && e.message.sender.id === alice.user.id);
      expect(copiesOfFirst.length).toBeGreaterThanOrEqual(1);
      for (const copy of copiesOfFirst) expect(copy.message).toMatchObject({ id: first.id, seq: base + 1 });
    });

    it('gives 50 concurrent sends from both pods 50 contiguous seqs, each socket’s in the order it sent them, seen identically on both pods', async () => {
      const alice = await registerUser(podA, 'conc');
      const bob = await registerUser(podB, 'concb');
      const carol = await registerUser(podA, 'concc');
      const dave = await registerUser(podB, 'concd');
      const room = await createRoom(podA, alice);
      for (const member of [bob, carol, dave]) await addMember(podA, alice, room.id, member.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const carolA = await connect(podA, carol, 'carol@A');
      const daveB = await connect(podB, dave, 'dave@B');
      const base = await headSeq(podA, alice, room.id);

      const sends: Promise<Message>[] = [];
      for (let i = 0; i < 25; i += 1) {
        sends.push(send(aliceA, room.id, `a${i}`), send(bobB, room.id, `b${i}`));
      }
      const acked = await Promise.all(sends);
      const seqs = acked.map((m) => m.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(range(base + 1, base + 50));
      expect(new Set(acked.map((m) => m.id)).size).toBe(50);
      // Each socket's sends keep the order it sent them in (alice's are the even ones, bob's the odd ones).
      for (const parity of [0, 1]) {
        const own = acked.filter((_, i) => i % 2 === parity).map((m) => m.seq);
        expect(own).toEqual([...own].sort((x, y) => x - y));
      }

      for (const observer of [carolA, daveB]) {
        const got = await observer.waitForCount('message:new', 50, (e) => e.message.roomId === room.id && !e.message.notice, 20_000);
        const bySeq = new Map(got.map((e) => [e.message.seq, e.message.id]));
        expect([...bySeq.keys()].sort((x, y) => x - y)).toEqual(range(base + 1, base + 50));
        for (const m of acked) expect(bySeq.get(m.seq)).toBe(m.id);
      }

      const all = await sync(carolA, room.id, 0);
      expect(all.messages.map((m) => m.updatedSeq)).toEqual(range(1, base + 50));
      expect(all.lastSeq).toBe(base + 50);
      expect(all.hasMore).toBe(false);
      expect((await myRoom(podB, dave, room.id)).lastSeq).toBe(base + 50);
    });

    it('edits and deletes with the next seqs, announced on the other pod, leaving a tombstone', async () => {
      const alice = await registerUser(podA, 'edit');
      const bob = await registerUser(podB, 'editb');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const base = await headSeq(podA, alice, room.id);

      const original = await send(aliceA, room.id, 'first draft');
      const editAck = await aliceA.request('message:edit', { messageId: original.id, body: '  second draft ' });
      if (!editAck.ok) throw new Error(`edit refused: ${JSON.stringify(editAck.error)}`);
      expect(editAck.message).toMatchObject({
        id: original.id,
        seq: base + 1,
        updatedSeq: base + 2,
        body: 'second draft',
        deletedAt: null,
      });
      expect(editAck.message.editedAt).not.toBeNull();

      const updated = await bobB.waitFor('message:updated', (e) => e.message.id === original.id);
      expect(updated.message).toMatchObject({ id: original.id, seq: base + 1, updatedSeq: base + 2, body: 'second draft' });

      // Only the sender edits; bob is neither sender nor owner, so he cannot delete either.
      const bobEdit = await bobB.request('message:edit', { messageId: original.id, body: 'hijack' });
      expect(bobEdit).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      const bobDelete = await bobB.request('message:delete', { messageId: original.id });
      expect(bobDelete).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });

      const deleteAck = await aliceA.request('message:delete', { messageId: original.id });
      expect(deleteAck.ok).toBe(true);
      const deleted = await bobB.waitFor('message:deleted', (e) => e.messageId === original.id);
      expect(deleted).toMatchObject({ roomId: room.id, messageId: original.id, seq: base + 3 });

      const history = withoutNotices(await fullHistory(podB, bob, room.id));
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ id: original.id, seq: base + 1, updatedSeq: base + 3, body: null });
      expect(history[0]?.deletedAt).not.toBeNull();

      const after = await send(aliceA, room.id, 'after the delete');
      expect(after.seq).toBe(base + 4);
      const synced = await sync(bobB, room.id, base);
      expect(synced.messages.map((m) => [m.id, m.updatedSeq, m.body])).toEqual([
        [original.id, base + 3, null],
        [after.id, base + 4, 'after the delete'],
      ]);
      expect(synced.lastSeq).toBe(base + 4);
    });

    it('takes reactions from two users on two pods at once as timeline events with the next seqs, seen alike everywhere', async () => {
      const alice = await registerUser(podA, 'react');
      const bob = await registerUser(podB, 'reactb');
      const carol = await registerUser(podB, 'reactc');
      const room = await createRoom(podA, alice);
      await Promise.all([addMember(podA, alice, room.id, bob.user.id), addMember(podA, alice, room.id, carol.user.id)]);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const carolB = await connect(podB, carol, 'carol@B');
      const base = await headSeq(podA, alice, room.id);
      const message = await send(aliceA, room.id, 'react to me');

      const acks = await Promise.all([
        aliceA.request('reaction:add', { messageId: message.id, emoji: '👍' }),
        bobB.request('reaction:add', { messageId: message.id, emoji: '👍' }),
        bobB.request('reaction:add', { messageId: message.id, emoji: '🏳️‍🌈' }),
      ]);
      const seqs = acks.map((ack) => (ack.ok ? ack.message.updatedSeq - base : ack.error.code));
      expect([...seqs].sort()).toEqual([2, 3, 4]);
      const updates = await carolB.waitForCount('message:updated', 3, (e) => e.message.id === message.id);
      const latest = updates.find((e) => e.message.updatedSeq === base + 4)?.message;
      expect(latest?.reactions).toHaveLength(2);
      expect(latest?.reactions.find((r) => r.emoji === '👍')).toEqual({
        emoji: '👍',
        count: 2,
        userIds: expect.arrayContaining([alice.user.id, bob.user.id]),
      });
      expect(latest?.reactions.find((r) => r.emoji === '🏳️‍🌈')).toEqual({ emoji: '🏳️‍🌈', count: 1, userIds: [bob.user.id] });

      // Adding one again and removing one that is not there change nothing: no seq, no event.
      const again = await aliceA.request('reaction:add', { messageId: message.id, emoji: '👍' });
      const notThere = await carolB.request('reaction:remove', { messageId: message.id, emoji: '👍' });
      expect([again, notThere].map((ack) => ack.ok && ack.message.updatedSeq - base)).toEqual([4, 4]);

      const removed = await bobB.request('reaction:remove', { messageId: message.id, emoji: '👍' });
      if (!removed.ok) throw new Error(JSON.stringify(removed.error));
      expect(removed.message.updatedSeq).toBe(base + 5);
      // Each emoji where it was first added (which of these two came first was a race above).
      expect(removed.message.reactions).toHaveLength(2);
      expect(removed.message.reactions).toEqual(
        expect.arrayContaining([
          { emoji: '👍', count: 1, userIds: [alice.user.id] },
          { emoji: '🏳️‍🌈', count: 1, userIds: [bob.user.id] },
        ]),
      );
      const seenByAlice = await aliceA.waitFor('message:updated', (e) => e.message.updatedSeq === base + 5);
      expect(seenByAlice.message).toEqual(removed.message);
      await sleep(QUIET_MS);
      expect(
        carolB
          .seen('message:updated', (e) => e.message.id === message.id)
          .map((e) => e.message.updatedSeq - base)
          .sort(),
      ).toEqual([2, 3, 4, 5]);

      // History and sync carry them; a client that was away catches up through the same seqs.
      const [stored] = await fullHistory(podB, carol, room.id);
      expect(stored).toEqual(removed.message);
      const synced = await sync(carolB, room.id, base + 4);
      expect(synced.messages).toEqual([removed.message]);

      // Refusals: not one emoji, an unknown message, a non-member; a tombstone keeps no reactions and takes none.
      const notEmoji = await bobB.requestRaw('reaction:add', { messageId: message.id, emoji: ':tada:' });
      expect(notEmoji).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED, fields: [{ field: 'emoji' }] } });
      const unknown = await bobB.request('reaction:add', { messageId: randomUUID(), emoji: '👍' });
      expect(unknown).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
      const outsider = await connect(podA, await registerUser(podA, 'reacto'), 'outsider@A');
      const forbidden = await outsider.request('reaction:add', { messageId: message.id, emoji: '👍' });
      expect(forbidden).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      expect((await aliceA.request('message:delete', { messageId: message.id })).ok).toBe(true);
      const [tombstone] = await fullHistory(podA, alice, room.id);
      expect(tombstone).toMatchObject({ updatedSeq: base + 6, body: null, reactions: [] });
      const onTombstone = await bobB.request('reaction:add', { messageId: message.id, emoji: '👍' });
      expect(onTombstone).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
    });

    it('takes at most 50 different emoji on one message (the 51st is CONFLICT) while those there take more reactors', async () => {
      const alice = await registerUser(podA, 'emoji');
      const bob = await registerUser(podB, 'emojib');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const base = await headSeq(podA, alice, room.id);
      const message = await send(aliceA, room.id, 'so many feelings');
      const emoji = EMOJI.slice(0, LIMITS.reactionsPerMessage + 1).map((entry) => entry.char);
      for (const char of emoji.slice(0, LIMITS.reactionsPerMessage)) {
        const ack = await aliceA.request('reaction:add', { messageId: message.id, emoji: char });
        if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      }
      const tooMany = await bobB.request('reaction:add', { messageId: message.id, emoji: emoji[LIMITS.reactionsPerMessage] ?? '' });
      expect(tooMany).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
      const more = await bobB.request('reaction:add', { messageId: message.id, emoji: emoji[0] ?? '' });
      if (!more.ok) throw new Error(JSON.stringify(more.error));
      expect(more.message.reactions).toHaveLength(LIMITS.reactionsPerMessage);
      expect(more.message.reactions.map((r) => r.emoji)).toEqual(emoji.slice(0, LIMITS.reactionsPerMessage));
      expect(more.message.reactions[0]).toEqual({ emoji: emoji[0], count: 2, userIds: [alice.user.id, bob.user.id] });
      expect(more.message.updatedSeq).toBe(base + 1 + LIMITS.reactionsPerMessage + 1);
    });

    it('fills mentions with the room members a body names (never the sender or a stranger), @room with all, and counts them unread', async () => {
      const alice = await registerUser(podA, 'ment');
      const bob = await registerUser(podB, 'mentb');
      const carol = await registerUser(podA, 'mentc');
      const stranger = await registerUser(podB, 'ments');
      const room = await createRoom(podA, alice);
      await Promise.all([addMember(podA, alice, room.id, bob.user.id), addMember(podA, alice, room.id, carol.user.id)]);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');

      const named = await send(
        aliceA,
        room.id,
        `hi @${bob.username.toUpperCase()}, @${carol.username}. and @${stranger.username} @${alice.username} a@b.c`,
      );
      expect([...named.mentions].sort()).toEqual([bob.user.id, carol.user.id].sort());
      const heard = await bobB.waitFor('message:new', (e) => e.message.id === named.id);
      expect(heard.message).toEqual(named);
      const plain = await send(aliceA, room.id, 'no one in particular, mail me at alice@example.com');
      expect(plain.mentions).toEqual([]);
      expect(await myRoom(podA, bob, room.id)).toMatchObject({ unread: 2, mentions: 1 });
      const everyone = await send(bobB, room.id, '@room standup in 5');
      expect([...everyone.mentions].sort()).toEqual([alice.user.id, carol.user.id].sort());

      // GET /api/rooms counts my unread mentions, until my read mark passes them (my own send moves it too).
      expect(await myRoom(podA, bob, room.id)).toMatchObject({ unread: 0, mentions: 0 });
      expect(await myRoom(podB, carol, room.id)).toMatchObject({ unread: 3, mentions: 2 });
      const carolA = await connect(podA, carol, 'carol@A');
      expect((await carolA.request('room:read', { roomId: room.id, seq: named.seq })).ok).toBe(true);
      expect(await myRoom(podB, carol, room.id)).toMatchObject({ unread: 2, mentions: 1 });

      // An edit works them out again; a delete clears them; history and sync carry them.
      const edited = await aliceA.request('message:edit', { messageId: named.id, body: `only @${carol.username} now` });
      expect(edited.ok && edited.message.mentions).toEqual([carol.user.id]);
      expect((await bobB.waitFor('message:updated', (e) => e.message.id === named.id)).message.mentions).toEqual([carol.user.id]);
      expect((await sync(bobB, room.id, 0)).messages.find((m) => m.id === everyone.id)?.mentions).toEqual(everyone.mentions);
      expect((await aliceA.request('message:delete', { messageId: named.id })).ok).toBe(true);
      expect((await fullHistory(podA, alice, room.id)).find((m) => m.id === named.id)).toMatchObject({ body: null, mentions: [] });
    });

    it('threads: a reply on one pod takes the next seq and its root the one after, live on the other pod; history leaves replies out, sync and the thread have them', async () => {
      const alice = await registerUser(podA, 'thr');
      const bob = await registerUser(podB, 'thrb');
      const room = await createRoom(podA, alice);
      const other = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const base = await headSeq(podA, alice, room.id);
      const root = await send(aliceA, room.id, 'thread starter');
      expect(root).toMatchObject({ seq: base + 1, threadRootId: null, replyCount: 0, lastReplyAt: null });

      const clientMsgId = newClientMsgId();
      const ack = await bobB.request('message:send', { roomId: room.id, clientMsgId, body: 'first reply', threadRootId: root.id });
      if (!ack.ok) throw new Error(JSON.stringify(ack.error));
      expect(ack.message).toMatchObject({ seq: base + 2, updatedSeq: base + 2, threadRootId: root.id, body: 'first reply' });
      const rootUpdate = await aliceA.waitFor('message:updated', (e) => e.message.id === root.id);
      expect(rootUpdate.message).toMatchObject({ seq: base + 1, updatedSeq: base + 3, replyCount: 1, lastReplyAt: ack.message.createdAt });
      const replyLive = await aliceA.waitFor('message:new', (e) => e.message.id === ack.message.id);
      expect(replyLive.message).toEqual(ack.message);

      // A resend (through the other pod) answers the stored reply and counts nothing twice.
      const bobA = await connect(podA, bob, 'bob@A');
      const resent = await bobA.request('message:send', { roomId: room.id, clientMsgId, body: 'first reply', threadRootId: root.id });
      expect(resent.ok && resent.message).toEqual(ack.message);
      const second = await send(aliceA, room.id, 'second reply', undefined, root.id);
      expect(second.seq).toBe(base + 4);
      const top = await send(aliceA, room.id, 'back in the room');
      expect(top.seq).toBe(base + 6);

      // History: top-level only. Sync: every event, gapless. The thread: its replies, paged.
      expect(withoutNotices(await fullHistory(podB, bob, room.id)).map((m) => [m.body, m.replyCount])).toEqual([
        ['back in the room', 0],
        ['thread starter', 2],
      ]);
      const synced = await sync(bobB, room.id, base);
      expect(synced.messages.map((m) => m.updatedSeq - base)).toEqual([2, 4, 5, 6]);
      expect(synced.messages[2]).toMatchObject({ id: root.id, replyCount: 2, lastReplyAt: second.createdAt });
      const page = await podB.get<ThreadPage>(`/api/messages/${root.id}/thread?limit=1`, bob.token);
      expect(page.body).toEqual({ messages: [ack.message], hasMore: true });
      const rest = await podB.get<ThreadPage>(`/api/messages/${root.id}/thread?after=${base + 2}`, bob.token);
      expect(rest.body.messages.map((m) => m.body)).toEqual(['second reply']);
      expect(rest.body.hasMore).toBe(false);

      // Refusals: a reply to a reply, a root of another room, a stranger reading the thread, an unknown root.
      const toReply = await bobB.request('message:send', {
        roomId: room.id,
        clientMsgId: newClientMsgId(),
        body: 'x',
        threadRootId: ack.message.id,
      });
      expect(toReply).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED, fields: [{ field: 'threadRootId' }] } });
      const elsewhere = await send(aliceA, other.id, 'other room');
      const wrongRoom = await bobB.request('message:send', {
        roomId: room.id,
        clientMsgId: newClientMsgId(),
        body: 'x',
        threadRootId: elsewhere.id,
      });
      expect(wrongRoom).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
      const stranger = await registerUser(podA, 'thrs');
      expect((await podA.get(`/api/messages/${root.id}/thread`, stranger.token)).status).toBe(403);
      expect((await podA.get(`/api/messages/${randomUUID()}/thread`, bob.token)).status).toBe(404);
    });

    it('lets a client that was away catch up exactly with room:sync, page by page', async () => {
      const alice = await registerUser(podA, 'sync');
      const bob = await registerUser(podB, 'syncb');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      // Bob's addition was seq 1 (a room notice); the messages follow.
      expect(await headSeq(podA, alice, room.id)).toBe(1);

      const m1 = await send(aliceA, room.id, 'm1');
      const m2 = await send(aliceA, room.id, 'm2');
      await bobB.waitFor('message:new', (e) => e.message.id === m2.id);
      const applied = 3;
      await bobB.close();

      const missed: Message[] = [];
      for (let i = 3; i <= 8; i += 1) missed.push(await send(aliceA, room.id, `m${i}`));
      const edit = await aliceA.request('message:edit', { messageId: m1.id, body: 'm1 edited' });
      expect(edit.ok).toBe(true);
      const del = await aliceA.request('message:delete', { messageId: m2.id });
      expect(del.ok).toBe(true);

      // Reconnect on the other pod: session:ready shows the room moved on to seq 11.
      const bobA = await connect(podA, bob, 'bob@A');
      expect(bobA.sessions[0]?.rooms.find((r) => r.id === room.id)).toMatchObject({ lastSeq: 11 });

      const pages: { seqs: number[]; hasMore: boolean; lastSeq: number }[] = [];
      const caughtUp: Message[] = [];
      let cursor = applied;
      for (let guard = 0; guard < 10; guard += 1) {
        const page = await sync(bobA, room.id, cursor, 4);
        pages.push({ seqs: page.messages.map((m) => m.updatedSeq), hasMore: page.hasMore, lastSeq: page.lastSeq });
        caughtUp.push(...page.messages);
        const last = page.messages[page.messages.length - 1];
        if (last) cursor = last.updatedSeq;
        if (!page.hasMore) break;
      }
      expect(pages).toEqual([
        { seqs: [4, 5, 6, 7], hasMore: true, lastSeq: 11 },
        { seqs: [8, 9, 10, 11], hasMore: false, lastSeq: 11 },
      ]);
      expect(caughtUp.map((m) => m.id)).toEqual([...missed.map((m) => m.id), m1.id, m2.id]);
      expect(caughtUp.find((m) => m.id === m1.id)).toMatchObject({ seq: 2, updatedSeq: 10, body: 'm1 edited' });
      expect(caughtUp.find((m) => m.id === m2.id)).toMatchObject({ seq: 3, updatedSeq: 11, body: null });

      const nothingNew = await sync(bobA, room.id, 11);
      expect(nothingNew).toMatchObject({ messages: [], hasMore: false, lastSeq: 11 });
    });
  });

  describe('access and validation', () => {
    it('refuses a non-member with FORBIDDEN and never delivers the room to them', async () => {
      const alice = await registerUser(podA, 'priv');
      const bob = await registerUser(podB, 'privb');
      const mallory = await registerUser(podB, 'mallory');
      const room = await createRoom(podA, alice, 'private');
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const malloryB = await connect(podB, mallory, 'mallory@B');
      const malloryA = await connect(podA, mallory, 'mallory@A');

      const refused = await malloryB.request('message:send', { roomId: room.id, clientMsgId: newClientMsgId(), body: 'let me in' });
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });

      const secret = await send(aliceA, room.id, 'members only');
      expect(secret.seq).toBe(2); // the refused send took no seq (1 is bob's addition, a room notice)
      await bobB.waitFor('message:new', (e) => e.message.id === secret.id);
      await sleep(QUIET_MS);
      expect(malloryB.seen('message:new', (e) => e.message.roomId === room.id)).toEqual([]);
      expect(malloryA.seen('message:new', (e) => e.message.roomId === room.id)).toEqual([]);

      const join = await podB.post(`/api/rooms/${room.id}/join`, {}, mallory.token);
      expect(join.status).toBeGreaterThanOrEqual(400);
      expect(join.status).toBeLessThan(500);
    });

    it('answers bad message:send payloads with VALIDATION_FAILED and an unknown room with NOT_FOUND', async () => {
      const alice = await registerUser(podA, 'valid');
      const room = await createRoom(podA, alice);
      const aliceB = await connect(podB, alice, 'alice@B');

      const max = 'x'.repeat(LIMITS.messageBodyMax);
      const longest = await send(aliceB, room.id, `  ${max}  `);
      expect(longest.body).toBe(max);
      expect(longest.seq).toBe(1);

      const bad: [string, unknown][] = [
        ['empty body', { roomId: room.id, clientMsgId: newClientMsgId(), body: '' }],
        ['whitespace-only body', { roomId: room.id, clientMsgId: newClientMsgId(), body: ' \n\t  ' }],
        ['4001-char body', { roomId: room.id, clientMsgId: newClientMsgId(), body: 'y'.repeat(LIMITS.messageBodyMax + 1) }],
        ['non-string body', { roomId: room.id, clientMsgId: newClientMsgId(), body: 42 }],
        ['string payload', 'hello'],
        ['null payload', null],
        ['missing roomId', { clientMsgId: newClientMsgId(), body: 'hi' }],
        ['non-uuid roomId', { roomId: 'general', clientMsgId: newClientMsgId(), body: 'hi' }],
        ['missing clientMsgId', { roomId: room.id, body: 'hi' }],
        ['too long clientMsgId', { roomId: room.id, clientMsgId: 'c'.repeat(LIMITS.clientMsgIdMax + 1), body: 'hi' }],
      ];
      const outcomes: Record<string, unknown> = {};
      for (const [label, payload] of bad) {
        const ack = await aliceB.requestRaw('message:send', payload);
        outcomes[label] = ack.ok ? 'accepted' : ack.error.code;
      }
      expect(outcomes).toEqual(Object.fromEntries(bad.map(([label]) => [label, ErrorCode.VALIDATION_FAILED])));

      const unknownRoom = await aliceB.request('message:send', { roomId: randomUUID(), clientMsgId: newClientMsgId(), body: 'hi' });
      expect(unknownRoom).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });

      const badSync = await aliceB.requestRaw('room:sync', { roomId: room.id, afterSeq: -1 });
      expect(badSync).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
      const tooBigPage = await aliceB.requestRaw('room:sync', { roomId: room.id, afterSeq: 0, limit: LIMITS.syncPageMax + 1 });
      expect(tooBigPage).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
      const emptyEdit = await aliceB.request('message:edit', { messageId: longest.id, body: '   ' });
      expect(emptyEdit).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });

      // None of the refused requests consumed a seq.
      const next = await send(aliceB, room.id, 'still gapless');
      expect(next.seq).toBe(2);
    });
  });

  describe('membership changes reach live sockets on every pod', () => {
    it('a member added on pod A gets room:joined and then the room messages on pod B at once', async () => {
      const alice = await registerUser(podA, 'add');
      const carol = await registerUser(podB, 'addc');
      const room = await createRoom(podA, alice, 'private');
      const aliceA = await connect(podA, alice, 'alice@A');
      const carolB = await connect(podB, carol, 'carol@B');

      const member = await addMember(podA, alice, room.id, carol.user.id);
      expect(member).toMatchObject({ id: carol.user.id, userId: carol.user.id, username: carol.username, memberRole: 'member' });
      // No waiting: the first message after the 201 must already reach her.
      const sent = await send(aliceA, room.id, 'welcome carol');

      await carolB.waitFor('message:new', (e) => e.message.id === sent.id);
      const joined = await carolB.waitFor('room:joined', (e) => e.room.id === room.id);
      expect(joined.room).toMatchObject({ id: room.id, kind: 'channel', visibility: 'private' });
      const names = carolB.events.map((e) => e.name);
      expect(names.indexOf('room:joined')).toBeLessThan(names.indexOf('message:new'));
    });

    it('adding a member answers only once her pod has her in the room, even when that pod is slow', async () => {
      const alice = await registerUser(podA, 'slow');
      const carol = await registerUser(podB, 'slowc');
      const room = await createRoom(podA, alice, 'private');
      const aliceA = await connect(podA, alice, 'alice@A');
      const carolB = await connect(podB, carol, 'carol@B');

      // Pod B is frozen while pod A adds her: the 201 must wait for pod B, or pod A's message would be
      // published before pod B listens to the room and she would never get it.
      const slowPod = cluster().pods[1];
      if (!slowPod) throw new Error('cluster did not start two pods');
      slowPod.freeze();
      const thawed = sleep(500).then(() => slowPod.resume());
      let sent: Message;
      try {
        await addMember(podA, alice, room.id, carol.user.id);
        sent = await send(aliceA, room.id, 'welcome despite the slow pod');
      } finally {
        await thawed;
      }
      await carolB.waitFor('message:new', (e) => e.message.id === sent.id);
    });

    it('a user joining a public room on pod B receives its messages on pod A at once', async () => {
      const alice = await registerUser(podA, 'pub');
      const dave = await registerUser(podB, 'pubd');
      const room = await createRoom(podA, alice, 'public', `public ${randomUUID().slice(0, 8)}`);
      const aliceA = await connect(podA, alice, 'alice@A');
      const daveA = await connect(podA, dave, 'dave@A');

      const found = await podB.get<Room[]>(`/api/rooms/public?query=${encodeURIComponent(room.name)}`, dave.token);
      expect(found.status).toBe(200);
      expect(found.body.map((r) => r.id)).toContain(room.id);

      const joined = await joinRoom(podB, dave, room.id);
      expect(joined).toMatchObject({ id: room.id, memberCount: 2 });
      const sent = await send(aliceA, room.id, 'hi dave');
      await daveA.waitFor('room:joined', (e) => e.room.id === room.id);
      await daveA.waitFor('message:new', (e) => e.message.id === sent.id);
    });

    it('a member who leaves stops receiving at once and can no longer send; the others hear the new member count', async () => {
      const alice = await registerUser(podA, 'leave');
      const bob = await registerUser(podB, 'leaveb');
      const carol = await registerUser(podB, 'leavec');
      const room = await createRoom(podA, alice, 'private');
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      await addMember(podA, alice, room.id, carol.user.id);
      const carolB = await connect(podB, carol, 'carol@B');

      const before = await send(aliceA, room.id, 'before leaving');
      await carolB.waitFor('message:new', (e) => e.message.id === before.id);
      // Carol's join reached the others with the room's new size.
      expect(await bobB.waitFor('room:members', (e) => e.roomId === room.id && e.userId === carol.user.id)).toEqual({
        roomId: room.id,
        userId: carol.user.id,
        joined: true,
        memberCount: 3,
      });

      await leaveRoom(podA, carol, room.id);
      await carolB.waitFor('room:left', (e) => e.roomId === room.id);
      // The members left on both pods hear the new size at once (bug 4: counts no longer go stale).
      for (const member of [aliceA, bobB]) {
        expect(await member.waitFor('room:members', (e) => e.roomId === room.id && !e.joined)).toEqual({
          roomId: room.id,
          userId: carol.user.id,
          joined: false,
          memberCount: 2,
        });
      }
      const after = await send(aliceA, room.id, 'after leaving');
      await bobB.waitFor('message:new', (e) => e.message.id === after.id);
      await sleep(QUIET_MS);
      expect(carolB.seen('message:new', (e) => e.message.id === after.id)).toEqual([]);

      const refused = await carolB.request('message:send', { roomId: room.id, clientMsgId: newClientMsgId(), body: 'still here?' });
      expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
      const rooms = await podB.get<MyRoom[]>('/api/rooms', carol.token);
      expect(rooms.body.map((r) => r.id)).not.toContain(room.id);
    });

    it('records joins, additions, renames, topics, hand-overs, removals and leaves as notices with the room’s next seqs, live on both pods and in history and sync', async () => {
      const alice = await registerUser(podA, 'own');
      const bob = await registerUser(podB, 'nb');
      const carol = await registerUser(podB, 'nc');
      const room = await createRoom(podA, alice, 'public');
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const sent = await send(aliceA, room.id, 'first');
      await joinRoom(podB, bob, room.id);
      await addMember(podA, alice, room.id, carol.user.id);
      const renamed = await podA.request('PATCH', `/api/rooms/${room.id}`, {
        token: alice.token,
        body: { name: 'Lobby', topic: 'say hi' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: room.id, name: 'Lobby', topic: 'say hi', lastSeq: 5 });
      const owner = await podB.request('POST', `/api/rooms/${room.id}/owner`, { token: alice.token, body: { userId: bob.user.id } });
      expect(owner.status).toBe(200);
      const removed = await podB.request('DELETE', `/api/rooms/${room.id}/members/${carol.user.id}`, { token: bob.token });
      expect(removed.status).toBe(204);
      // Alice is no longer the owner, so she may leave.
      await leaveRoom(podA, alice, room.id);
      const person = (user: TestUser) => ({ id: user.user.id, username: user.username, displayName: user.user.displayName });
      const expected = [
        { seq: 1, notice: null, sender: alice.user.id, body: 'first' },
        { seq: 2, notice: { type: 'joined' }, sender: bob.user.id, body: 'joined the room' },
        { seq: 3, notice: { type: 'added', user: person(carol) }, sender: alice.user.id, body: `added ${carol.user.displayName}` },
        { seq: 4, notice: { type: 'renamed', name: 'Lobby' }, sender: alice.user.id, body: 'renamed the room to \u201cLobby\u201d' },
        { seq: 5, notice: { type: 'topic', topic: 'say hi' }, sender: alice.user.id, body: 'set the topic: say hi' },
        { seq: 6, notice: { type: 'owner', user: person(bob) }, sender: alice.user.id, body: `made ${bob.user.displayName} the owner` },
        { seq: 7, notice: { type: 'removed', user: person(carol) }, sender: bob.user.id, body: `removed ${carol.user.displayName}` },
        { seq: 8, notice: { type: 'left' }, sender: alice.user.id, body: 'left the room' },
      ];
      const shape = (m: Message) => ({ seq: m.seq, notice: m.notice ?? null, sender: m.sender.id, body: m.body });
      // Bob, on the other pod, saw his own join and everything after it live; history and sync have all of them.
      await bobB.waitFor('message:new', (e) => e.message.roomId === room.id && e.message.seq === 8);
      expect(bobB.seen('message:new', (e) => e.message.roomId === room.id).map((e) => shape(e.message))).toEqual(expected.slice(1));
      expect((await fullHistory(podB, bob, room.id)).reverse().map(shape)).toEqual(expected);
      expect((await sync(bobB, room.id, 0)).messages.map(shape)).toEqual(expected);
      expect(sent.seq).toBe(1);
      // Notices are not unread, take no reactions, edits or replies, and never match a search.
      const mine = await myRoom(podB, bob, room.id);
      expect(mine).toMatchObject({ name: 'Lobby', topic: 'say hi', myRole: 'owner', lastSeq: 8, unread: 0, memberCount: 1 });
      const notice = (await sync(bobB, room.id, 1)).messages[0] as Message;
      const react = await bobB.request('reaction:add', { messageId: notice.id, emoji: '👍' });
      expect(react).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
      const rewrite = await bobB.request('message:edit', { messageId: notice.id, body: 'rewritten' });
      expect(rewrite).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
      // Not even its sender (nor the owner) deletes it: the room's record stays.
      const erase = await bobB.request('message:delete', { messageId: notice.id });
      expect(erase).toMatchObject({ ok: false, error: { code: ErrorCode.CONFLICT } });
      const reply = await bobB.request('message:send', {
        roomId: room.id,
        clientMsgId: newClientMsgId(),
        body: 're',
        threadRootId: notice.id,
      });
      expect(reply).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
      for (const q of ['Lobby', 'joined'])
        expect((await podB.get<{ items: unknown[] }>(`/api/search?q=${q}`, bob.token)).body.items).toEqual([]);
    });

    it('refuses room changes by a member (FORBIDDEN), an owner leaving others behind (CONFLICT) and bad settings (VALIDATION_FAILED), writing nothing', async () => {
      const alice = await registerUser(podA, 'ro');
      const bob = await registerUser(podB, 'rm');
      const room = await createRoom(podA, alice, 'private');
      await addMember(podA, alice, room.id, bob.user.id);
      const head = (await myRoom(podA, alice, room.id)).lastSeq;
      const asBob = (method: string, path: string, body?: unknown) => podB.request(method, path, { token: bob.token, body });
      for (const res of [
        await asBob('PATCH', `/api/rooms/${room.id}`, { name: 'mine now' }),
        await asBob('POST', `/api/rooms/${room.id}/owner`, { userId: bob.user.id }),
        await asBob('DELETE', `/api/rooms/${room.id}/members/${alice.user.id}`),
      ]) {
        expect(res.status).toBe(403);
        expect(errorOf(res.body).code).toBe(ErrorCode.FORBIDDEN);
      }
      const leave = await podA.request('POST', `/api/rooms/${room.id}/leave`, { token: alice.token });
      expect(leave.status).toBe(409);
      expect(errorOf(leave.body)).toMatchObject({ code: ErrorCode.CONFLICT, message: expect.stringContaining('owner') });
      const removeOwner = await podA.request('DELETE', `/api/rooms/${room.id}/members/${alice.user.id}`, { token: alice.token });
      expect(removeOwner.status).toBe(409);
      for (const body of [{}, { name: '' }, { topic: 'x'.repeat(LIMITS.roomTopicMax + 1) }, { name: 'a\u0000b' }]) {
        const res = await podA.request('PATCH', `/api/rooms/${room.id}`, { token: alice.token, body });
        expect(res.status).toBe(400);
        expect(errorOf(res.body).code).toBe(ErrorCode.VALIDATION_FAILED);
      }
      const dm = await podA.request<Room>('POST', '/api/dms', { token: alice.token, body: { userId: bob.user.id } });
      const dmRename = await podA.request('PATCH', `/api/rooms/${dm.body.id}`, { token: alice.token, body: { name: 'x' } });
      expect(dmRename.status).toBe(403);
      expect(await myRoom(podA, alice, room.id)).toMatchObject({ lastSeq: head, memberCount: 2, myRole: 'owner' });
    });

    it('lists members flat with online flags that reflect sockets on both pods', async () => {
      const alice = await registerUser(podA, 'mem');
      const bob = await registerUser(podB, 'memb');
      const carol = await registerUser(podA, 'memc');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      await addMember(podA, alice, room.id, carol.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      await connect(podB, bob, 'bob@B');

      // Presence is recorded right after session:ready, so allow it a moment to land.
      let members: Member[] = [];
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const res = await podA.get<Member[]>(`/api/rooms/${room.id}/members`, alice.token);
        expect(res.status).toBe(200);
        members = res.body;
        const online = members.filter((m) => m.online).map((m) => m.userId);
        if (online.includes(alice.user.id) && online.includes(bob.user.id)) break;
        await sleep(150);
      }
      const byId = new Map(members.map((m) => [m.userId, m]));
      expect(byId.get(alice.user.id)).toMatchObject({ id: alice.user.id, username: alice.username, memberRole: 'owner', online: true });
      expect(byId.get(bob.user.id)).toMatchObject({ id: bob.user.id, memberRole: 'member', online: true });
      expect(byId.get(carol.user.id)).toMatchObject({ id: carol.user.id, memberRole: 'member', online: false });
      expect(typeof byId.get(bob.user.id)?.joinedAt).toBe('string');

      // Presence crosses pods both ways: carol comes online on B, then goes away.
      const carolB = await connect(podB, carol, 'carol@B');
      await aliceA.waitFor('presence', (e) => e.userId === carol.user.id && e.online);
      await carolB.close();
      await aliceA.waitFor('presence', (e) => e.userId === carol.user.id && !e.online, 15_000);
    });

    it('relays typing to the other members across pods', async () => {
      const alice = await registerUser(podA, 'type');
      const bob = await registerUser(podB, 'typeb');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');

      // Typing is ephemeral (never stored or re-synced): one that crosses while a pod's subscriber is
      // being re-established on a starved machine is gone. A typist's client repeats it while typing, as here.
      const relayed = (async () => {
        for (let attempt = 1; ; attempt += 1) {
          const ack = await aliceA.request('typing', { roomId: room.id, typing: true });
          expect(ack).toMatchObject({ ok: true });
          try {
            return await bobB.waitFor('typing', (e) => e.roomId === room.id, 4_000);
          } catch (error) {
            if (attempt === 3) throw error;
          }
        }
      })();
      expect(await relayed).toMatchObject({ roomId: room.id, user: { id: alice.user.id, username: alice.username }, typing: true });
    });
  });

  describe('direct messages', () => {
    it('POST /api/dms returns the one DM room of the pair, whoever asks and however often', async () => {
      const alice = await registerUser(podA, 'dm');
      const bob = await registerUser(podB, 'dmb');
      const first = await podA.post<MyRoom>('/api/dms', { userId: bob.user.id }, alice.token);
      expect([200, 201]).toContain(first.status);
      expect(first.body.kind).toBe('dm');
      const second = await podB.post<MyRoom>('/api/dms', { userId: bob.user.id }, alice.token);
      const reverse = await podB.post<MyRoom>('/api/dms', { userId: alice.user.id }, bob.token);
      expect(second.body.id).toBe(first.body.id);
      expect(reverse.body.id).toBe(first.body.id);
      expect((await myRoom(podA, bob, first.body.id)).kind).toBe('dm');

      // Both sides asking at the same moment on different pods still get one room.
      const carol = await registerUser(podA, 'dmc');
      const dave = await registerUser(podB, 'dmd');
      const raced = await Promise.all([
        podA.post<MyRoom>('/api/dms', { userId: dave.user.id }, carol.token),
        podB.post<MyRoom>('/api/dms', { userId: carol.user.id }, dave.token),
        podB.post<MyRoom>('/api/dms', { userId: dave.user.id }, carol.token),
        podA.post<MyRoom>('/api/dms', { userId: carol.user.id }, dave.token),
      ]);
      expect(raced.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);
      expect(new Set(raced.map((r) => r.body.id)).size).toBe(1);

      const unknown = await podA.post('/api/dms', { userId: randomUUID() }, alice.token);
      expect(unknown.status).toBe(404);
      const malformed = await podA.post('/api/dms', { userId: 'bob' }, alice.token);
      expect(malformed.status).toBe(400);
      expect(errorOf(malformed.body).code).toBe(ErrorCode.VALIDATION_FAILED);
    });

    it('group DMs: POST /api/dms {userIds} opens one room for the same people whoever asks, every member hears of it live and talks in it', async () => {
      const [alice, bob, carol] = await Promise.all([registerUser(podA, 'ga'), registerUser(podB, 'gb'), registerUser(podB, 'gc')]);
      const bobB = await connect(podB, bob, 'bob@B');
      const carolB = await connect(podB, carol, 'carol@B');
      const opened = await podA.post<MyRoom>('/api/dms', { userIds: [bob.user.id, carol.user.id] }, alice.token);
      expect(opened.status).toBe(201);
      const person = (user: TestUser) => ({ id: user.user.id, username: user.username, displayName: user.user.displayName });
      const byName = (people: ReturnType<typeof person>[]) => [...people].sort((x, y) => x.displayName.localeCompare(y.displayName));
      expect(opened.body).toMatchObject({ kind: 'dm', peer: null, people: byName([person(bob), person(carol)]), memberCount: 3 });
      // Each member learns of it at once, seeing the others.
      const joined = await bobB.waitFor('room:joined', (e) => e.room.id === opened.body.id);
      expect(joined.room).toMatchObject({ peer: null, people: byName([person(alice), person(carol)]) });
      await carolB.waitFor('room:joined', (e) => e.room.id === opened.body.id);
      // The same people, asked by another of them in another order, on the other pod: the same room.
      const again = await podB.post<MyRoom>('/api/dms', { userIds: [bob.user.id, alice.user.id] }, carol.token);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(opened.body.id);
      // A pair is another room; {userIds: [one]} is the pair's DM.
      const pair = await podA.post<MyRoom>('/api/dms', { userIds: [bob.user.id] }, alice.token);
      expect(pair.body.id).not.toBe(opened.body.id);
      expect(pair.body).toMatchObject({ peer: person(bob), people: [person(bob)] });

      const hello = await send(bobB, opened.body.id, 'hi both');
      await carolB.waitFor('message:new', (e) => e.message.id === hello.id);
      expect(hello.seq).toBe(1); // no notices in a DM
      const found = await podA.get<{ items: { roomName: string }[] }>(`/api/search?q=both&roomId=${opened.body.id}`, alice.token);
      expect(found.body.items.map((item) => item.roomName)).toEqual([[bob.user.displayName, carol.user.displayName].sort().join(', ')]);
      const leave = await podB.request('POST', `/api/rooms/${opened.body.id}/leave`, { token: bob.token });
      expect(leave.status).toBe(403);

      const refusals = [
        { userIds: [] },
        { userIds: [bob.user.id, bob.user.id] },
        { userIds: Array.from({ length: LIMITS.dmMembersMax }, () => randomUUID()) },
        { userIds: ['bob'] },
        { userId: bob.user.id, userIds: [carol.user.id] },
        { userIds: [bob.user.id, alice.user.id] },
      ];
      for (const body of refusals) {
        const res = await podA.post('/api/dms', body, alice.token);
        expect({ body, status: res.status, code: errorOf(res.body).code }).toEqual({
          body,
          status: 400,
          code: ErrorCode.VALIDATION_FAILED,
        });
      }
      const unknown = await podA.post('/api/dms', { userIds: [bob.user.id, randomUUID()] }, alice.token);
      expect(unknown.status).toBe(404);
    });

    it('a DM opened while the peer is online on the other pod reaches the peer at once', async () => {
      const alice = await registerUser(podA, 'dml');
      const bob = await registerUser(podB, 'dmlb');
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobB = await connect(podB, bob, 'bob@B');
      const dm = await podA.post<MyRoom>('/api/dms', { userId: bob.user.id }, alice.token);
      expect([200, 201]).toContain(dm.status);
      const sent = await send(aliceA, dm.body.id, 'psst');
      await bobB.waitFor('message:new', (e) => e.message.id === sent.id);
      await bobB.waitFor('room:joined', (e) => e.room.id === dm.body.id);
    });
  });

  describe('read state and history', () => {
    it('counts unread messages in GET /api/rooms and moves them with room:read on every socket', async () => {
      const alice = await registerUser(podA, 'unread');
      const bob = await registerUser(podB, 'unreadb');
      const room = await createRoom(podA, alice);
      await addMember(podA, alice, room.id, bob.user.id);
      const aliceA = await connect(podA, alice, 'alice@A');
      const bobA = await connect(podA, bob, 'bob@A');
      const bobB = await connect(podB, bob, 'bob@B');

      // Bob's addition (seq 1, a room notice) is read: his mark starts at the head.
      for (let i = 1; i <= 5; i += 1) await send(aliceA, room.id, `unread ${i}`);
      expect(await myRoom(podB, bob, room.id)).toMatchObject({ lastSeq: 6, lastReadSeq: 1, unread: 5 });

      const read = await bobA.request('room:read', { roomId: room.id, seq: 4 });
      expect(read).toMatchObject({ ok: true });
      const echoed = await bobB.waitFor('room:read', (e) => e.roomId === room.id);
      expect(echoed).toMatchObject({ roomId: room.id, seq: 4 });
      expect(await myRoom(podA, bob, room.id)).toMatchObject({ lastSeq: 6, lastReadSeq: 4, unread: 2 });

      const later = await connect(podB, bob, 'bob@B#2');
      expect(later.sessions[0]?.rooms.find((r) => r.id === room.id)).toMatchObject({ id: room.id, lastSeq: 6, lastReadSeq: 4 });

      const readAll = await bobB.request('room:read', { roomId: room.id, seq: 6 });
      expect(readAll).toMatchObject({ ok: true });
      expect(await myRoom(podB, bob, room.id)).toMatchObject({ lastReadSeq: 6, unread: 0 });
    });

    it('starts a new member at the room head: earlier history is not unread', async () => {
      const alice = await registerUser(podA, 'head');
      const carol = await registerUser(podB, 'headc');
      const room = await createRoom(podA, alice, 'public');
      const aliceA = await connect(podA, alice, 'alice@A');
      for (let i = 1; i <= 4; i += 1) await send(aliceA, room.id, `old ${i}`);
      // Her join is seq 5 (a room notice), which is not unread for anyone.
      await joinRoom(podB, carol, room.id);
      expect(await myRoom(podB, carol, room.id)).toMatchObject({ lastSeq: 5, lastReadSeq: 5, unread: 0 });
      expect(await myRoom(podB, alice, room.id)).toMatchObject({ lastSeq: 5, unread: 0 });
      await send(aliceA, room.id, 'new one');
      expect(await myRoom(podA, carol, room.id)).toMatchObject({ lastSeq: 6, lastReadSeq: 5, unread: 1 });
      // The sender has read up to their own message.
      expect(await myRoom(podB, alice, room.id)).toMatchObject({ lastSeq: 6, lastReadSeq: 6, unread: 0 });
    });

    it('pages history newest-first with before/limit, without overlap or gaps', async () => {
      const alice = await registerUser(podA, 'hist');
      const room = await createRoom(podA, alice);
      const aliceB = await connect(podB, alice, 'alice@B');
      for (let i = 1; i <= 12; i += 1) await send(aliceB, room.id, `h${i}`);

      const path = (query: string) => `/api/rooms/${room.id}/messages${query}`;
      const p1 = await podA.get<HistoryPage>(path('?limit=5'), alice.token);
      expect(p1.status).toBe(200);
      expect(p1.body.messages.map((m) => m.seq)).toEqual([12, 11, 10, 9, 8]);
      expect(p1.body.hasMore).toBe(true);
      const p2 = await podB.get<HistoryPage>(path('?before=8&limit=5'), alice.token);
      expect(p2.body.messages.map((m) => m.seq)).toEqual([7, 6, 5, 4, 3]);
      expect(p2.body.hasMore).toBe(true);
      const p3 = await podA.get<HistoryPage>(path('?before=3&limit=5'), alice.token);
      expect(p3.body.messages.map((m) => m.seq)).toEqual([2, 1]);
      expect(p3.body.messages.map((m) => m.body)).toEqual(['h2', 'h1']);
      expect(p3.body.hasMore).toBe(false);

      const whole = await podB.get<HistoryPage>(path(''), alice.token);
      expect(whole.body.messages.map((m) => m.seq)).toEqual(range(1, 12).reverse());
      expect(whole.body.hasMore).toBe(false);

      const tooBig = await podA.get(path(`?limit=${LIMITS.historyPageMax + 1}`), alice.token);
      expect(tooBig.status).toBe(400);
      expect(errorOf(tooBig.body).code).toBe(ErrorCode.VALIDATION_FAILED);
      const anonymous = await podA.get(path(''));
      expect(anonymous.status).toBe(401);
    });

    it('keeps a token valid on both pods for REST after a re-login (tokens are not pod-bound)', async () => {
      const alice = await registerUser(podB, 'relog');
      const again: AuthResponse = await login(podA, alice.username, alice.password);
      const rooms = await podB.get<MyRoom[]>('/api/rooms', again.accessToken);
      expect(rooms.status).toBe(200);
      expect(rooms.body).toEqual([]);
    });
  });

  // Last: it adds a third pod and crashes it.
  describe('losing a pod', () => {
    it('keeps every message acked by a pod that then crashes; its clients resume on another pod', async () => {
      const podC = await cluster().addPod();
      const apiC = new Api(podC.baseUrl);
      const alice = await registerUser(apiC, 'crash');
      const bob = await registerUser(podA, 'crashb');
      const room = await createRoom(apiC, alice);
      await addMember(apiC, alice, room.id, bob.user.id);
      const aliceC = await connect(apiC, alice, 'alice@C');
      const bobA = await connect(podA, bob, 'bob@A');

      const acked: Message[] = [];
      for (let i = 1; i <= 3; i += 1) acked.push(await send(aliceC, room.id, `before crash ${i}`));
      await bobA.waitFor('message:new', (e) => e.message.id === acked[2]?.id);

      await podC.kill();

      const aliceA = await connect(podA, alice, 'alice@A');
      // Seq 1 is bob's addition (a room notice), then the three messages.
      expect(aliceA.sessions[0]?.rooms.find((r) => r.id === room.id)).toMatchObject({ lastSeq: 4 });
      const synced = await sync(aliceA, room.id, 1);
      expect(synced.messages.map((m) => m.id)).toEqual(acked.map((m) => m.id));
      const next = await send(aliceA, room.id, 'after crash');
      expect(next.seq).toBe(5);
      await bobA.waitFor('message:new', (e) => e.message.id === next.id);
    }, 90_000);
  });
});
