import { request } from 'node:http';
import { ErrorCode } from '@chat/contracts';
import { useFreshCluster } from '@chat/test-harness';
import { createRoom } from '../support/chat';
import { bystanderSends, floodFromProcess, percentile, sendsDuring } from '../support/flood';
import { Api, registerUser, uniqueUsername, type TestUser } from '../support/http';
import { connectClient } from '../support/sockets';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  code: string | undefined;
  ms: number;
}

/** POSTs JSON from a chosen loopback address (127.0.0.x), so the pod sees distinct client addresses. */
function postFrom(baseUrl: string, path: string, body: unknown, localAddress: string): Promise<Answer> {
  const started = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            code = undefined;
          }
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            code,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(payload);
  });
}

const LOGIN = '/api/auth/login';

/** Issue 12, findings 4 and 5: login floods, the raced throttle, and strangers locking owners out. Product defaults. */
describe('login limits (abuse)', () => {
  const cluster = useFreshCluster({
    pods: 2,
    env: {
      RATE_LIMIT_LOGIN_ADDRESS: '10/1m',
      RATE_LIMIT_LOGIN_FAILURES: '5/15m',
      RATE_LIMIT_LOGIN_ACCOUNT_FAILURES: '50/15m',
      PASSWORD_HASH_CONCURRENCY: '2',
      PASSWORD_HASH_QUEUE: '16',
      RATE_LIMIT_REGISTER_ADDRESS: '1000/1h',
    },
  });
  let urls: string[];
  let owner: TestUser;

  beforeAll(async () => {
    urls = cluster().pods.map((pod) => pod.baseUrl);
    owner = await registerUser(new Api(urls[0] ?? ''), 'owner');
  });

  it('a flood of 120 logins for unknown users is refused quickly and a real user still logs in within 1.5 s', async () => {
    const user = await registerUser(new Api(urls[0] ?? ''), 'real');
    const flood = Array.from({ length: 120 }, (_, i) =>
      postFrom(urls[0] ?? '', LOGIN, { username: uniqueUsername('ghost'), password: `nope-${i}-pass` }, '127.0.0.1'),
    );
    const real = postFrom(urls[0] ?? '', LOGIN, { username: user.username, password: user.password }, '127.0.0.9');
    const [answers, mine] = await Promise.all([Promise.all(flood), real]);
    const times = (status: number) => answers.filter((answer) => answer.status === status).map((answer) => Math.round(answer.ms));
    process.stderr.write(
      `login flood: mine ${Math.round(mine.ms)} ms; 401 ${JSON.stringify(times(401))}; 429 max ${Math.max(...times(429))}\n`,
    );
    expect(mine.status).toBe(200);
    expect(mine.ms).toBeLessThan(1500);
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(100);
    expect(limited.every((answer) => answer.code === ErrorCode.RATE_LIMITED && Number(answer.retryAfter) > 0)).toBe(true);
    expect(answers.filter((answer) => answer.status === 401).length).toBeLessThanOrEqual(10);
  });

  it('240 logins for unknown users from 24 addresses at once: a bounded few are hashed, the rest refused, a bystander on the same pod keeps p99 < 100 ms', async () => {
    const bystander = await registerUser(new Api(urls[0] ?? ''), 'calm');
    const room = await createRoom(new Api(urls[0] ?? ''), bystander, 'private');
    const calm = await connectClient(urls[0] ?? '', bystander.token, 'bystander');
    // 10 logins from each address (the per-address limit): all of them ask for a hash.
    const addresses = Array.from({ length: 24 }, (_, i) => `127.0.0.${20 + i}`);
    const attack = floodFromProcess(urls[0] ?? '', { event: 'login', count: 240, addresses });
    await attack.started;
    const run = await bystanderSends(calm, room.id);
    const flood = await attack.done;
    await calm.close();
    expect(sendsDuring(run, flood)).toBeGreaterThanOrEqual(20);
    expect(flood.otherErrors).toBe(0);
    // PASSWORD_HASH_CONCURRENCY 2 + PASSWORD_HASH_QUEUE 16 at a time; the queue drains while the flood arrives.
    expect(flood.ok).toBeLessThanOrEqual(60);
    expect(flood.rateLimited).toBe(240 - flood.ok);
    expect(run.acks.every((ack) => ack.ok)).toBe(true);
    expect(percentile(run.latencies, 99)).toBeLessThan(100);
  });

  it('40 concurrent wrong guesses: at most the limit are evaluated (401), the rest get 429', async () => {
    const victim = await registerUser(new Api(urls[0] ?? ''), 'victim');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        postFrom(urls[i % 2] ?? '', LOGIN, { username: victim.username, password: `wrong-${i}-x` }, '127.0.0.2'),
      ),
    );
    expect(answers.filter((answer) => answer.status === 401).length).toBeLessThanOrEqual(5);
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThanOrEqual(35);
  });

  it('the right password among concurrent guesses cannot sneak past the limit', async () => {
    const victim = await registerUser(new Api(urls[0] ?? ''), 'sneak');
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 20 ? victim.password : `wrong-${i}-x`));
    const answers = await Promise.all(
      guesses.map((password, i) => postFrom(urls[i % 2] ?? '', LOGIN, { username: victim.username, password }, '127.0.0.3')),
    );
    const evaluated = answers.filter((answer) => answer.status === 200 || answer.status === 401);
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(answers.filter((answer) => answer.status === 429).length).toBe(30 - evaluated.length);
    // Once the failures are used up, the right password from that address is refused too.
    const after = await postFrom(urls[1] ?? '', LOGIN, { username: victim.username, password: victim.password }, '127.0.0.3');
    const succeeded = answers[20]?.status === 200;
    expect(after.status).toBe(succeeded ? 200 : 429);
  });

  it("a stranger's failures from another address do not lock the owner out", async () => {
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          postFrom(urls[i % 2] ?? '', LOGIN, { username: owner.username, password: `guess-${round}-${i}` }, '127.0.0.4'),
        ),
      );
    }
    const stranger = await postFrom(urls[0] ?? '', LOGIN, { username: owner.username, password: owner.password }, '127.0.0.4');
    expect(stranger.status).toBe(429);
    const mine = await postFrom(urls[1] ?? '', LOGIN, { username: owner.username, password: owner.password }, '127.0.0.5');
    expect(mine.status).toBe(200);
  });
});
