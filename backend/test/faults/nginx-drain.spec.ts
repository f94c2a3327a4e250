import { isNotice } from '../support/faults/convergence';
import { BalancedClient } from '../support/faults/balanced-client';
import { FAULT_POD_ENV, nth, useFaultHarness } from '../support/faults/harness';
import { KeepAliveLoad } from '../support/faults/keep-alive-load';
import { LocalNginx } from '../support/faults/nginx';
import { metricValue, sleep } from '@chat/test-harness';

const GRACE_MS = Number(FAULT_POD_ENV['SHUTDOWN_GRACE_MS']);
const WEBSOCKET_CLIENTS = 12;
const DEFAULT_CLIENTS = 2;

/**
 * Issue 8: a rolling update behind docker/nginx.conf. Three pods behind Debian's nginx running the compose
 * configuration; WebSocket-only clients and socket.io-client with default options (polling, then upgrade) in one
 * room, all sending; a keep-alive HTTP client hammering the pod that holds the most clients; then that pod is
 * drained (SIGTERM). Its clients must land on the other pods through nginx without being refused for good, every
 * acknowledged message must be stored once and reach every member, and the pod must exit 0 within the grace period.
 */
describe('fault: rolling update behind nginx', () => {
  const harness = useFaultHarness({ pods: 3 });
  let nginx: LocalNginx | undefined;

  beforeAll(async () => {
    nginx = await LocalNginx.start(harness().pods.map((pod) => `127.0.0.1:${pod.port}`));
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
  });

  it('moves every client to another pod without refusals, loses and doubles nothing, exits 0 in time', async () => {
    const h = harness();
    const lb = nginx;
    if (!lb) throw new Error('nginx did not start');
    const clients: BalancedClient[] = [];
    let sending = true;
    const sendFailures: string[] = [];
    try {
      await h.run(async () => {
        const users = await h.users(WEBSOCKET_CLIENTS + DEFAULT_CLIENTS, 'lb');
        const roomId = await h.room(nth(users, 0), users);

        // One at a time, so least_conn spreads the WebSocket clients evenly over the pods, while the polling
        // clients (all from 127.0.0.1) are hashed to one pod: that pod holds the most clients.
        for (let i = 0; i < WEBSOCKET_CLIENTS; i += 1) {
          const client = new BalancedClient(`ws${i}`, lb.url, nth(users, i).token, roomId, { transports: ['websocket'] });
          clients.push(client);
          await client.waitFor(() => client.sessions.length > 0, 15_000, 'ready');
        }
        const defaults: BalancedClient[] = [];
        for (let i = 0; i < DEFAULT_CLIENTS; i += 1) {
          const client = new BalancedClient(`default${i}`, lb.url, nth(users, WEBSOCKET_CLIENTS + i).token, roomId);
          defaults.push(client);
          clients.push(client);
          // Polling first, then the upgrade, which must reach the pod that holds the polling session.
          await client.waitFor(() => client.sessions.length > 0 && client.transport === 'websocket', 15_000, 'ready and upgraded');
        }

        // Which pod holds how many clients: each pod's own chat_connections gauge.
        const before = await Promise.all(h.pods.map((pod) => metricValue(pod.baseUrl, 'chat_connections')));
        expect(before.reduce((a, b) => a + b, 0)).toBe(clients.length);
        const drainedIndex = before.indexOf(Math.max(...before));
        const drained = h.pod(drainedIndex);

        const traffic = clients.map(async (client) => {
          for (let n = 0; sending; n += 1) {
            await client.send(`${client.label} #${n}`);
            await sleep(80);
          }
        });
        const trafficDone = Promise.all(
          traffic.map((run, i) => run.catch((error: unknown) => sendFailures.push(`${nth(clients, i).label}: ${String(error)}`))),
        );
        await sleep(1_000);

        // /health/ready takes a few milliseconds (it pings PostgreSQL and Redis), so one of the connections nearly
        // always has a request in flight: never all idle, which is what a server's close() waits for.
        const keepAlive = KeepAliveLoad.start(`${drained.baseUrl}/health/ready`, 8);
        await sleep(1_000);
        keepAlive.mark();
        const termAt = Date.now();
        const { code, signal, at } = await drained.terminate();
        const keepAliveCounts = await keepAlive.stop();

        // Everyone is back: connected, with a session newer than its last disconnect.
        await Promise.all(
          clients.map((client) =>
            client.waitFor(
              () => client.socket.connected && (client.sessions.at(-1) ?? 0) > (client.disconnects.at(-1)?.at ?? 0),
              30_000,
              'reconnected',
            ),
          ),
        );
        await sleep(1_000);
        sending = false;
        await trafficDone;

        const survivors = h.pods.filter((_, i) => i !== drainedIndex);
        let after: number[] = [];
        const deadline = Date.now() + 10_000;
        do {
          after = await Promise.all(survivors.map((pod) => metricValue(pod.baseUrl, 'chat_connections')));
          if (after.reduce((a, b) => a + b, 0) === clients.length) break;
          await sleep(200);
        } while (Date.now() < deadline);

        const acked = clients.flatMap((client) => [...client.acked.entries()]);
        await Promise.all(
          clients.map((client) =>
            client.waitFor(() => acked.every(([, message]) => client.received.has(message.id)), 30_000, 'received every acked message'),
          ),
        );
        const { entries } = await h.store.timeline(roomId);
        const storedByClientMsgId = new Map<string, string[]>();
        for (const entry of entries)
          storedByClientMsgId.set(entry.clientMsgId, [...(storedByClientMsgId.get(entry.clientMsgId) ?? []), entry.id]);

        const moved = clients.filter((client) => client.disconnects.some((d) => d.at >= termAt));
        const retried = lb.accessLog().filter((line) => /statuses=\S*503/.test(line));
        console.log('rolling update behind nginx', {
          connectionsBefore: before,
          drained: drained.podId,
          exit: { code, signal, ms: at - termAt },
          keepAlive: keepAliveCounts,
          moved: moved.map((client) => client.label),
          connectErrors: clients.reduce((sum, client) => sum + client.connectErrors.length, 0),
          connectionsAfter: after,
          acked: acked.length,
          stored: entries.length,
          nginxRetriedOn503: retried.length,
          nginxRetrySample: retried.slice(0, 3),
        });

        // The drained pod exits 0 within the grace period although keep-alive requests kept coming, each told to close.
        expect({ code, signal }).toEqual({ code: 0, signal: null });
        expect(at - termAt).toBeLessThan(GRACE_MS);
        expect(keepAliveCounts.afterMark).toBeGreaterThan(0);
        expect(keepAliveCounts.withConnectionClose).toBeGreaterThan(0);

        // Its clients, the polling ones among them, moved to the other pods; nobody was refused for good.
        expect(moved.length).toBe(before[drainedIndex]);
        for (const client of defaults) expect(moved).toContain(client);
        expect(after.reduce((a, b) => a + b, 0)).toBe(clients.length);
        for (const client of clients) {
          expect({ client: client.label, active: client.socket.active, connected: client.socket.connected }).toEqual({
            client: client.label,
            active: true,
            connected: true,
          });
          expect(client.connectErrors.filter((error) => !error.active)).toEqual([]);
          // nginx retries a refused handshake on another pod. A polling client may see one failure: a POST of its
          // session that nginx sent to the draining pod is not retried (nginx retries only idempotent requests).
          expect(client.connectErrors.length).toBeLessThanOrEqual(defaults.includes(client) ? 1 : 0);
        }

        // Every acknowledged message is stored exactly once, as acked, and reached every member.
        expect(sendFailures).toEqual([]);
        expect(acked.length).toBeGreaterThan(clients.length * 10);
        for (const [clientMsgId, message] of acked)
          expect({ clientMsgId, stored: storedByClientMsgId.get(clientMsgId) }).toEqual({ clientMsgId, stored: [message.id] });
        expect(entries.filter((entry) => !isNotice(entry)).length).toBe(acked.length);
      });
    } finally {
      sending = false;
      for (const client of clients) client.close();
    }
  });
});
