import { waitForConvergence } from '../support/faults/convergence';
import { allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';
import { metricValue, residentBytes, sleep } from '@chat/test-harness';

const BACKLOG_BYTES = 64 * 1024;
const BACKLOG_PACKETS = 100;
const SLOW_SOCKETS = 3;
const MESSAGES = 3_000;
const BODY = 3_900;
/** The guard checks every second; a cut-off socket must be gone well within this after the sends. */
const CUT_WITHIN_MS = 5_000;
/** Growth of the pod's RSS while stuck sockets exist (12 MB of messages flow through it). */
const RSS_GROWTH_LIMIT = 150 * 2 ** 20;

function firstLogTime(lines: string[]): number | undefined {
  const line = lines[0];
  if (!line) return undefined;
  const parsed = JSON.parse(line.slice(line.indexOf('{'))) as { time?: unknown };
  return typeof parsed.time === 'number' ? parsed.time : undefined;
}

/**
 * Issue line 9: a client stops reading while others send a lot. The pod disconnects it once its backlog
 * passes the cap, the pod's memory stays bounded, and the other clients get everything.
 */
describe('fault: slow consumer', () => {
  const harness = useFaultHarness({
    pods: 2,
    podEnv: { SOCKET_MAX_BACKLOG_BYTES: String(BACKLOG_BYTES), SOCKET_MAX_BACKLOG_PACKETS: String(BACKLOG_PACKETS) },
  });

  it('cuts off a client that stops reading, keeps memory bounded and serves everyone else', async () => {
    const h = harness();
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const users = await h.users(5, 'slow');
      const roomId = await h.room(nth(users, 0), users);
      const slow: ResilientClient[] = Array.from({ length: SLOW_SOCKETS }, (_, i) =>
        h.client(nth(users, 0), { label: `slow${i}@A`, urls: [a] }),
      );
      const watcherA = h.client(nth(users, 1), { label: 'watcher@A', urls: [a] });
      const watcherB = h.client(nth(users, 2), { label: 'watcher@B', urls: [b] });
      const senders = [
        h.client(nth(users, 3), { label: 'sender@A', urls: [a] }),
        h.client(nth(users, 4), { label: 'sender@B', urls: [b] }),
      ];
      const healthy = [watcherA, watcherB, ...senders];
      await allReady([...slow, ...healthy], 15_000);
      await Promise.all(senders.map((sender) => sendMany(sender, roomId, 50, { window: 10, bodyLength: BODY })));
      await waitForConvergence(h.store, [...slow, ...healthy], roomId, 20_000);
      const connectionsBefore = await metricValue(a, 'chat_connections');
      const rssBefore = await residentBytes(a);

      for (const client of slow) client.setReading(false);
      let rssPeak = rssBefore;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          rssPeak = Math.max(rssPeak, await residentBytes(a));
          await sleep(200);
        }
      })();
      const started = Date.now();
      await Promise.all(senders.map((sender) => sendMany(sender, roomId, MESSAGES / 2, { window: 20, bodyLength: BODY })));
      const sendMs = Date.now() - started;
      const report = await waitForConvergence(h.store, healthy, roomId, 60_000);

      // The stuck sockets' backlog is far past the cap now: the pod must have let them go.
      let cutAt: number | undefined;
      const waitFrom = Date.now();
      while (Date.now() - waitFrom < CUT_WITHIN_MS) {
        if ((await metricValue(a, 'chat_connections')) <= connectionsBefore - SLOW_SOCKETS) {
          cutAt = Date.now();
          break;
        }
        await sleep(100);
      }
      sampling = false;
      await sampler;
      const connectionsAfterWait = await metricValue(a, 'chat_connections');
      const warnings = h
        .pod(0)
        .logs()
        .filter((line) => line.includes('Disconnecting slow consumer'));
      const firstWarningAt = firstLogTime(warnings);

      // When the stuck clients read again they learn they were cut off, reconnect and catch up.
      for (const client of slow) client.setReading(true);
      const recovered = await waitForConvergence(h.store, [...slow, ...healthy], roomId, 60_000, senders);

      console.log('slow consumer', {
        sendMs,
        firstWarningAfterMs: firstWarningAt === undefined ? null : firstWarningAt - started,
        guardWarnings: warnings.length,
        firstWarning: warnings[0],
        connectionsBefore,
        connectionsAfterWait,
        cutAfterSendsMs: cutAt === undefined ? null : cutAt - started - sendMs,
        rssBeforeMb: Math.round(rssBefore / 2 ** 20),
        rssPeakMb: Math.round(rssPeak / 2 ** 20),
        slowClients: slow.map((client) => client.disconnects.map((d) => `${d.reason} at +${d.at - started} ms`).join(', ')),
        ...clientStats([...slow, ...healthy]),
        ...recovered,
      });

      // Everyone else got every message, live.
      expect(report.messages).toBe(MESSAGES + 100);
      for (const watcher of [watcherA, watcherB]) expect(watcher.room(roomId).newEvents.size).toBe(MESSAGES + 100);
      expect(rssPeak - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
      // The guard noticed the backlog...
      expect(warnings.length).toBeGreaterThan(0);
      // ...and the pod really disconnected the stuck sockets (not just the clients' own heartbeat later).
      expect({ connectionsBefore, connectionsAfterWait }).toEqual({
        connectionsBefore,
        connectionsAfterWait: connectionsBefore - SLOW_SOCKETS,
      });
      expect(cutAt).toBeDefined();
      // Each stuck socket was cut once, by the pod (transport close), and came back.
      for (const client of slow) expect(client.disconnects.map((d) => d.reason)).toEqual(['transport close']);
    });
  });
});
