import type { SendMessageAck } from '@chat/contracts';
import { newClientMsgId } from '../support/chat';
import { FaultHarness } from '../support/faults/harness';
import type { TestUser } from '../support/http';
import { connectClient, type ChatClient } from '../support/sockets';

/**
 * PostgreSQL commits a batch but its answer never reaches the pod (the connection breaks on the way
 * back). The sender gets UNAVAILABLE and its retry finds the stored original, which is not new: nobody
 * would ever broadcast that message. The pod keeps such sends in doubt and, once the database answers
 * again, announces the ones that were stored, so every member gets them live (not only through a
 * sync that a later message's gap would start).
 */
describe('fault: the answer of a commit is lost', () => {
  let harness: FaultHarness | undefined;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    harness = await FaultHarness.start({ pods: 1, databaseProxy: true });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await harness?.dispose();
  }, 60_000);

  it('announces a message the database stored after its sender was told UNAVAILABLE, once the database answers again', async () => {
    const h = harness as FaultHarness;
    const proxy = h.databaseProxy;
    if (!proxy) throw new Error('the harness has no database proxy');
    await h.run(async () => {
      const url = h.pod(0).baseUrl;
      const [sender, watcher] = (await h.users(2, 'lostanswer')) as [TestUser, TestUser];
      const roomId = await h.room(sender, [sender, watcher]);
      const [senderSocket, watcherSocket] = await Promise.all([
        connectClient(url, sender.token, 'sender'),
        connectClient(url, watcher.token, 'watcher'),
      ]);
      clients.push(senderSocket, watcherSocket);
      const send = (body: string, clientMsgId = newClientMsgId()) =>
        senderSocket.request('message:send', { roomId, clientMsgId, body }, 15_000) as Promise<SendMessageAck>;
      await expect(send('before')).resolves.toMatchObject({ ok: true });

      // The next answer from PostgreSQL is dropped and its connection closed: the commit of this send.
      const lostId = newClientMsgId();
      const cut = proxy.cutOnNextServerData();
      const lost = await send('stored, answer lost', lostId);
      await cut;
      expect(lost).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      const { entries } = await h.store.timeline(roomId);
      expect(entries.some((entry) => entry.clientMsgId === lostId)).toBe(true);

      // The database answers again: the next batch commits, and the message in doubt is announced.
      await expect(send('after')).resolves.toMatchObject({ ok: true });
      const announced = await watcherSocket.waitFor('message:new', (event) => event.message.clientMsgId === lostId, 10_000);
      expect(announced.message.body).toBe('stored, answer lost');
      // The retry finds the stored original (the same message, not a second one).
      const retry = await send('stored, answer lost', lostId);
      expect(retry.ok && retry.message.id).toBe(announced.message.id);
    });
  });
});
