import { waitForConvergence } from '../support/faults/convergence';
import { allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';

const USERS = 50;
const SOCKETS_PER_USER = 40;
const ROOMS = 10;
/** Generous client timeouts: 2,000 handshakes land on two pods sharing two cores with everything else. */
const STORM_CLIENT = { connectTimeoutMs: 30_000, ackTimeoutMs: 30_000, backoffBaseMs: 250, backoffMaxMs: 5_000 };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

/**
 * Issue line 7: 2,000 sockets (50 users x 40) on one pod; the pod is killed and they all reconnect to the
 * two remaining pods while messages keep arriving. Reports how long until every one has caught up, and
 * checks that nothing was lost.
 */
describe('fault: reconnect storm', () => {
  const harness = useFaultHarness({ pods: 3 });

  it('reconnects 2,000 sockets from a killed pod to the others, all caught up, nothing lost', async () => {
    const h = harness();
    await h.run(async () => {
      const [a, b, c] = h.pods.map((pod) => pod.baseUrl) as [string, string, string];
      const users = await h.users(USERS, 'storm');
      const roomIds: string[] = [];
      for (let r = 0; r < ROOMS; r += 1) {
        const members = users.filter((_, u) => u % ROOMS === r);
        roomIds.push(await h.room(nth(members, 0), members));
      }
      const roomOf = (userIndex: number) => nth(roomIds, userIndex % ROOMS);

      // The crowd on pod A, half of it preferring B next and half C.
      const crowd: { client: ResilientClient; roomId: string }[] = [];
      const connectStarted = Date.now();
      for (let s = 0; s < SOCKETS_PER_USER; s += 1) {
        const batch = users.map((user, u) => {
          const urls = (u + s) % 2 ? [a, b, c] : [a, c, b];
          return { client: h.client(user, { ...STORM_CLIENT, label: `u${u}s${s}`, urls }), roomId: roomOf(u) };
        });
        await allReady(
          batch.map((entry) => entry.client),
          60_000,
        );
        crowd.push(...batch);
      }
      const connectMs = Date.now() - connectStarted;
      // One steady sender per room on B or C, and one sender per room inside the crowd (on A).
      const steady = roomIds.map((roomId, r) =>
        h.client(nth(users, r), { ...STORM_CLIENT, label: `steady${r}`, urls: r % 2 ? [b, c] : [c, b] }),
      );
      await allReady(steady, 30_000);
      const crowdSenders = roomIds.map((_, r) => nth(crowd, r).client);
      const everyone = [...crowd.map((entry) => entry.client), ...steady];

      await Promise.all(steady.map((sender, r) => sendMany(sender, nth(roomIds, r), 10, { window: 2 })));
      const doomed = crowdSenders.map((sender, r) => sendMany(sender, nth(roomIds, r), 30, { window: 5, gapMs: 30 }));
      await nth(crowdSenders, 0).waitUntil(() => crowdSenders.every((sender) => sender.acked.length >= 5), 30_000, 'crowd senders started');

      await h.pod(0).kill();
      const killedAt = Date.now();
      const during = steady.map((sender, r) =>
        sendMany(sender, nth(roomIds, r), 10, { window: 2, gapMs: 50, prefix: `${sender.label} during storm` }),
      );
      await Promise.all([...doomed, ...during]);
      const heads = new Map<string, number>();
      for (const roomId of roomIds) heads.set(roomId, await h.store.lastSeq(roomId));

      const crowdClients = crowd.map((entry) => entry.client);
      await nth(crowdClients, 0).waitUntil(
        () => crowd.every(({ client, roomId }) => client.settled && client.appliedSeq(roomId) === heads.get(roomId)),
        150_000,
        'the whole crowd caught up',
      );
      const caughtUpMs = Date.now() - killedAt;
      const reconnectDelays = crowdClients.map(
        (client) => (client.sessionsReady.find((session) => session.at > killedAt)?.at ?? NaN) - killedAt,
      );

      const reports = [];
      for (const roomId of roomIds) {
        const members = crowd.filter((entry) => entry.roomId === roomId).map((entry) => entry.client);
        reports.push(await waitForConvergence(h.store, [...members, ...steady.filter((_, r) => roomIds[r] === roomId)], roomId, 30_000));
      }
      const spread = {
        onB: crowdClients.filter((client) => client.currentUrl === b).length,
        onC: crowdClients.filter((client) => client.currentUrl === c).length,
      };
      console.log(
        `reconnect storm: ${crowdClients.length} sockets reconnected within ${Math.round(percentile(reconnectDelays, 100))} ms ` +
          `(p50 ${Math.round(percentile(reconnectDelays, 50))} ms, p95 ${Math.round(percentile(reconnectDelays, 95))} ms) ` +
          `and all caught up ${caughtUpMs} ms after the kill`,
        { connectMs, spread, ...clientStats(everyone), messages: reports.reduce((sum, report) => sum + report.messages, 0) },
      );

      expect(crowdClients).toHaveLength(USERS * SOCKETS_PER_USER);
      expect(reconnectDelays.filter((delay) => Number.isNaN(delay))).toEqual([]);
      expect(crowdClients.every((client) => client.currentUrl === b || client.currentUrl === c)).toBe(true);
      expect(spread.onB).toBeGreaterThan(0);
      expect(spread.onC).toBeGreaterThan(0);
      for (const report of reports) {
        expect(report.ackedSends).toBe(50);
        expect(report.messages).toBe(50);
      }
    });
  });
});
