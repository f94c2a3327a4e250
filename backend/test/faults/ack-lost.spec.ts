import type { TestUser } from '../support/http';
import { waitForConvergence } from '../support/faults/convergence';
import { FaultHarness, clientStats, nth } from '../support/faults/harness';
import { newClientMsgId, type ResilientClient } from '../support/faults/resilient-client';
import { TcpProxy, sleep } from '@chat/test-harness';

/**
 * Issue line 5: the ack is lost after the commit. The client's connection is cut right after it emitted a
 * send, before the ack arrives; it reconnects and resends the same clientMsgId. The original comes back
 * (same id and seq), the database holds one row, and another member saw exactly one message:new.
 */
describe('fault: ack lost after commit', () => {
  let harness: FaultHarness | undefined;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    harness = await FaultHarness.start({ pods: 2 });
    proxy = await TcpProxy.start(harness.pod(0).port);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await harness?.dispose();
  }, 60_000);

  it('returns the original message to a resend after the ack was lost, stored and broadcast once', async () => {
    const h = harness as FaultHarness;
    const p = proxy as TcpProxy;
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const [sender, watcher] = (await h.users(2, 'acklost')) as [TestUser, TestUser];
      const roomId = await h.room(sender, [sender, watcher]);
      const watcherB = h.client(watcher, { label: 'watcher@B', urls: [b] });
      await watcherB.whenReady();

      // Where the resend goes after the cut: the same pod directly, the other pod, the proxy again.
      const routes: { label: string; urls: string[] }[] = [
        { label: 'resend@A', urls: [p.url, a] },
        { label: 'resend@B', urls: [p.url, b] },
        { label: 'resend@proxy', urls: [p.url] },
      ];
      const senders: ResilientClient[] = [];
      const cases: { clientMsgId: string; committedBeforeResend: number }[] = [];
      for (const route of routes) {
        const client = h.client(sender, { label: route.label, urls: route.urls });
        senders.push(client);
        await client.whenReady();
        expect(client.currentUrl).toBe(p.url);
        // Let presence and session traffic settle so the next bytes from the pod answer the send.
        await sleep(300);
        const clientMsgId = newClientMsgId();
        const cut = p.cutOnNextServerData();
        const sent = client.send(roomId, `lost ack via ${route.label}`, clientMsgId);
        await cut;
        // The pod only writes after the commit, so the row is there although its ack was dropped.
        const committed = (await h.store.rowsFor(roomId, clientMsgId)).length;
        cases.push({ clientMsgId, committedBeforeResend: committed });
        await sent;
      }

      // The variant without a proxy: drop the connection right after emitting (commit may or may not win).
      const racer = h.client(sender, { label: 'racer', urls: [a, b] });
      senders.push(racer);
      await racer.whenReady();
      const raceId = newClientMsgId();
      const raced = racer.send(roomId, 'send, then cut at once', raceId);
      racer.dropConnection();
      await raced;
      cases.push({ clientMsgId: raceId, committedBeforeResend: -1 });

      await sleep(500); // a duplicate broadcast would arrive by now
      const report = await waitForConvergence(h.store, [watcherB, ...senders], roomId, 20_000);
      console.log('ack lost', { cases, droppedBytes: p.droppedBytes, ...clientStats(senders), ...report });

      for (const [i, { clientMsgId, committedBeforeResend }] of cases.entries()) {
        const client = nth(senders, i);
        const send = client.outbox.get(clientMsgId);
        const rows = await h.store.rowsFor(roomId, clientMsgId);
        if (committedBeforeResend !== -1) {
          expect({ clientMsgId, committedBeforeResend }).toEqual({ clientMsgId, committedBeforeResend: 1 });
          // The cut really took the first answer: the send needed a second emit.
          expect(send?.attempts).toBeGreaterThanOrEqual(2);
          expect(client.emits.filter((emit) => emit.clientMsgId === clientMsgId)[0]?.outcome).toBe('disconnected');
        }
        expect(rows).toHaveLength(1);
        expect({ id: send?.acked?.id, seq: send?.acked?.seq }).toEqual(rows[0]);
        expect(watcherB.room(roomId).newEvents.get(nth(rows, 0).id)).toBe(1);
      }
      expect(report.messages).toBe(cases.length);
    });
  });
});
