import { waitForConvergence } from '../support/faults/convergence';
import { allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import { sendMany } from '../support/faults/traffic';
import { probe, sleep, waitForStatus } from '@chat/test-harness';

const OUTAGE_MS = 4_000;

/**
 * Issue line 3: Redis is stopped for a few seconds and started again on the same port. Pods stay up,
 * sends keep being stored and acked, cross-pod live delivery comes back by itself, and clients on other
 * pods converge without reconnecting: the pods re-announce room heads (session:ready) and clients sync.
 */
describe('fault: Redis restarted', () => {
  const harness = useFaultHarness({ pods: 2 });

  it('keeps acking sends through the outage and re-converges every pod without reconnects', async () => {
    const h = harness();
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const users = await h.users(4, 'redis');
      const roomId = await h.room(nth(users, 0), users);
      // The set-up's additions are room notices: the sends' seqs start after them.
      const setUp = await h.store.lastSeq(roomId);
      const senderA = h.client(nth(users, 0), { label: 'sender@A', urls: [a] });
      const watcherA = h.client(nth(users, 1), { label: 'watcher@A', urls: [a] });
      const senderB = h.client(nth(users, 2), { label: 'sender@B', urls: [b] });
      const watcherB = h.client(nth(users, 3), { label: 'watcher@B', urls: [b] });
      const everyone = [senderA, watcherA, senderB, watcherB];
      await allReady(everyone, 15_000);

      await Promise.all([sendMany(senderA, roomId, 30, { window: 3 }), sendMany(senderB, roomId, 30, { window: 3 })]);
      await waitForConvergence(h.store, everyone, roomId, 20_000);
      const sessionsBefore = everyone.map((client) => client.sessionsReady.length);

      await h.redis.kill();
      const downAt = Date.now();
      await Promise.all(h.pods.map((pod) => waitForStatus(pod.baseUrl, '/health/ready', 503, 5_000)));

      // During the outage sends on both pods are stored and acked, and pods stay alive. B's sender goes
      // first, A's last: B's clients then have no way to notice A's messages until Redis returns.
      const emitsBefore = [senderA, senderB].map((client) => client.emits.length);
      const outageSends = [
        ...(await sendMany(senderB, roomId, 20, { window: 2, gapMs: 20, prefix: 'B during outage' })),
        ...(await sendMany(senderA, roomId, 40, { window: 2, gapMs: 20, prefix: 'A during outage' })),
      ];
      const outageEmits = [senderA, senderB].flatMap((client, i) => client.emits.slice(emitsBefore[i]));
      expect(await probe(a, '/health/live')).toBe(200);
      expect(await probe(b, '/health/live')).toBe(200);
      const rows = await h.store.timeline(roomId);
      for (const message of outageSends) expect(rows.entries.some((entry) => entry.id === message.id)).toBe(true);
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
      const headAtRestart = await h.store.lastSeq(roomId);
      const behindAtRestart = [senderB.appliedSeq(roomId), watcherB.appliedSeq(roomId)];

      await h.redis.start();
      await Promise.all(h.pods.map((pod) => waitForStatus(pod.baseUrl, '/health/ready', 200, 20_000)));

      // No new traffic: only the re-announced heads can tell the watchers what they missed across pods.
      const convergedBySessionReady = await waitForConvergence(h.store, everyone, roomId, 30_000);

      // The re-announce reaches every socket on both pods (A's clients may have converged earlier on
      // their own, through gap detection on A's live messages, so wait for it rather than assume it).
      for (const [i, client] of everyone.entries()) {
        await client.waitUntil(() => client.sessionsReady.length > nth(sessionsBefore, i), 10_000, 're-announced session:ready');
      }

      // Cross-pod live delivery is back: B's watcher gets A's new messages as message:new.
      const after = await sendMany(senderA, roomId, 10, { window: 1, prefix: 'A after outage' });
      await watcherB.waitUntil(
        () => after.every((message) => watcherB.room(roomId).newEvents.has(message.id)),
        10_000,
        'live message:new from pod A',
      );
      const report = await waitForConvergence(h.store, everyone, roomId, 20_000);
      console.log('redis restart', { outageMs: Date.now() - downAt, ...clientStats(everyone), ...report });

      expect(outageEmits.map((emit) => emit.outcome)).toEqual(outageEmits.map(() => 'ok'));
      expect(headAtRestart).toBe(setUp + 120);
      // B's clients were at least A's 40 outage messages behind when Redis came back.
      for (const seq of behindAtRestart) expect(seq).toBeLessThanOrEqual(setUp + 80);
      expect(convergedBySessionReady.lastSeq).toBe(setUp + 120);
      for (const [i, client] of everyone.entries()) {
        expect(client.disconnects).toEqual([]);
        expect(client.connections).toHaveLength(1);
        expect(client.sessionsReady.length).toBeGreaterThan(nth(sessionsBefore, i));
      }
      expect(report.messages).toBe(130);
    });
  });
});
