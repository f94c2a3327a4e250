import { waitForConvergence } from '../support/faults/convergence';
import { FAULT_POD_ENV, allReady, clientStats, type FaultHarness, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';
import { probe, sleep, waitForStatus } from '@chat/test-harness';

const STATEMENT_TIMEOUT_MS = Number(FAULT_POD_ENV['DB_STATEMENT_TIMEOUT_MS']);
/** An answer to a send must come within this while the database is gone (no hang). */
const ACK_BOUND_MS = STATEMENT_TIMEOUT_MS + 4_000;
const OUTAGE_MS = 8_000;

function newEventCount(client: ResilientClient, roomId: string): number {
  return [...client.room(roomId).newEvents.values()].reduce((sum, count) => sum + count, 0);
}

/**
 * Issue line 4: PostgreSQL goes down. Sends get UNAVAILABLE acks promptly, nothing unstored is broadcast,
 * readiness is 503, and once PostgreSQL is back everything recovers by itself and the clients' retries are
 * stored exactly once.
 */
/** A room with a sender and a watcher on each of the two pods, each able to fail over to the other. */
async function senderAndWatcherPerPod(h: FaultHarness, prefix: string, userCount: number, extraAckMs: number) {
  const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
  const users = await h.users(userCount, prefix);
  const roomId = await h.room(nth(users, 0), users);
  const options = { ackTimeoutMs: ACK_BOUND_MS + extraAckMs };
  const senderA = h.client(nth(users, 0), { ...options, label: 'sender@A', urls: [a, b] });
  const watcherA = h.client(nth(users, 1), { ...options, label: 'watcher@A', urls: [a, b] });
  const senderB = h.client(nth(users, 2), { ...options, label: 'sender@B', urls: [b, a] });
  const watcherB = h.client(nth(users, 3), { ...options, label: 'watcher@B', urls: [b, a] });
  const everyone = [senderA, watcherA, senderB, watcherB];
  await allReady(everyone, 15_000);
  return { a, b, users, options, roomId, senderA, watcherA, senderB, watcherB, everyone };
}

describe('fault: PostgreSQL down', () => {
  const harness = useFaultHarness({ pods: 2 });

  it('answers sends with prompt UNAVAILABLE acks, broadcasts nothing, and recovers by itself', async () => {
    const h = harness();
    await h.run(async () => {
      const { a, b, users, options, roomId, senderA, watcherA, senderB, watcherB, everyone } = await senderAndWatcherPerPod(
        h,
        'pgdown',
        5,
        5_000,
      );
      await Promise.all([sendMany(senderA, roomId, 10), sendMany(senderB, roomId, 10)]);
      await waitForConvergence(h.store, everyone, roomId, 20_000);
      const newEventsBefore = [watcherA, watcherB].map((client) => newEventCount(client, roomId));
      const emitsBefore = [senderA, senderB].map((client) => client.emits.length);

      await h.postgres.stop();
      const downAt = Date.now();
      const readiness = await Promise.all(h.pods.map((pod) => waitForStatus(pod.baseUrl, '/health/ready', 503, 10_000)));

      // Sends during the outage; the outbox retries them (with backoff) until they are stored.
      const outageTraffic = [
        sendMany(senderA, roomId, 10, { window: 5, prefix: 'A during outage' }),
        sendMany(senderB, roomId, 10, { window: 5, prefix: 'B during outage' }),
      ];
      // A client connecting during the outage is refused (the handshake needs the database) and retries.
      const lateUser = nth(users, 4);
      const lateJoiner = h.client(lateUser, { ...options, label: 'late@A', urls: [a, b] });
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
      const outageEmits = [senderA, senderB].flatMap((client, i) => client.emits.slice(emitsBefore[i]));
      const settledDuringOutage = outageEmits.filter((emit) => emit.settledAt !== undefined);
      const newEventsDuringOutage = [watcherA, watcherB].map((client, i) => newEventCount(client, roomId) - nth(newEventsBefore, i));
      const liveDuringOutage = [await probe(a, '/health/live'), await probe(b, '/health/live')];
      const lateErrors = lateJoiner.connectErrors.map((error) => error.code ?? error.message);

      await h.postgres.start();
      const upAt = Date.now();
      await Promise.all(h.pods.map((pod) => waitForStatus(pod.baseUrl, '/health/ready', 200, 30_000)));
      const recoveredMs = Date.now() - upAt;
      await Promise.all(outageTraffic);
      const report = await waitForConvergence(h.store, [...everyone, lateJoiner], roomId, 30_000, everyone);

      const slowest = Math.max(...settledDuringOutage.map((emit) => (emit.settledAt ?? 0) - emit.at));
      console.log('postgres down', {
        readinessMs: readiness,
        emitsDuringOutage: outageEmits.length,
        slowestAnswerMs: slowest,
        lateJoinerErrors: [...new Set(lateErrors)],
        recoveredMs,
        ...clientStats([...everyone, lateJoiner]),
        ...report,
      });

      expect(liveDuringOutage).toEqual([200, 200]);
      // Every send during the outage was answered, promptly and with UNAVAILABLE.
      expect(settledDuringOutage.length).toBeGreaterThanOrEqual(20);
      expect(outageEmits.filter((emit) => emit.settledAt === undefined && Date.now() - emit.at > ACK_BOUND_MS)).toEqual([]);
      expect([...new Set(settledDuringOutage.map((emit) => emit.outcome))]).toEqual(['UNAVAILABLE']);
      expect(slowest).toBeLessThan(ACK_BOUND_MS);
      expect(newEventsDuringOutage).toEqual([0, 0]);
      expect(lateErrors.length).toBeGreaterThan(0);
      expect([...new Set(lateErrors)]).toEqual(['UNAVAILABLE']);
      // Afterwards: the 20 outage sends are stored once each, everyone (the late joiner too) converged.
      expect(report.messages).toBe(40);
      expect(report.ackedSends).toBe(40);
      for (const client of everyone) expect(client.disconnects).toEqual([]);
    });
  });

  it('answers sends within the statement timeout while PostgreSQL hangs (frozen), and recovers by itself', async () => {
    const h = harness();
    await h.run(async () => {
      const { a, b, roomId, senderA, watcherA, senderB, watcherB, everyone } = await senderAndWatcherPerPod(h, 'pgfrozen', 4, 10_000);
      await Promise.all([sendMany(senderA, roomId, 5), sendMany(senderB, roomId, 5)]);
      await waitForConvergence(h.store, everyone, roomId, 20_000);
      const newEventsBefore = [watcherA, watcherB].map((client) => newEventCount(client, roomId));
      const emitsBefore = [senderA, senderB].map((client) => client.emits.length);

      h.postgres.freeze();
      let thawed = false;
      try {
        // Three waves a moment apart: with WRITE_CONCURRENCY batches stuck on the dead connections,
        // the last wave has to wait for a free writer, and its answer must still come within the bound.
        const outageTraffic: Promise<unknown>[] = [];
        const firstWaveAt = Date.now();
        for (let wave = 0; wave < 3; wave += 1) {
          outageTraffic.push(sendMany(senderA, roomId, 3, { window: 3, prefix: `A wave ${wave}` }));
          outageTraffic.push(sendMany(senderB, roomId, 3, { window: 3, prefix: `B wave ${wave}` }));
          await sleep(300);
        }
        // Long enough for every first answer to arrive, however late.
        await sleep(Math.max(0, 2 * ACK_BOUND_MS + 1_000 - (Date.now() - firstWaveAt)));
        const outageEmits = [senderA, senderB].flatMap((client, i) => client.emits.slice(emitsBefore[i]));
        const now = Date.now();
        const late = outageEmits
          .filter((emit) => (emit.settledAt ?? now) - emit.at > ACK_BOUND_MS)
          .map((emit) => `${emit.clientMsgId} ${emit.outcome ?? 'unanswered'} after ${(emit.settledAt ?? now) - emit.at} ms`);
        const settled = outageEmits.filter((emit) => emit.settledAt !== undefined);
        const newEventsDuringOutage = [watcherA, watcherB].map((client, i) => newEventCount(client, roomId) - nth(newEventsBefore, i));
        const live = [await probe(a, '/health/live'), await probe(b, '/health/live')];
        // Probed only now, once: frequent readiness probes would hold pool connections on the hung database.
        const readiness = [await probe(a, '/health/ready'), await probe(b, '/health/ready')];

        h.postgres.thaw();
        thawed = true;
        await Promise.all(h.pods.map((pod) => waitForStatus(pod.baseUrl, '/health/ready', 200, 30_000)));
        await Promise.all(outageTraffic);
        const report = await waitForConvergence(h.store, everyone, roomId, 30_000);

        const answerTimes = settled.map((emit) => (emit.settledAt ?? 0) - emit.at);
        console.log('postgres frozen', {
          readiness,
          emitsWhileFrozen: outageEmits.length,
          answered: settled.length,
          late: late.length,
          answerMs: [Math.min(...answerTimes), Math.max(...answerTimes)],
          outcomes: [...new Set(settled.map((emit) => emit.outcome))],
          ...clientStats(everyone),
          ...report,
        });

        expect(live).toEqual([200, 200]);
        expect(readiness).toEqual([503, 503]);
        expect(settled.length).toBeGreaterThanOrEqual(18);
        expect(late).toEqual([]);
        expect([...new Set(settled.map((emit) => emit.outcome))]).toEqual(['UNAVAILABLE']);
        expect(Math.max(...answerTimes)).toBeLessThan(ACK_BOUND_MS);
        expect(newEventsDuringOutage).toEqual([0, 0]);
        expect(report.messages).toBe(28);
        expect(report.ackedSends).toBe(28);
      } finally {
        if (!thawed) h.postgres.thaw();
      }
    });
  });
});
