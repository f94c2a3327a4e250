import { waitForConvergence } from '../support/faults/convergence';
import { allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';

/**
 * Issue line 1: a pod is killed (SIGKILL) mid-stream. Its senders and receivers move to another pod,
 * resend what was not acknowledged with the same clientMsgId and catch up: zero loss, zero duplicates.
 */
describe('fault: pod killed mid-stream', () => {
  const harness = useFaultHarness({ pods: 3 });

  it('moves its clients to the other pods, which resend and catch up with nothing lost or doubled', async () => {
    const h = harness();
    await h.run(async () => {
      const [a, b, c] = h.pods.map((pod) => pod.baseUrl) as [string, string, string];
      const users = await h.users(6, 'kill');
      const roomId = await h.room(nth(users, 0), users);

      // Three senders and a receiver on the doomed pod A; senders and receivers on B and C.
      const onA: ResilientClient[] = [0, 1, 2].map((i) => h.client(nth(users, i), { label: `sender${i}@A`, urls: [a, b, c] }));
      const watcherA = h.client(nth(users, 3), { label: 'watcher@A', urls: [a, c, b] });
      const others: ResilientClient[] = [
        h.client(nth(users, 4), { label: 'sender@B', urls: [b, c] }),
        h.client(nth(users, 5), { label: 'sender@C', urls: [c, b] }),
      ];
      const everyone = [...onA, watcherA, ...others];
      await allReady(everyone, 15_000);

      const senders = [...onA, ...others];
      const traffic = senders.map((client) => sendMany(client, roomId, 120, { window: 6 }));

      // Once A is busy, freeze it first (the sends on it then certainly wait for acks that never come),
      // and kill it a moment later.
      await nth(onA, 0).waitUntil(() => onA.every((client) => client.acked.length >= 20), 30_000, '20 acked sends each');
      h.pod(0).freeze();
      await nth(onA, 0).waitUntil(() => onA.every((client) => client.unacked.length > 0), 10_000, 'sends stuck on A');
      const inFlightAtKill = onA.reduce((sum, client) => sum + client.unacked.length, 0);
      await h.pod(0).kill();

      await Promise.all(traffic);
      const report = await waitForConvergence(h.store, everyone, roomId, 60_000);
      console.log('pod kill', { inFlightAtKill, ...clientStats(everyone), ...report });

      expect(report.ackedSends).toBe(senders.length * 120);
      expect(report.messages).toBe(senders.length * 120);
      expect(inFlightAtKill).toBeGreaterThan(0);
      for (const client of [...onA, watcherA]) {
        // Each one lost A and now lives on B or C.
        expect(client.disconnects.some((d) => d.url === a)).toBe(true);
        expect([b, c]).toContain(client.currentUrl);
      }
      // Some sends were in flight when A died: they were emitted again (same clientMsgId) elsewhere.
      const resent = onA.flatMap((client) => client.acked.filter((send) => send.attempts > 1));
      expect(resent.length).toBeGreaterThan(0);
    });
  });
});
