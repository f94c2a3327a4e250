import type { Ack, SyncResult } from '@chat/contracts';
import type { SyncRequest } from '@chat/contracts';
import { flushPromises, message } from '../../testing/fixtures';
import { TimelineStore, type TimelineStoreOptions } from './timeline-store';

type SyncMock = jest.Mock<Promise<Ack<SyncResult>>, [SyncRequest]>;

function ok(result: SyncResult): Ack<SyncResult> {
  return { ok: true, ...result };
}

function setup(options: Partial<TimelineStoreOptions> = {}) {
  const sync: SyncMock = jest.fn();
  const onChange = jest.fn();
  const onSyncError = jest.fn();
  const scheduled: Array<() => void> = [];
  const store = new TimelineStore({
    sync,
    onChange,
    onSyncError,
    schedule: (fn) => scheduled.push(fn),
    ...options,
  });
  return { store, sync, onChange, onSyncError, scheduled };
}

/** A room with messages 1..n loaded from a newest-first history page. */
function loaded(n: number, hasMore = false) {
  const ctx = setup();
  const page = Array.from({ length: n }, (_, i) => message(n - i));
  ctx.store.initialize('r1', { messages: page, hasMore });
  return ctx;
}

const seqs = (store: TimelineStore) => store.messages('r1').map((m) => m.seq);

