import { notifySettingsKey } from '../rooms/notify-settings';
import type { OutboxEntry } from './outbox';

/** The part of `Storage` this needs (tests pass a Map-backed fake). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const OUTBOX_PREFIX = 'chat.outbox.';
const DRAFTS_PREFIX = 'chat.drafts.';
/** The emoji one user picked last (RecentEmoji). */
export const RECENT_EMOJI_PREFIX = 'chat.recent-emoji.';

/** Keys holding one user's unsent messages, drafts, recently used emoji and notification settings (removed on logout). */
export function userDataKeys(userId: string): string[] {
  return [OUTBOX_PREFIX + userId, DRAFTS_PREFIX + userId, RECENT_EMOJI_PREFIX + userId, notifySettingsKey(userId)];
}

function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['clientMsgId'] === 'string' &&
    typeof v['roomId'] === 'string' &&
    typeof v['body'] === 'string' &&
    typeof v['createdAt'] === 'string' &&
    (v['status'] === 'sending' || v['status'] === 'failed') &&
    (v['error'] === null || typeof v['error'] === 'string') &&
    typeof v['retryable'] === 'boolean' &&
    typeof v['attempts'] === 'number'
  );
}

/**
 * Unsent messages and drafts of one user in localStorage, so a reload or a crash loses
 * neither. Several tabs share the keys: each write keeps what other tabs stored.
 * Storage errors (quota, private mode) are swallowed: the chat works without persistence.
 */
export class ChatPersistence {
  /** Every outbox entry this tab has held: what is no longer in its outbox was sent or discarded. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly storage: KeyValueStorage | null,
    private readonly userId: string,
  ) {}

  loadOutbox(): OutboxEntry[] {
    const raw = this.read(OUTBOX_PREFIX + this.userId);
    const entries = Array.isArray(raw) ? raw.filter(isOutboxEntry) : [];
    for (const entry of entries) this.seen.add(entry.clientMsgId);
    return entries;
  }

  saveOutbox(entries: readonly OutboxEntry[]): void {
    for (const entry of entries) this.seen.add(entry.clientMsgId);
    const stored = this.read(OUTBOX_PREFIX + this.userId);
    // Keep entries another tab stored that this tab never knew about.
    const others = Array.isArray(stored) ? stored.filter(isOutboxEntry).filter((e) => !this.seen.has(e.clientMsgId)) : [];
    const all = [...others, ...entries];
    if (all.length === 0) this.remove(OUTBOX_PREFIX + this.userId);
    else this.write(OUTBOX_PREFIX + this.userId, all);
  }

  loadDrafts(): Map<string, string> {
    const raw = this.read(DRAFTS_PREFIX + this.userId);
    const drafts = new Map<string, string>();
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      for (const [roomId, text] of Object.entries(raw)) {
        if (typeof text === 'string' && text !== '') drafts.set(roomId, text);
      }
    }
    return drafts;
  }

  saveDraft(roomId: string, text: string): void {
    const drafts = this.loadDrafts();
    if (text === '') drafts.delete(roomId);
    else drafts.set(roomId, text);
    if (drafts.size === 0) this.remove(DRAFTS_PREFIX + this.userId);
    else this.write(DRAFTS_PREFIX + this.userId, Object.fromEntries(drafts));
  }

  private read(key: string): unknown {
    try {
      const raw = this.storage?.getItem(key);
      return raw ? (JSON.parse(raw) as unknown) : null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: unknown): void {
    try {
      this.storage?.setItem(key, JSON.stringify(value));
    } catch {
      // Quota exceeded or storage disabled: keep working from memory.
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // Same as above.
    }
  }
}
