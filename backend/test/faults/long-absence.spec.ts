import { LIMITS } from '@chat/contracts';
import { waitForConvergence } from '../support/faults/convergence';
import { allReady, clientStats, nth, useFaultHarness } from '../support/faults/harness';
import type { ResilientClient } from '../support/faults/resilient-client';
import { sendMany } from '../support/faults/traffic';

/**
 * Issue line 6: a client is away while 5,000 messages (plus edits and deletes) arrive in its rooms; when
 * it comes back it catches up exactly by paging room:sync: every change once, nothing missing.
 */
describe('fault: long absence', () => {
  const harness = useFaultHarness({ pods: 2 });

  it('catches up on 5,000 messages with edits and deletes by paging room:sync', async () => {
    const h = harness();
    await h.run(async () => {
      const [a, b] = h.pods.map((pod) => pod.baseUrl) as [string, string];
      const users = await h.users(5, 'absent');
      const away = nth(users, 0);
      const others = users.slice(1);
      const big = await h.room(away, users);
      const small = await h.room(nth(others, 0), users);
      const rooms = [big, small];

      const absent = h.client(away, { label: 'away', urls: [a, b] });
      const senders: ResilientClient[] = others.map((user, i) => h.client(user, { label: `sender${i}`, urls: i % 2 ? [b] : [a] }));
      await allReady([absent, ...senders], 15_000);
      await Promise.all([sendMany(nth(senders, 0), big, 10), sendMany(nth(senders, 1), small, 10)]);
      for (const roomId of rooms) await waitForConvergence(h.store, [absent, ...senders], roomId, 20_000);

      absent.goOffline();
      const appliedAtLeave = rooms.map((roomId) => absent.appliedSeq(roomId));

      const started = Date.now();
      const sent = await Promise.all([
        sendMany(nth(senders, 0), big, 1_500, { window: 25 }),
        sendMany(nth(senders, 1), big, 1_500, { window: 25 }),
        sendMany(nth(senders, 2), small, 1_000, { window: 25 }),
        sendMany(nth(senders, 3), small, 1_000, { window: 25 }),
      ]);
      // Some of the new messages change once more while the client is away: 25 edits and 25 deletes per sender.
      await Promise.all(
        senders.map(async (sender, i) => {
          const mine = nth(sent, i);
          for (let k = 0; k < 25; k += 1) await sender.edit(nth(mine, k * 2).id, `edited by ${sender.label} #${k}`);
          for (let k = 0; k < 25; k += 1) await sender.delete(nth(mine, k * 2 + 1).id);
        }),
      );
      const sendMs = Date.now() - started;

      const back = Date.now();
      const syncsBefore = rooms.map((roomId) => ({ pages: absent.room(roomId).syncPages, messages: absent.room(roomId).syncedMessages }));
      absent.start(1); // comes back on the other pod
      const reports = [];
      for (const roomId of rooms) reports.push(await waitForConvergence(h.store, [absent, ...senders], roomId, 60_000, senders));
      const catchUpMs = Date.now() - back;

      console.log('long absence', { sendMs, catchUpMs, ...clientStats([absent]), reports });

      expect(sent.flat()).toHaveLength(5_000);
      for (const [i, roomId] of rooms.entries()) {
        const { entries, lastSeq } = await h.store.timeline(roomId);
        const changed = entries.filter((entry) => entry.updatedSeq > nth(appliedAtLeave, i)).length;
        const pages = absent.room(roomId).syncPages - nth(syncsBefore, i).pages;
        const synced = absent.room(roomId).syncedMessages - nth(syncsBefore, i).messages;
        // Exactly the changed messages came through sync, each once, in full pages of the default size
        // (hasMore is exact, so no trailing empty page).
        expect(synced).toBe(changed);
        expect(pages).toBe(Math.ceil(changed / LIMITS.syncPageDefault));
        expect(lastSeq).toBe(nth(appliedAtLeave, i) + (i === 0 ? 3_000 : 2_000) + 100);
        // The catch-up came from room:sync, not from live events.
        expect(absent.room(roomId).newEvents.size).toBe(10);
      }
    });
  });
});
