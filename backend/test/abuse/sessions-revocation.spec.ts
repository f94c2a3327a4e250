import { ErrorCode } from '@chat/contracts';
import type { AuthResponse, User } from '@chat/contracts';
import { sleep, useFreshCluster } from '@chat/test-harness';
import { createRoom, addMember } from '../support/chat';
import { Api, errorOf, login, registerUser, type TestUser } from '../support/http';
import { connectClient, expectRefusedHandshake, type ChatClient } from '../support/sockets';

/** How long we keep listening before concluding that a socket was (correctly) left alone. */
const QUIET_MS = 600;

/**
 * Stolen or stale sessions: a token that was logged out, or revoked by "log out everywhere" or a
 * password change, stops working at once on every pod, for REST, new handshakes and open sockets.
 */
describe('session revocation across two pods', () => {
  const cluster = useFreshCluster({ pods: 2 });
  let podA: Api;
  let podB: Api;
  const open: ChatClient[] = [];

  async function connect(api: Api, token: string, label: string): Promise<ChatClient> {
    const client = await connectClient(api.baseUrl, token, label);
    open.push(client);
    return client;
  }

  async function closedWith(client: ChatClient, code: string): Promise<void> {
    await client.waitFor('session:closed', (event) => event.code === code);
    const deadline = Date.now() + 5_000;
    while (client.socket.connected && Date.now() < deadline) await sleep(20);
    expect(client.socket.connected).toBe(false);
  }

  async function expectTokenRefused(token: string): Promise<void> {
    for (const api of [podA, podB]) {
      const me = await api.get('/api/me', token);
      expect(me.status).toBe(401);
      expect(errorOf(me.body).code).toBe(ErrorCode.UNAUTHORIZED);
      const refused = await expectRefusedHandshake(api.baseUrl, { token });
      expect(refused.data?.code).toBe(ErrorCode.UNAUTHORIZED);
    }
  }

  async function expectTokenWorks(token: string, api: Api = podA): Promise<void> {
    expect((await api.get('/api/me', token)).status).toBe(200);
  }

  beforeAll(() => {
    const [first, second] = cluster().pods;
    if (!first || !second) throw new Error('cluster did not start two pods');
    podA = new Api(first.baseUrl);
    podB = new Api(second.baseUrl);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });

  it("logout revokes that token only: its sockets on both pods get session:closed TOKEN_REVOKED, the user's other token keeps working", async () => {
    const alice = await registerUser(podA, 'logout');
    const second = await login(podB, alice.username, alice.password);
    const onA = await connect(podA, alice.token, 'token1@A');
    const onB = await connect(podB, alice.token, 'token1@B');
    const otherOnB = await connect(podB, second.accessToken, 'token2@B');

    const res = await podB.request('POST', '/api/auth/logout', { token: alice.token });
    expect(res.status).toBe(204);

    await Promise.all([closedWith(onA, 'TOKEN_REVOKED'), closedWith(onB, 'TOKEN_REVOKED')]);
    await expectTokenRefused(alice.token);

    await sleep(QUIET_MS);
    expect(otherOnB.socket.connected).toBe(true);
    expect(otherOnB.seen('session:closed')).toHaveLength(0);
    await expectTokenWorks(second.accessToken, podA);
    const again = await connect(podA, second.accessToken, 'token2@A again');
    expect(again.socket.connected).toBe(true);
  });

  it('logout {all: true} revokes every token of the user and closes every socket of the user on both pods', async () => {
    const bob = await registerUser(podA, 'logoutall');
    const second = await login(podA, bob.username, bob.password);
    const sockets = await Promise.all([
      connect(podA, bob.token, 't1@A'),
      connect(podB, bob.token, 't1@B'),
      connect(podB, second.accessToken, 't2@B'),
    ]);
    const bystander = await registerUser(podB, 'bystander');
    const bystanderSocket = await connect(podA, bystander.token, 'bystander@A');

    expect((await podA.post('/api/auth/logout', { all: true }, second.accessToken)).status).toBe(204);

    await Promise.all(sockets.map((client) => closedWith(client, 'TOKEN_REVOKED')));
    await expectTokenRefused(bob.token);
    await expectTokenRefused(second.accessToken);
    await sleep(QUIET_MS);
    expect(bystanderSocket.socket.connected).toBe(true);
    await expectTokenWorks(bystander.token);
    // A new login is a new session.
    await expectTokenWorks((await login(podB, bob.username, bob.password)).accessToken);
  });

  it('refuses a bad logout body with 400 and logs nothing out', async () => {
    const carol = await registerUser(podA, 'badlogout');
    const res = await podA.post('/api/auth/logout', { all: 'yes' }, carol.token);
    expect(res.status).toBe(400);
    expect(errorOf(res.body).code).toBe(ErrorCode.VALIDATION_FAILED);
    await expectTokenWorks(carol.token);
  });

  describe('password change', () => {
    it('refuses a wrong current password with 400 VALIDATION_FAILED on currentPassword and changes nothing', async () => {
      const dan = await registerUser(podA, 'pwwrong');
      const res = await podB.post('/api/me/password', { currentPassword: 'not-the-password', newPassword: 'a-new-password-1' }, dan.token);
      expect(res.status).toBe(400);
      const error = errorOf(res.body);
      expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(error.fields?.map((field) => field.field)).toEqual(['currentPassword']);
      await expectTokenWorks(dan.token);
      await login(podA, dan.username, dan.password);
    });

    it('answers RATE_LIMITED once a token has guessed the current password wrong as often as logins may fail', async () => {
      const gus = await registerUser(podA, 'pwguess');
      const statuses: number[] = [];
      for (let guess = 0; guess < 6; guess += 1) {
        const res = await podA.post(
          '/api/me/password',
          { currentPassword: `guess-number-${guess}`, newPassword: 'a-new-password-1' },
          gus.token,
        );
        statuses.push(res.status);
      }
      // RATE_LIMIT_LOGIN_FAILURES keeps its default (5 per 15 minutes) in the test pods.
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
      const refused = await podB.post('/api/me/password', { currentPassword: gus.password, newPassword: 'a-new-password-1' }, gus.token);
      expect(refused.status).toBe(429);
      expect(errorOf(refused.body).code).toBe(ErrorCode.RATE_LIMITED);
      await expectTokenWorks(gus.token);
    });

    it('refuses a too short new password with 400 naming newPassword', async () => {
      const erin = await registerUser(podA, 'pwshort');
      const res = await podA.post('/api/me/password', { currentPassword: erin.password, newPassword: 'short' }, erin.token);
      expect(res.status).toBe(400);
      expect(errorOf(res.body).fields?.map((field) => field.field)).toContain('newPassword');
    });

    it("revokes every other token and closes their sockets; the caller's token and sockets carry on; the new password logs in", async () => {
      const fay: TestUser = await registerUser(podA, 'pwchange');
      const other: AuthResponse = await login(podB, fay.username, fay.password);
      const callerSocket = await connect(podB, fay.token, 'caller@B');
      const otherOnA = await connect(podA, other.accessToken, 'other@A');
      const otherOnB = await connect(podB, other.accessToken, 'other@B');

      const newPassword = 'brand-new-password-1';
      const res = await podA.post('/api/me/password', { currentPassword: fay.password, newPassword }, fay.token);
      expect(res.status).toBe(204);

      await Promise.all([closedWith(otherOnA, 'TOKEN_REVOKED'), closedWith(otherOnB, 'TOKEN_REVOKED')]);
      await expectTokenRefused(other.accessToken);
      await sleep(QUIET_MS);
      expect(callerSocket.socket.connected).toBe(true);
      expect(callerSocket.seen('session:closed')).toHaveLength(0);
      await expectTokenWorks(fay.token, podA);
      await expectTokenWorks(fay.token, podB);
      await connect(podA, fay.token, 'caller@A again');

      expect((await podA.post('/api/auth/login', { username: fay.username, password: fay.password })).status).toBe(401);
      await login(podB, fay.username, newPassword);

      // "Log out everywhere" after a password change also ends the caller's carried-over token.
      expect((await podB.post('/api/auth/logout', { all: true }, fay.token)).status).toBe(204);
      await expectTokenRefused(fay.token);
    });
  });

  describe('display name', () => {
    it('PATCH /api/me changes it; a room-mate on the other pod hears user:updated live; new messages carry it', async () => {
      const gil = await registerUser(podA, 'rename');
      const mate = await registerUser(podB, 'mate');
      const stranger = await registerUser(podB, 'stranger');
      const room = await createRoom(podA, gil);
      await addMember(podA, gil, room.id, mate.user.id);
      const gilSocket = await connect(podA, gil.token, 'gil@A');
      const mateSocket = await connect(podB, mate.token, 'mate@B');
      const strangerSocket = await connect(podB, stranger.token, 'stranger@B');

      const res = await podB.request<User>('PATCH', '/api/me', { token: gil.token, body: { displayName: '  Gil the Renamed  ' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: gil.user.id, username: gil.username, displayName: 'Gil the Renamed' });

      const heard = await mateSocket.waitFor('user:updated', (event) => event.user.id === gil.user.id);
      expect(heard.user.displayName).toBe('Gil the Renamed');
      await gilSocket.waitFor('user:updated', (event) => event.user.id === gil.user.id);
      const me = await podA.get<User>('/api/me', gil.token);
      expect(me.body.displayName).toBe('Gil the Renamed');

      // The socket opened before the change sends with the new name.
      const ack = await gilSocket.request('message:send', { roomId: room.id, clientMsgId: `rename-${Date.now()}`, body: 'hi' });
      expect(ack.ok && ack.message.sender.displayName).toBe('Gil the Renamed');

      await sleep(QUIET_MS);
      expect(strangerSocket.seen('user:updated')).toHaveLength(0);
    });

    it('refuses a blank or too long display name with 400 naming displayName', async () => {
      const hal = await registerUser(podA, 'badname');
      for (const displayName of ['   ', 'x'.repeat(200), '']) {
        const res = await podA.request('PATCH', '/api/me', { token: hal.token, body: { displayName } });
        expect(res.status).toBe(400);
        expect(errorOf(res.body).fields?.map((field) => field.field)).toContain('displayName');
      }
    });
  });
});
