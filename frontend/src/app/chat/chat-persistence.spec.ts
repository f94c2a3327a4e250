import { ChatPersistence, userDataKeys, type KeyValueStorage } from './chat-persistence';
import type { OutboxEntry } from './outbox';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const entry = (clientMsgId: string, body = clientMsgId): OutboxEntry => ({
  clientMsgId,
  roomId: 'r1',
  body,
  createdAt: '2024-01-01T12:00:00.000Z',
  status: 'sending',
  error: null,
  retryable: true,
  attempts: 0,
});

describe('ChatPersistence', () => {
  it('stores and loads the outbox per user, and removes the key when it empties', () => {
    const storage = memoryStorage();
    const tab = new ChatPersistence(storage, 'u1');
    tab.saveOutbox([entry('a'), entry('b')]);
    expect(new ChatPersistence(storage, 'u1').loadOutbox().map((e) => e.clientMsgId)).toEqual(['a', 'b']);
    expect(new ChatPersistence(storage, 'u2').loadOutbox()).toEqual([]);

    tab.saveOutbox([]);
    expect(storage.data.has('chat.outbox.u1')).toBe(false);
  });

  it('keeps what another tab stored, but not what this tab already sent', () => {
    const storage = memoryStorage();
    const tabA = new ChatPersistence(storage, 'u1');
    const tabB = new ChatPersistence(storage, 'u1');
    tabA.saveOutbox([entry('from-a')]);
    tabB.saveOutbox([entry('from-b')]);
    expect(
      tabB
        .loadOutbox()
        .map((e) => e.clientMsgId)
        .sort(),
    ).toEqual(['from-a', 'from-b']);

    // Tab A's message went out; tab B's is still pending.
    tabA.saveOutbox([]);
    expect(tabA.loadOutbox().map((e) => e.clientMsgId)).toEqual(['from-b']);
  });

  it('ignores malformed or tampered data', () => {
    const storage = memoryStorage();
    storage.setItem('chat.outbox.u1', JSON.stringify([{ clientMsgId: 1 }, entry('ok'), 'junk']));
    storage.setItem('chat.drafts.u1', '{not json');
    const persistence = new ChatPersistence(storage, 'u1');
    expect(persistence.loadOutbox().map((e) => e.clientMsgId)).toEqual(['ok']);
    expect(persistence.loadDrafts().size).toBe(0);
  });

  it('saves drafts room by room and forgets empty ones', () => {
    const storage = memoryStorage();
    const persistence = new ChatPersistence(storage, 'u1');
    persistence.saveDraft('r1', 'one');
    persistence.saveDraft('r2', 'two');
    persistence.saveDraft('r1', '');
    expect([...new ChatPersistence(storage, 'u1').loadDrafts()]).toEqual([['r2', 'two']]);
    persistence.saveDraft('r2', '');
    expect(storage.data.size).toBe(0);
  });

  it('keeps working when storage throws (quota, private mode)', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const persistence = new ChatPersistence(broken, 'u1');
    expect(() => persistence.saveOutbox([entry('a')])).not.toThrow();
    expect(() => persistence.saveDraft('r1', 'x')).not.toThrow();
    expect(persistence.loadOutbox()).toEqual([]);
  });

  it('names the keys a logout removes', () => {
    expect(userDataKeys('u1')).toEqual(['chat.outbox.u1', 'chat.drafts.u1', 'chat.recent-emoji.u1', 'chat.notify.u1']);
  });
});
