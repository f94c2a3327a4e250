import { waitForConvergence } from '../support/faults/convergence';
import { engineHandshakeStatus, tryHandshake, type HandshakeOutcome } from '../support/faults/handshake';
import { FAULT_POD_ENV, allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';
import { probe, sleep } from '@chat/test-harness';

const GRACE_MS = Number(FAULT_POD_ENV['SHUTDOWN_GRACE_MS']);

/**
 * Issue line 2: a pod is drained (SIGTERM) under traffic. Readiness turns 503, new handshakes get HTTP 503
 * (socket.io-client keeps retrying, a balancer can try another pod), its clients get session:closed DRAINING
 * and reconnect elsewhere by themselves, no acknowledged message is lost, no send goes unanswered, and the
 * process exits 0 within the grace period.
 */
describe('fault: pod drained under traffic', () => {
  const harness = useFaultHarness({ pods: 2 });

  it('drains: 503, refuses handshakes, hands clients over, answers every send, exits 0 in time', async () => {
    const h = harness();
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const users = await h.users(6, 'drain');
      const roomId = await h.room(nth(users, 0), users);

      const onA: ResilientClient[] = [0, 1, 2].map((i) => h.client(nth(users, i), { label: `sender${i}@A`, urls: [a, b] }));
      const watcherA = h.client(nth(users, 3), { label: 'watcher@A', urls: [a, b] });
      const senderB = h.client(nth(users, 4), { label: 'sender@B', urls: [b, a] });
      const watcherB = h.client(nth(users, 5), { label: 'watcher@B', urls: [b, a] });
      const everyone = [...onA, watcherA, senderB, watcherB];
      await allReady(everyone, 15_000);

      const senders = [...onA, senderB];
      const traffic = senders.map((client) => sendMany(client, roomId, 150, { window: 3, gapMs: 10 }));
      await nth(onA, 0).waitUntil(() => onA.every((client) => client.acked.length >= 30), 30_000, '30 acked sends each');

      const termAt = Date.now();
      const exit = h.pod(0).terminate();

      // While draining: readiness 503 and new handshakes refused with HTTP 503 (until the server closes).
      let saw503 = false;
      let refusal: { polling: number; websocket: number; client: HandshakeOutcome } | undefined;
      let exited = false;
      void exit.then(() => {
        exited = true;
      });
      while (!exited && Date.now() - termAt < GRACE_MS + 2_000) {
        const status = await probe(a, '/health/ready', 1_000);
        if (status === 503) saw503 = true;
        if (saw503 && refusal === undefined) {
          refusal = {
            polling: await engineHandshakeStatus(a, 'polling'),
            websocket: await engineHandshakeStatus(a, 'websocket'),
            client: await tryHandshake(a, nth(users, 0).token, 2_000),
          };
        }
        if (status === 0) break;
        await sleep(50);
      }
      const { code, signal, at } = await exit;

      await Promise.all(traffic);
      const report = await waitForConvergence(h.store, everyone, roomId, 60_000);
      console.log('drain', { exitCode: code, exitMs: at - termAt, refusal, ...clientStats(everyone), ...report });

      expect(saw503).toBe(true);
      // Refused at the HTTP level, not by Socket.IO's middleware (which socket.io-client takes as final).
      expect(refusal).toEqual({ polling: 503, websocket: 503, client: expect.objectContaining({ kind: 'refused', active: true }) });
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(at - termAt).toBeLessThan(GRACE_MS);

      for (const client of [...onA, watcherA]) {
        expect(client.sessionsClosed.filter((closed) => closed.url === a).map((closed) => closed.code)).toEqual(['DRAINING']);
        // Closed at the transport, which standard clients treat as "reconnect by yourself".
        expect(client.disconnects.find((d) => d.url === a)?.reason).toBe('transport close');
        expect(client.currentUrl).toBe(b);
      }
      // Every emit was answered: an ack, or a lost connection the outbox recovered from. None hung.
      const emits = senders.flatMap((client) => client.emits);
      expect(emits.filter((emit) => emit.outcome === undefined || emit.outcome === 'timeout')).toEqual([]);
      expect(report.ackedSends).toBe(senders.length * 150);
      expect(report.messages).toBe(senders.length * 150);
    });
  });

  it('still exits 0 within the grace period when one of its clients stopped reading', async () => {
    const h = harness();
    await h.run(async () => {
      const drained = h.pod(0);
      if (!drained.running) await drained.start();
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const users = await h.users(3, 'drainstuck');
      const roomId = await h.room(nth(users, 0), users);
      const stuck = h.client(nth(users, 0), { label: 'stuck@A', urls: [a, b] });
      const watcherA = h.client(nth(users, 1), { label: 'watcher@A', urls: [a, b] });
      const sender = h.client(nth(users, 2), { label: 'sender@B', urls: [b, a] });
      await allReady([stuck, watcherA, sender], 15_000);

      // The stuck client stops reading while a few MB flow to it: its socket's buffers fill up.
      stuck.setReading(false);
      await sendMany(sender, roomId, 1_500, { window: 20, bodyLength: 3_900 });
      await waitForConvergence(h.store, [watcherA, sender], roomId, 30_000);

      const termAt = Date.now();
      const { code, signal, at } = await drained.terminate();
      stuck.setReading(true);
      const report = await waitForConvergence(h.store, [stuck, watcherA, sender], roomId, 60_000, [sender]);
      console.log('drain with a stuck client', {
        exitCode: code,
        signal,
        exitMs: at - termAt,
        ...clientStats([stuck, watcherA]),
        ...report,
      });

      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(at - termAt).toBeLessThan(GRACE_MS);
      expect(watcherA.sessionsClosed.map((closed) => closed.code)).toEqual(['DRAINING']);
    });
  });
});
