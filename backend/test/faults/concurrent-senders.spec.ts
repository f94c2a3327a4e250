import { waitForConvergence } from '../support/faults/convergence';
import { allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';

const SENDERS = 10;
const PER_SENDER = 80;

/**
 * Issue line 8: ten senders on three pods write to one room at once (with edits and deletes mixed in).
 * Every client ends with the same order, the seqs are gapless, and a sender's later message (sent after
 * the previous one was acked) always gets a later seq.
 */
describe('fault: concurrent senders in one room across pods', () => {
  const harness = useFaultHarness({ pods: 3 });

  it('gives every client the same gapless order', async () => {
    const h = harness();
    await h.run(async () => {
      const urls = h.pods.map((pod) => pod.baseUrl);
      const users = await h.users(SENDERS + 3, 'conc');
      const roomId = await h.room(nth(users, 0), users);
      const senders: ResilientClient[] = users
        .slice(0, SENDERS)
        .map((user, i) => h.client(user, { label: `sender${i}@${i % 3}`, urls: [nth(urls, i % 3)] }));
      const watchers = users.slice(SENDERS).map((user, i) => h.client(user, { label: `watcher@${i}`, urls: [nth(urls, i)] }));
      const everyone = [...senders, ...watchers];
      await allReady(everyone, 15_000);

      const started = Date.now();
      const sent = await Promise.all(
        senders.map(async (sender, i) => {
          const messages = await sendMany(sender, roomId, PER_SENDER / 2, { window: 1 });
          // Mid-stream, each sender edits one of its messages and deletes another, while the others keep sending.
          const [edited, deleted] = [nth(messages, 3), nth(messages, 7)];
          const more = sendMany(sender, roomId, PER_SENDER / 2, { window: 1, prefix: `${sender.label} second half` });
          await sender.edit(edited.id, `edited by sender${i}`);
          await sender.delete(deleted.id);
          return [...messages, ...(await more)];
        }),
      );
      const report = await waitForConvergence(h.store, everyone, roomId, 60_000);
      console.log('concurrent senders', { sendMs: Date.now() - started, ...clientStats(everyone), ...report });

      expect(report.ackedSends).toBe(SENDERS * PER_SENDER);
      // The set-up's additions are room notices (one per member but the owner), then every send, edit and delete.
      expect(report.lastSeq).toBe(users.length - 1 + SENDERS * PER_SENDER + SENDERS * 2);
      for (const [i, messages] of sent.entries()) {
        // The first half went one at a time: each acked before the next was sent, so seqs rise.
        const firstHalf = messages.slice(0, PER_SENDER / 2).map((message) => message.seq);
        expect({ sender: i, seqs: firstHalf }).toEqual({ sender: i, seqs: [...firstHalf].sort((x, y) => x - y) });
      }
      // Everyone saw edits and deletes as such.
      const timeline = nth(watchers, 0).timeline(roomId);
      expect(timeline.filter((entry) => entry.deleted)).toHaveLength(SENDERS);
      expect(timeline.filter((entry) => entry.body?.startsWith('edited by'))).toHaveLength(SENDERS);
    });
  });
});
