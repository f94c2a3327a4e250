import { ErrorCode } from '@chat/contracts';
import { sleep, useFreshCluster } from '@chat/test-harness';
import { io } from 'socket.io-client';
import { Api, errorOf, registerUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';

const TOKEN_TTL_SECONDS = 6;
const ALLOWED_ORIGIN = 'https://app.example.com';

interface HandshakeOutcome {
  connected: boolean;
  code?: string;
}

/** A handshake with the given Origin header (none when undefined), as a browser on that page would send it. */
function handshake(baseUrl: string, token: string, origin: string | undefined): Promise<HandshakeOutcome> {
  const socket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    ...(origin ? { extraHeaders: { origin } } : {}),
  });
  return new Promise((resolveOutcome, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connect nor connect_error within 10 s')), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.close();
      resolveOutcome({ connected: true });
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.close();
      resolveOutcome({ connected: false, code: err.data?.code });
    });
  });
}

/** Short-lived tokens and an origin allowlist, by configuration. */
describe('token expiry and handshake origins', () => {
  const cluster = useFreshCluster({
    pods: 2,
    env: { JWT_TTL_SECONDS: String(TOKEN_TTL_SECONDS), CORS_ORIGINS: `${ALLOWED_ORIGIN},http://localhost:4200` },
  });
  let podA: Api;
  let podB: Api;
  const open: ChatClient[] = [];

  beforeAll(() => {
    const [first, second] = cluster().pods;
    if (!first || !second) throw new Error('cluster did not start two pods');
    podA = new Api(first.baseUrl);
    podB = new Api(second.baseUrl);
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });

  it('closes a socket when its token expires (session:closed TOKEN_EXPIRED), on each pod, and the token then gets 401', async () => {
    const ivy = await registerUser(podA, 'expiry');
    const issuedAt = Date.now();
    const onA = await connectClient(podA.baseUrl, ivy.token, 'ivy@A');
    const onB = await connectClient(podB.baseUrl, ivy.token, 'ivy@B');
    open.push(onA, onB);

    const closings = await Promise.all(
      [onA, onB].map((client) =>
        client.waitFor('session:closed', (event) => event.code === 'TOKEN_EXPIRED', (TOKEN_TTL_SECONDS + 5) * 1000),
      ),
    );
    expect(closings).toHaveLength(2);
    // Not before the token's end (exp has whole-second precision), and within the sweep's period after it.
    expect(Date.now() - issuedAt).toBeGreaterThanOrEqual((TOKEN_TTL_SECONDS - 1) * 1000);
    await sleep(200);
    expect(onA.socket.connected).toBe(false);
    expect(onB.socket.connected).toBe(false);
    const me = await podB.get('/api/me', ivy.token);
    expect(me.status).toBe(401);
    expect(errorOf(me.body).code).toBe(ErrorCode.UNAUTHORIZED);
  });

  it('refuses a handshake from an origin outside CORS_ORIGINS with FORBIDDEN, even with a valid token', async () => {
    const jay = await registerUser(podA, 'origin');
    await expect(handshake(podA.baseUrl, jay.token, 'https://evil.example')).resolves.toEqual({
      connected: false,
      code: ErrorCode.FORBIDDEN,
    });
    await expect(handshake(podB.baseUrl, jay.token, 'https://app.example.com.evil.example')).resolves.toEqual({
      connected: false,
      code: ErrorCode.FORBIDDEN,
    });
  });

  it('accepts an allowed origin, the same origin, and a handshake without an Origin (non-browser client)', async () => {
    const kim = await registerUser(podA, 'origin-ok');
    await expect(handshake(podA.baseUrl, kim.token, ALLOWED_ORIGIN)).resolves.toEqual({ connected: true });
    await expect(handshake(podB.baseUrl, kim.token, 'http://localhost:4200')).resolves.toEqual({ connected: true });
    await expect(handshake(podB.baseUrl, kim.token, podB.baseUrl)).resolves.toEqual({ connected: true });
    await expect(handshake(podA.baseUrl, kim.token, undefined)).resolves.toEqual({ connected: true });
  });

  it('refuses a handshake without a valid token as UNAUTHORIZED whatever the origin', async () => {
    await expect(handshake(podA.baseUrl, 'not.a.jwt', ALLOWED_ORIGIN)).resolves.toEqual({ connected: false, code: ErrorCode.UNAUTHORIZED });
    await expect(handshake(podA.baseUrl, 'not.a.jwt', undefined)).resolves.toEqual({ connected: false, code: ErrorCode.UNAUTHORIZED });
  });
});