describe('TimelineStore', () => {
  describe('initial page', () => {
    it('orders messages by seq and starts from the page head', () => {
      const { store, sync } = loaded(3);
      expect(seqs(store)).toEqual([1, 2, 3]);
      expect(store.lastAppliedSeq('r1')).toBe(3);
      expect(store.isReady('r1')).toBe(true);
      expect(sync).not.toHaveBeenCalled();
    });

    it('counts an edit inside the page towards the head', () => {
      const { store } = setup();
      store.initialize('r1', { messages: [message(2), message(1, { updatedSeq: 3, body: 'edited' })], hasMore: false });
      expect(store.lastAppliedSeq('r1')).toBe(3);
    });

    it('installs older pages loaded with it, the baseline still from the newest page alone', async () => {
      const { store, sync } = setup();
      sync.mockResolvedValueOnce(ok({ messages: [message(1, { updatedSeq: 6, body: 'edited' })], hasMore: false, lastSeq: 6 }));
      // An older page fetched after an edit (seq 6) shows it, but not whatever came at seq 5.
      store.initialize('r1', { messages: [message(4), message(3)], hasMore: true }, 4, [
        { messages: [message(2), message(1, { updatedSeq: 6, body: 'edited' })], hasMore: false },
      ]);
      expect(seqs(store)).toEqual([1, 2, 3, 4]);
      expect(store.hasOlder('r1')).toBe(false);
      expect(store.lastAppliedSeq('r1')).toBe(4);
      await flushPromises();
      expect(sync).toHaveBeenCalledWith({ roomId: 'r1', afterSeq: 4 });
    });

    it('catches up when the known room head is ahead of the page', async () => {
      const { store, sync } = setup();
      sync.mockResolvedValueOnce(ok({ messages: [message(3)], hasMore: false, lastSeq: 3 }));
      store.initialize('r1', { messages: [message(2), message(1)], hasMore: false }, 3);
      await flushPromises();
      expect(sync).toHaveBeenCalledWith({ roomId: 'r1', afterSeq: 2 });
      expect(seqs(store)).toEqual([1, 2, 3]);
      expect(store.lastAppliedSeq('r1')).toBe(3);
    });

    it('keeps live events that arrive while the page loads, then syncs from the page head', async () => {
      const { store, sync } = setup();
      store.track('r1');
      expect(store.applyMessage(message(5))).toBe('applied');
      sync.mockResolvedValueOnce(ok({ messages: [message(4), message(5)], hasMore: false, lastSeq: 5 }));
      store.initialize('r1', { messages: [message(3), message(2), message(1)], hasMore: false });
      await flushPromises();
      expect(sync).toHaveBeenCalledWith({ roomId: 'r1', afterSeq: 3 });
      expect(seqs(store)).toEqual([1, 2, 3, 4, 5]);
      expect(store.lastAppliedSeq('r1')).toBe(5);
    });
  });

  describe('live events', () => {
    it('applies the next seq without syncing', () => {
      const { store, sync } = loaded(2);
      expect(store.applyMessage(message(3))).toBe('applied');
      expect(seqs(store)).toEqual([1, 2, 3]);
      expect(store.lastAppliedSeq('r1')).toBe(3);
      expect(sync).not.toHaveBeenCalled();
    });

    it('is idempotent: the same event twice stores one message', () => {
      const { store } = loaded(2);
      store.applyMessage(message(3));
      expect(store.applyMessage(message(3))).toBe('stale');
      expect(seqs(store)).toEqual([1, 2, 3]);
    });

    it('applies an edit and ignores an older version arriving late', () => {
      const { store } = loaded(2);
      store.applyMessage(message(1, { updatedSeq: 3, body: 'v2', editedAt: '2024-01-01T13:00:00.000Z' }));
      store.applyMessage(message(1, { updatedSeq: 4, body: 'v3', editedAt: '2024-01-01T13:01:00.000Z' }));
      expect(store.applyMessage(message(1, { updatedSeq: 3, body: 'v2' }))).toBe('stale');
      expect(store.message('r1', 'm1')?.body).toBe('v3');
      expect(store.lastAppliedSeq('r1')).toBe(4);
    });

    it('turns a deleted message into a tombstone that keeps its place', () => {
      const { store } = loaded(3);
      expect(store.applyDeleted({ roomId: 'r1', messageId: 'm2', seq: 4 })).toBe('applied');
      const tombstone = store.message('r1', 'm2');
      expect(tombstone?.body).toBeNull();
      expect(tombstone?.deletedAt).not.toBeNull();
      expect(tombstone?.updatedSeq).toBe(4);
      expect(seqs(store)).toEqual([1, 2, 3]);
      expect(store.lastAppliedSeq('r1')).toBe(4);
    });

    it('ignores an edit that is older than the delete', () => {
      const { store } = loaded(3);
      store.applyDeleted({ roomId: 'r1', messageId: 'm2', seq: 4 });
      expect(store.applyMessage(message(2, { updatedSeq: 3, body: 'too late' }))).toBe('stale');
      expect(store.message('r1', 'm2')?.body).toBeNull();
    });

    it('reports events of rooms it does not track', () => {
      const { store } = loaded(1);
      expect(store.applyMessage(message(1, { roomId: 'other' }))).toBe('untracked');
    });

    it('notifies on change', () => {
      const { store, onChange } = loaded(1);
      onChange.mockClear();
      store.applyMessage(message(2));
      expect(onChange).toHaveBeenCalledWith('r1');
    });
  });

  describe('gaps', () => {
    it('syncs from lastAppliedSeq and pages until hasMore is false', async () => {
      const { store, sync } = loaded(2);
      sync
        .mockResolvedValueOnce(ok({ messages: [message(3), message(4)], hasMore: true, lastSeq: 7 }))
        .mockResolvedValueOnce(ok({ messages: [message(5), message(6)], hasMore: false, lastSeq: 7 }));

      expect(store.applyMessage(message(7))).toBe('gap');
      // The event itself is shown at once; the seq baseline waits for the sync.
      expect(seqs(store)).toEqual([1, 2, 7]);
      expect(store.lastAppliedSeq('r1')).toBe(2);
      await flushPromises();

      expect(sync.mock.calls.map(([req]) => req.afterSeq)).toEqual([2, 4]);
      expect(seqs(store)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(store.lastAppliedSeq('r1')).toBe(7);
      expect(store.isSyncing('r1')).toBe(false);
    });

    it('runs one sync per room at a time and syncs again for gaps found meanwhile', async () => {
      const { store, sync } = loaded(2);
      let release: (ack: Ack<SyncResult>) => void = () => undefined;
      sync.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
      sync.mockResolvedValueOnce(ok({ messages: [message(6)], hasMore: false, lastSeq: 6 }));

      store.applyMessage(message(4));
      store.applyMessage(message(6));
      expect(sync).toHaveBeenCalledTimes(1);

      release(ok({ messages: [message(3), message(4)], hasMore: false, lastSeq: 4 }));
      await flushPromises();

      expect(sync.mock.calls.map(([req]) => req.afterSeq)).toEqual([2, 4]);
      expect(store.lastAppliedSeq('r1')).toBe(6);
      expect(seqs(store)).toEqual([1, 2, 3, 4, 6]);
    });

    it('applies edits and deletes returned by sync idempotently', async () => {
      const { store, sync } = loaded(3);
      sync.mockResolvedValueOnce(
        ok({
          messages: [message(1, { updatedSeq: 4, body: 'edited' }), message(2, { updatedSeq: 5, body: null, deletedAt: 'x' })],
          hasMore: false,
          lastSeq: 6,
        }),
      );
      store.applyMessage(message(6));
      await flushPromises();
      expect(store.message('r1', 'm1')?.body).toBe('edited');
      expect(store.message('r1', 'm2')?.body).toBeNull();
      expect(store.lastAppliedSeq('r1')).toBe(6);
    });

    it('retries a transient sync failure later', async () => {
      const { store, sync, scheduled, onSyncError } = loaded(2);
      sync.mockResolvedValueOnce({ ok: false, error: { code: 'UNAVAILABLE', message: 'down' } });
      sync.mockResolvedValueOnce(ok({ messages: [message(3), message(4)], hasMore: false, lastSeq: 4 }));
      store.applyMessage(message(4));
      await flushPromises();
      expect(store.lastAppliedSeq('r1')).toBe(2);
      expect(scheduled).toHaveLength(1);

      scheduled[0]();
      await flushPromises();
      expect(store.lastAppliedSeq('r1')).toBe(4);
      expect(onSyncError).not.toHaveBeenCalled();
    });

    it('reports a sync refusal instead of retrying it', async () => {
      const { store, sync, scheduled, onSyncError } = loaded(2);
      const error = { code: 'FORBIDDEN' as const, message: 'not a member' };
      sync.mockResolvedValueOnce({ ok: false, error });
      store.applyMessage(message(4));
      await flushPromises();
      expect(scheduled).toHaveLength(0);
      expect(onSyncError).toHaveBeenCalledWith('r1', error);
    });

    it('treats a throwing transport as a failed sync', async () => {
      const { store, sync, scheduled } = loaded(2);
      sync.mockRejectedValueOnce(new Error('boom'));
      store.applyMessage(message(4));
      await flushPromises();
      expect(store.isSyncing('r1')).toBe(false);
      expect(scheduled).toHaveLength(1);
    });

    it('stops when the server claims more but sends nothing', async () => {
      const { store, sync, onSyncError } = loaded(2);
      sync.mockResolvedValue(ok({ messages: [], hasMore: true, lastSeq: 9 }));
      store.applyMessage(message(4));
      await flushPromises();
      expect(sync).toHaveBeenCalledTimes(1);
      expect(store.isSyncing('r1')).toBe(false);
      expect(onSyncError).not.toHaveBeenCalled(); // INTERNAL is retryable: scheduled instead
    });
  });

  describe('session:ready heads', () => {
    it('syncs only tracked rooms whose head moved', async () => {
      const { store, sync } = loaded(3);
      store.initialize('r2', { messages: [message(1, { roomId: 'r2', id: 'x1' })], hasMore: false });
      sync.mockResolvedValueOnce(ok({ messages: [message(4), message(5)], hasMore: false, lastSeq: 5 }));

      const started = store.checkHeads([
        { id: 'r1', lastSeq: 5, lastReadSeq: 0 },
        { id: 'r2', lastSeq: 1, lastReadSeq: 0 },
        { id: 'r3', lastSeq: 9, lastReadSeq: 0 },
      ]);
      await flushPromises();

      expect(started).toEqual(['r1']);
      expect(sync).toHaveBeenCalledTimes(1);
      expect(sync).toHaveBeenCalledWith({ roomId: 'r1', afterSeq: 3 });
      expect(store.lastAppliedSeq('r1')).toBe(5);
    });
  });

  describe('older pages and acks', () => {
    it('prepends older pages and reports whether more exist', () => {
      const { store } = setup();
      store.initialize('r1', { messages: [message(4), message(3)], hasMore: true });
      expect(store.oldestSeq('r1')).toBe(3);
      store.prependOlder('r1', { messages: [message(2), message(1)], hasMore: false });
      expect(seqs(store)).toEqual([1, 2, 3, 4]);
      expect(store.hasOlder('r1')).toBe(false);
      expect(store.lastAppliedSeq('r1')).toBe(4);
    });

    it('leaves out synced messages older than the loaded window', async () => {
      const { store, sync } = setup();
      store.initialize('r1', { messages: [message(4), message(3)], hasMore: true });
      sync.mockResolvedValueOnce(ok({ messages: [message(1, { updatedSeq: 5 }), message(6)], hasMore: false, lastSeq: 6 }));
      store.applyMessage(message(6));
      await flushPromises();
      expect(seqs(store)).toEqual([3, 4, 6]);
      expect(store.lastAppliedSeq('r1')).toBe(6);
    });

    it('stores an acked message without syncing past a gap', () => {
      const { store, sync } = loaded(2);
      expect(store.applyMessage(message(5), 'ack')).toBe('gap');
      expect(seqs(store)).toEqual([1, 2, 5]);
      expect(store.lastAppliedSeq('r1')).toBe(2);
      expect(sync).not.toHaveBeenCalled();
      store.applyMessage(message(3), 'ack');
      expect(store.lastAppliedSeq('r1')).toBe(3);
    });

    it('takes my message once, whether its ack or its broadcast comes first', () => {
      const { store, sync } = loaded(2);
      expect(store.applyMessage(message(3), 'ack')).toBe('applied');
      expect(store.applyMessage(message(3))).toBe('stale');
      expect(store.applyMessage(message(4))).toBe('applied');
      expect(store.applyMessage(message(4), 'ack')).toBe('stale');
      expect(seqs(store)).toEqual([1, 2, 3, 4]);
      expect(store.lastAppliedSeq('r1')).toBe(4);
      expect(sync).not.toHaveBeenCalled();
    });

    it('counts the broadcast of my message as applied once the events before it are in', () => {
      const { store, sync } = loaded(2);
      store.applyMessage(message(4), 'ack');
      store.applyMessage(message(3));
      expect(store.lastAppliedSeq('r1')).toBe(3);
      store.applyMessage(message(4));
      expect(seqs(store)).toEqual([1, 2, 3, 4]);
      expect(store.lastAppliedSeq('r1')).toBe(4);
      expect(sync).not.toHaveBeenCalled();
    });

    it('forgets a room', () => {
      const { store } = loaded(2);
      store.forget('r1');
      expect(store.isTracked('r1')).toBe(false);
      expect(store.messages('r1')).toEqual([]);
    });
  });
});
